package conns

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/reactor-nats/reactor/bench"
)

// Config is one make bench-conns run.
type Config struct {
	ReactorBin    string // bin/reactor
	NatsServerBin string // bin/nats-server
	Counts        []int  // connection counts N, each run against both servers
	Self          string // this binary, re-executed as the workers

	PerWorker  int           // subscribers per worker process at most
	Dialers    int           // handshakes in flight per worker
	Settle     time.Duration // pause before a baseline reading, so start-up and accept work has finished
	IdleWindow time.Duration // how long idle CPU is measured over
	Rounds     int           // fan-out rounds; the median is reported
	Timeout    time.Duration // the whole run's limit, also handed to each worker as its own
	// TLS measures every count a second time with both servers serving TLS: the subscribers (and the
	// publisher) complete a TLS handshake after the plaintext INFO and speak inside the session.
	TLS bool

	Progress io.Writer // one line per step, for the person watching
}

const (
	connectTimeout = 5 * time.Minute
	roundTimeout   = 30 * time.Second
	roundPause     = 200 * time.Millisecond // lets the workers' reads and the server's writes drain between rounds
)

// server is a way to start one of the servers under test.
type server struct {
	name  string
	bin   string
	start func(bin string, extraArgs ...string) (*bench.Server, error)
	tls   *bench.TLSFiles // the certificate it serves TLS with; nil for plaintext
}

func (s server) label() string { return label(s.name, s.tls != nil) }

// run starts the server, serving TLS if it is to.
func (s server) run() (*bench.Server, error) {
	if s.tls != nil {
		return s.tls.Start(s.start, s.bin)
	}
	return s.start(s.bin)
}

// Run measures every server at every count, one fresh server process at a time, reactor first. It returns
// what it measured even when it stops early; the error says why it stopped.
func Run(ctx context.Context, cfg Config) ([]Result, error) {
	dir, err := snapshotBinaries(&cfg.ReactorBin, &cfg.NatsServerBin)
	if err != nil {
		return nil, fmt.Errorf("snapshot server binaries: %w", err)
	}
	defer os.RemoveAll(dir)
	servers := []server{
		{name: "reactor", bin: cfg.ReactorBin, start: bench.StartReactor},
		{name: "nats-server", bin: cfg.NatsServerBin, start: bench.StartNatsServer},
	}
	if cfg.TLS {
		certs, err := bench.GenerateTLS()
		if err != nil {
			return nil, err
		}
		defer certs.Remove()
		for _, s := range servers[:2] {
			s.tls = certs
			servers = append(servers, s)
		}
	}
	var results []Result
	nextSrc := 0
	for _, n := range cfg.Counts {
		for _, s := range servers {
			plan := fleetPlan{self: cfg.Self, conns: n, perWorker: cfg.PerWorker, firstSrc: nextSrc,
				dialers: cfg.Dialers, timeout: cfg.Timeout}
			if s.tls != nil {
				plan.tlsCA = s.tls.CA
			}
			nextSrc += len(plan.shares()) // fresh source addresses for every run; see srcaddr.go
			r := measure(ctx, cfg, s, plan)
			results = append(results, r)
			if err := ctx.Err(); err != nil {
				return results, err
			}
		}
	}
	return results, nil
}

// measure runs one server at one count. Whatever fails is recorded in the result, which keeps what was
// measured before the failure.
func measure(ctx context.Context, cfg Config, s server, plan fleetPlan) Result {
	r := Result{Server: s.name, TLS: s.tls != nil, N: plan.conns,
		Kernel: KernelMemory{PerSocket: -1}, SlabPerConn: -1, IdleCPU: -1, MachineBusy: -1}
	r.Err = measureInto(ctx, cfg, s, plan, &r)
	return r
}

