package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"
)

// MatrixConfig says how the matrix is run.
type MatrixConfig struct {
	Reps     int           // repetitions of every row against every server
	Timeout  time.Duration // one run that takes longer fails
	Progress io.Writer     // one line per run; io.Discard for none
	// TLSServers serve the rows with TLS set: the same servers as RunMatrix's, by the same names and in the
	// same order, started with TLS (TLSFiles.Start). Without them those rows fail.
	TLSServers []*Server
	// Clusters serve the rows with Cluster set: the same servers as RunMatrix's, by the same names and in
	// the same order, each as a cluster (StartCluster). Without them those rows fail.
	Clusters []*Cluster
	// JetStreamServers serve the JetStream rows: the same servers as RunMatrix's, by the same names and in
	// the same order, started with JetStream on store directories of their own (StartJetStream).
	JetStreamServers []*Server
}

// target is what one server's runs of a row connect to: the server itself, its TLS twin or its cluster.
type target struct {
	name  string
	nodes []*Server
}

// targets are what row runs against, one per server and in the same order, or an error saying which
// servers the row needs and cfg lacks.
func (cfg MatrixConfig) targets(servers []*Server, row Row) ([]target, error) {
	var targets []target
	switch {
	case row.Kind.JetStream():
		for _, srv := range cfg.JetStreamServers {
			targets = append(targets, target{srv.Name, []*Server{srv}})
		}
		if len(targets) != len(servers) {
			return nil, errNoJetStream
		}
	case row.Cluster:
		for _, c := range cfg.Clusters {
			targets = append(targets, target{c.Name, c.Nodes})
		}
		if len(targets) != len(servers) {
			return nil, errors.New("no cluster started")
		}
	case row.TLS:
		for _, srv := range cfg.TLSServers {
			targets = append(targets, target{srv.Name, []*Server{srv}})
		}
		if len(targets) != len(servers) {
			return nil, errors.New("no server serving TLS")
		}
	default:
		for _, srv := range servers {
			targets = append(targets, target{srv.Name, []*Server{srv}})
		}
	}
	return targets, nil
}

// RowResult is one row's outcome against every server, by server name.
type RowResult struct {
	Row     Row
	Servers map[string]Summary
}

// Summary is a row's result against one server: the medians of the repetitions that finished. Latency
// percentiles are the medians of each repetition's percentiles.
type Summary struct {
	Rate     float64       // messages (or requests) per second
	MBps     float64       // payload megabytes (10^6 bytes) per second
	P50, P99 time.Duration // round trips; kinds with RoundTrips only
	Runs     int           // repetitions that finished
	Spread   float64       // (max-min)/median of the finished repetitions' rates
	Errors   []string      // why the other repetitions failed
}

// OK reports whether any repetition finished.
func (s Summary) OK() bool { return s.Runs > 0 }

// Summarize reduces one row's repetitions against one server, finished and failed, to a Summary.
func Summarize(row Row, samples []Sample, errs []error) Summary {
	var s Summary
	var rates []float64
	var p50s, p99s []time.Duration
	for _, sample := range samples {
		rates = append(rates, sample.Rate())
		p50s = append(p50s, sample.P50)
		p99s = append(p99s, sample.P99)
	}
	for _, err := range errs {
		s.Errors = append(s.Errors, err.Error())
	}
	s.Runs = len(samples)
	s.Rate = Median(rates)
	s.MBps = s.Rate * float64(row.Payload) / 1e6
	s.Spread = Spread(rates)
	if row.Kind.RoundTrips() {
		s.P50, s.P99 = MedianDuration(p50s), MedianDuration(p99s)
	}
	return s
}

// settle is the pause before each run, so that the previous run's connections have been torn down in
// the server and its memory returned before the next run is timed.
const settle = 100 * time.Millisecond

