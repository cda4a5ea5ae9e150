// Command matrix runs the benchmark matrix against reactor and nats-server side by side and writes
// bench/RESULTS.md: `make bench` runs it. It only parses flags and wires package bench together.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"syscall"
	"time"

	"github.com/reactor-nats/reactor/bench"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "matrix:", err)
		os.Exit(1)
	}
}

func run() error {
	root, err := bench.RepoRoot(".")
	if err != nil {
		return err
	}
	var (
		reactorBin = flag.String("reactor", filepath.Join(root, "bin", "reactor"), "reactor binary")
		natsBin    = flag.String("nats-server", filepath.Join(root, "bin", "nats-server"), "nats-server binary")
		out        = flag.String("out", filepath.Join(root, "bench", "RESULTS.md"), "results file, relative to the repository root; empty for none")
		reps       = flag.Int("reps", 3, "repetitions of every row against every server (medians are reported)")
		scale      = flag.Float64("scale", 1, "multiplies every row's message count (each row takes 1–2 s on reactor at 1)")
		isoMsgs    = flag.Int("iso-msgs", bench.DefaultIsolation.Msgs, "messages per slow-consumer run")
		isoPayload = flag.Int("iso-payload", bench.DefaultIsolation.Payload, "payload bytes per slow-consumer message")
		timeout    = flag.Duration("timeout", 60*time.Second, "a run that takes longer fails")
		maxTime    = flag.Duration("max-time", 20*time.Minute, "runs still to start after this fail at once, so the whole matrix is bounded")
		recMsgs    = flag.Int("recovery-msgs", bench.DefaultRecovery.Msgs, "messages in the stream the JetStream recovery section restarts on")
		only       = flag.String("run", "", "run only rows whose name matches this regexp (\"slow consumer\" and \""+bench.RecoverySection+"\" name those sections)")
	)
	flag.Parse()
	if *reps < 1 || *scale <= 0 || *isoMsgs < 1 || *isoPayload < 1 || *recMsgs < 1 {
		return fmt.Errorf("-reps, -scale, -iso-msgs, -iso-payload and -recovery-msgs must be positive")
	}
	selected, err := regexp.Compile(*only)
	if err != nil {
		return fmt.Errorf("-run: %w", err)
	}

	interrupted, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeoutCause(interrupted, *maxTime, fmt.Errorf("matrix passed -max-time %v", *maxTime))
	defer cancel()

	reactor, err := bench.StartReactor(*reactorBin)
	if err != nil {
		return err
	}
	defer reactor.Stop()
	natsServer, err := bench.StartNatsServer(*natsBin)
	if err != nil {
		return err
	}
	defer natsServer.Stop()
	servers := []*bench.Server{reactor, natsServer}
	versions := map[string]string{reactor.Name: bench.Version(*reactorBin), natsServer.Name: bench.Version(*natsBin)}

	starters := bench.Starters(*reactorBin, *natsBin)
	var rows []bench.Row
	withTLS, withClusters, withJetStream := false, false, false
	for _, row := range bench.Rows(*scale) {
		if selected.MatchString(row.Name) {
			rows = append(rows, row)
			withTLS = withTLS || row.TLS
			withClusters = withClusters || row.Cluster
			withJetStream = withJetStream || row.Kind.JetStream()
		}
	}
	withRecovery := selected.MatchString(bench.RecoverySection)
	// The JetStream rows and the recovery section store under one temporary directory, removed at the end.
	var storeDir string
	if withJetStream || withRecovery {
		if storeDir, err = os.MkdirTemp("", "reactor-bench-js-"); err != nil {
			return err
		}
		defer os.RemoveAll(storeDir)
	}
	// The JetStream rows have a pair of servers of their own, started with JetStream on fresh stores.
	var jsServers []*bench.Server
	if withJetStream {
		for _, st := range starters {
			srv, err := bench.StartJetStream(st, filepath.Join(storeDir, "rows-"+st.Name))
			if err != nil {
				return err
			}
			defer srv.Stop()
			jsServers = append(jsServers, srv)
		}
	}
	// The TLS rows have a pair of servers of their own, serving TLS with the same certificate.
	var tlsServers []*bench.Server
	if withTLS {
		certs, err := bench.GenerateTLS()
		if err != nil {
			return err
		}
		defer certs.Remove()
		for _, st := range starters {
			srv, err := certs.Start(st.Start, st.Bin)
			if err != nil {
				return err
			}
			defer srv.Stop()
			tlsServers = append(tlsServers, srv)
		}
	}
	// The cluster rows have a cluster of each server of their own, started side by side.
	var clusters []*bench.Cluster
	if withClusters {
		for _, st := range starters {
			c, err := bench.StartCluster(st.Start, st.Bin, bench.ClusterSize)
			if err != nil {
				return err
			}
			defer c.Stop()
			clusters = append(clusters, c)
		}
	}
	cpuBefore := map[*bench.Server]time.Duration{}
	for _, s := range slices.Concat(servers, tlsServers, jsServers) {
		cpuBefore[s], _ = s.CPUTime()
	}
	clusterCPUBefore := map[*bench.Cluster]time.Duration{}
	for _, c := range clusters {
		clusterCPUBefore[c], _ = c.CPUTime()
	}
	report := bench.Report{
		Date:     time.Now(),
		Machine:  bench.Machine(),
		Commit:   bench.Commit(root),
		Reps:     *reps,
		Subject:  reactor.Name,
		Baseline: natsServer.Name,
	}
	report.Rows = bench.RunMatrix(ctx, servers, rows, bench.MatrixConfig{Reps: *reps, Timeout: *timeout,
		Progress: os.Stderr, TLSServers: tlsServers, Clusters: clusters, JetStreamServers: jsServers})
	if selected.MatchString("slow consumer") {
		report.Isolation = bench.RunIsolation(ctx, servers, bench.IsolationConfig{
			Msgs: *isoMsgs, Payload: *isoPayload, Reps: *reps, Timeout: *timeout, Progress: os.Stderr,
		})
	}
	if withRecovery {
		report.Recovery = bench.RunRecovery(ctx, starters, bench.RecoveryConfig{
			Msgs: *recMsgs, Payload: bench.DefaultRecovery.Payload, Reps: *reps, Timeout: *timeout,
			StoreDir: storeDir, Progress: os.Stderr,
		})
	}
	if interrupted.Err() != nil {
		return fmt.Errorf("interrupted; %s left as it was", *out)
	}

	for _, s := range slices.Concat(servers, tlsServers, jsServers) {
		cpu, _ := s.CPUTime()
		rss, _ := s.RSS()
		what := versions[s.Name]
		switch {
		case s.TLS != nil:
			what = s.Name + " serving TLS (TLS rows only)"
		case slices.Contains(jsServers, s):
			what = s.Name + " with JetStream (JetStream publish rows only)"
		}
		report.ServerInfo = append(report.ServerInfo, fmt.Sprintf("%s; %.1f s CPU over the run, %.0f MiB RSS at the end",
			what, (cpu-cpuBefore[s]).Seconds(), float64(rss)/(1<<20)))
	}
	for _, c := range clusters {
		cpu, _ := c.CPUTime()
		rss, _ := c.RSS()
		report.ServerInfo = append(report.ServerInfo, fmt.Sprintf("%s as a %d-node cluster (cluster rows only); "+
			"%.1f s CPU over the run, all nodes together, %.0f MiB RSS at the end on the largest node",
			c.Name, len(c.Nodes), (cpu-clusterCPUBefore[c]).Seconds(), float64(rss)/(1<<20)))
	}

	fmt.Print(report.Tables())
	if *out == "" {
		return nil
	}
	path := *out
	if !filepath.IsAbs(path) {
		path = filepath.Join(root, path)
	}
	if err := os.WriteFile(path, []byte(report.Markdown()), 0o644); err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "wrote", path)
	return nil
}