func measureInto(ctx context.Context, cfg Config, s server, plan fleetPlan, r *Result) (problem string) {
	logf := func(format string, args ...any) {
		fmt.Fprintf(cfg.Progress, "%s N=%d: %s\n", s.label(), plan.conns, fmt.Sprintf(format, args...))
	}
	defer func() {
		if problem != "" {
			logf("stopped: %s", problem)
		}
	}()
	srv, err := s.run()
	if err != nil {
		return err.Error()
	}
	defer srv.Stop()
	logf("started pid %d on %s", srv.PID(), srv.Addr)

	// The publisher connects before the baseline, so the difference is the subscribers alone.
	pub, err := dialRaw(nil, srv.Addr, publishGreeting, srv.TLS)
	if err != nil {
		return "publisher: " + err.Error()
	}
	defer pub.abort()
	go func() { _ = pub.serve(nil) }()

	if err := pause(ctx, cfg.Settle); err != nil {
		return err.Error()
	}
	if r.RSSBefore, err = srv.RSS(); err != nil {
		return "RSS before: " + err.Error()
	}
	probe := newKernelProbe(srv.Addr)
	slabBefore, slabErr := slabBytes()

	plan.addr = srv.Addr
	f, err := startFleet(ctx, plan)
	if err != nil {
		return err.Error()
	}
	defer f.close() // deferred after srv.Stop, so it runs before: subscribers go before the server does
	logf("%d workers started; connecting", len(f.workers))
	outcome, err := f.connect(ctx, connectTimeout)
	if err != nil {
		return "connect: " + err.Error()
	}
	r.Connected, r.Failed, r.FirstError, r.ConnectTime = outcome.ok, outcome.failed, outcome.firstError, outcome.elapsed
	logf("connected %d of %d in %v (failed %d%s)", r.Connected, r.N, r.ConnectTime.Round(time.Millisecond),
		r.Failed, prefixed(": ", r.FirstError))
	if r.Connected == 0 {
		return "no subscriber connected"
	}

	if err := pause(ctx, cfg.Settle); err != nil {
		return err.Error()
	}
	machineBefore, machineErr := readCPUTicks()
	if r.IdleCPU, err = idleCPU(ctx, srv, cfg.IdleWindow); err != nil {
		return "idle CPU: " + err.Error()
	}
	if machineAfter, err := readCPUTicks(); err == nil && machineErr == nil {
		r.MachineBusy = busyPercent(machineBefore, machineAfter)
	}
	r.IdleWindow = cfg.IdleWindow
	if r.RSSAfter, err = srv.RSS(); err != nil {
		return "RSS after: " + err.Error()
	}
	if r.Kernel, err = probe.measure(ctx, r.Connected); err != nil {
		logf("kernel memory: %v", err) // a missing column, not a reason to stop
	}
	if slabAfter, err := slabBytes(); err == nil && slabErr == nil {
		r.SlabPerConn = float64(slabAfter-slabBefore) / float64(2*r.Connected) // both ends are this kernel's
	}
	logf("idle: RSS %d -> %d bytes, %.0f B/conn, kernel %.0f B/socket (%s), CPU %.2f%% (machine %.1f%% busy)",
		r.RSSBefore, r.RSSAfter, r.RSSPerConn(), r.Kernel.PerSocket, r.Kernel.Method, r.IdleCPU, r.MachineBusy)

	if err := measureFanout(ctx, pub, f, cfg.Rounds, r); err != nil {
		r.LostError = f.lost()
		return err.Error()
	}
	median, _ := r.FanoutMedian()
	logf("fan-out to %d: median %v over %d rounds", r.Connected, median, len(r.Fanout))
	if r.RSSAfterFanout, err = srv.RSS(); err != nil {
		return "RSS after fan-out: " + err.Error()
	}
	r.LostError = f.lost()
	return ""
}

// measureFanout publishes rounds messages, one at a time, each timed from just before the PUB is written to
// when the last subscriber of the last worker read its MSG.
func measureFanout(ctx context.Context, pub *rawConn, f *fleet, rounds int, r *Result) error {
	for round := 1; round <= rounds; round++ {
		sent := time.Now()
		if err := pub.publish(fmt.Appendf(nil, "round %03d", round)); err != nil {
			return fmt.Errorf("publish round %d: %w", round, err)
		}
		r.FanoutSent++
		last, err := f.awaitRound(ctx, round, roundTimeout)
		if err != nil {
			return fmt.Errorf("fan-out: %w", err)
		}
		r.Fanout = append(r.Fanout, last.Sub(sent))
		if err := pause(ctx, roundPause); err != nil {
			return err
		}
	}
	return nil
}

// idleCPU is the server's CPU time over window as a percentage of one core.
func idleCPU(ctx context.Context, srv *bench.Server, window time.Duration) (float64, error) {
	before, err := srv.CPUTime()
	if err != nil {
		return -1, err
	}
	start := time.Now()
	if err := pause(ctx, window); err != nil {
		return -1, err
	}
	after, err := srv.CPUTime()
	if err != nil {
		return -1, err
	}
	return 100 * float64(after-before) / float64(time.Since(start)), nil
}

// pause sleeps for d unless ctx ends first.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("aborted: %w", context.Cause(ctx))
	}
}

func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}