// RunMatrix runs every row against every server, cfg.Reps times. Rows run in order and, within a row, the
// servers take turns (which goes first alternates by repetition), so that whatever else the machine is
// doing at that moment is shared between them rather than landing on one server's whole column.
func RunMatrix(ctx context.Context, servers []*Server, rows []Row, cfg MatrixConfig) []RowResult {
	results := make([]RowResult, len(rows))
	for i, row := range rows {
		samples := map[string][]Sample{}
		errs := map[string][]error{}
		targets, err := cfg.targets(servers, row)
		if err != nil {
			results[i] = RowResult{Row: row, Servers: map[string]Summary{}}
			for _, srv := range servers {
				results[i].Servers[srv.Name] = Summarize(row, nil, []error{err})
			}
			continue
		}
		eachRep(targets, cfg.Reps, func(rep int, t target) {
			subject := fmt.Sprintf("bench.row%d.rep%d", i, rep)
			sample, err := runOnce(ctx, cfg.Timeout, func(ctx context.Context) (Sample, error) {
				return Run(ctx, t.nodes, row, subject)
			})
			prefix := fmt.Sprintf("[%2d/%d] %-36s %-11s rep %d/%d:", i+1, len(rows), row.Name, t.name, rep+1, cfg.Reps)
			if err != nil {
				errs[t.name] = append(errs[t.name], err)
				fmt.Fprintf(cfg.Progress, "%s FAILED: %v\n", prefix, err)
				return
			}
			samples[t.name] = append(samples[t.name], sample)
			fmt.Fprintf(cfg.Progress, "%s %s\n", prefix, describeSample(row, sample))
		})
		results[i] = RowResult{Row: row, Servers: map[string]Summary{}}
		for _, srv := range servers {
			results[i].Servers[srv.Name] = Summarize(row, samples[srv.Name], errs[srv.Name])
		}
	}
	return results
}

// eachRep calls run for every repetition and every server, rotating which server goes first.
func eachRep[S any](servers []S, reps int, run func(rep int, srv S)) {
	for rep := range reps {
		for k := range servers {
			run(rep, servers[(rep+k)%len(servers)])
		}
	}
}

// runOnce times out one run and starts it from the same state each time: the previous run settled and
// this process's garbage collected, so that neither server pays for the other's leftovers.
func runOnce[T any](ctx context.Context, timeout time.Duration, run func(context.Context) (T, error)) (T, error) {
	time.Sleep(settle)
	runtime.GC()
	ctx, cancel := context.WithTimeoutCause(ctx, timeout, fmt.Errorf("timed out after %v", timeout))
	defer cancel()
	return run(ctx)
}

func describeSample(row Row, s Sample) string {
	switch {
	case row.Kind == RequestReply:
		return fmt.Sprintf("%s req/s, p50 %s, p99 %s", formatCount(s.Rate()), formatLatency(s.P50), formatLatency(s.P99))
	case row.Kind.RoundTrips():
		return fmt.Sprintf("%s msgs/s, p50 %s, p99 %s", formatCount(s.Rate()), formatLatency(s.P50), formatLatency(s.P99))
	}
	line := fmt.Sprintf("%s msgs/s, %.1f MB/s (%s msgs in %v)", formatCount(s.Rate()),
		s.Rate()*float64(row.Payload)/1e6, formatCount(float64(s.Msgs)), s.Elapsed.Round(time.Millisecond))
	if len(s.Shares) > 0 {
		line += ", exactly once, shares " + describeShares(row, s.Shares)
	}
	return line
}

// describeShares is each subscriber's share of the messages, by its node: "A 25% B 25% C 26% C 24%".
func describeShares(row Row, shares []int) string {
	total := 0
	for _, n := range shares {
		total += n
	}
	parts := make([]string, len(shares))
	for i, n := range shares {
		parts[i] = fmt.Sprintf("%c %.0f%%", 'A'+row.Place.Sub(i), 100*float64(n)/float64(max(total, 1)))
	}
	return strings.Join(parts, " ")
}
