package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"
)

// Slow-consumer isolation: one subscriber that has stopped reading must not slow the others down for
// long. The server may stall the publisher for a while (both servers do, as the stuck subscriber's
// pending output passes ¾ of max_pending), but once that output passes max_pending the stuck subscriber
// is cut off and everyone else runs at full speed again. We measure a fast subscriber's throughput alone
// and with a stuck one beside it, and whether the stuck one was cut off.

// IsolationConfig sizes the slow-consumer section.
type IsolationConfig struct {
	Msgs     int // published per run; Msgs × Payload must pass max_pending (64 MiB) well before the end
	Payload  int
	Reps     int
	Timeout  time.Duration
	Progress io.Writer
}

// DefaultIsolation sends 200 MB, three times max_pending, so the stuck subscriber is cut off in the
// first third of the run.
var DefaultIsolation = IsolationConfig{Msgs: 200_000, Payload: 1024}

// IsolationTarget is the share of its throughput a fast subscriber should keep beside a stuck one.
const IsolationTarget = 0.90

// IsolationReport is the slow-consumer section's outcome, one entry per server.
type IsolationReport struct {
	Msgs, Payload int
	Servers       []IsolationResult
}

// IsolationResult is one server's outcome.
type IsolationResult struct {
	Server    string
	Alone     Summary // the fast subscriber with no stuck subscriber
	WithStuck Summary // the fast subscriber beside a stuck subscriber
	CutOff    int     // runs in which the server cut the stuck subscriber off
	Checked   int     // runs in which that was checked
}

// Kept is the fraction of its throughput the fast subscriber kept beside the stuck one.
func (r IsolationResult) Kept() float64 {
	if !r.Alone.OK() || !r.WithStuck.OK() || r.Alone.Rate == 0 {
		return 0
	}
	return r.WithStuck.Rate / r.Alone.Rate
}

// RunIsolation runs the slow-consumer section against every server, alternating them as RunMatrix does.
func RunIsolation(ctx context.Context, servers []*Server, cfg IsolationConfig) *IsolationReport {
	row := Row{Name: "isolation", Kind: PubSub, Payload: cfg.Payload, Pubs: 1, Subs: 1, Msgs: cfg.Msgs}
	type runs struct {
		alone, withStuck []Sample
		aloneErrs, errs  []error
		cutOff, checked  int
	}
	byServer := map[string]*runs{}
	for _, srv := range servers {
		byServer[srv.Name] = &runs{}
	}
	eachRep(servers, cfg.Reps, func(rep int, srv *Server) {
		r := byServer[srv.Name]
		prefix := fmt.Sprintf("[slow consumer] %-11s rep %d/%d:", srv.Name, rep+1, cfg.Reps)

		alone, err := runOnce(ctx, cfg.Timeout, func(ctx context.Context) (Sample, error) {
			return Run(ctx, []*Server{srv}, row, fmt.Sprintf("bench.alone.rep%d", rep))
		})
		if err != nil {
			r.aloneErrs = append(r.aloneErrs, err)
			fmt.Fprintf(cfg.Progress, "%s alone FAILED: %v\n", prefix, err)
		} else {
			r.alone = append(r.alone, alone)
			fmt.Fprintf(cfg.Progress, "%s alone %s msgs/s\n", prefix, formatCount(alone.Rate()))
		}

		with, err := runOnce(ctx, cfg.Timeout, func(ctx context.Context) (besideStuck, error) {
			return runBesideStuck(ctx, srv, row, fmt.Sprintf("bench.stuck.rep%d", rep))
		})
		if err != nil {
			r.errs = append(r.errs, err)
			fmt.Fprintf(cfg.Progress, "%s with stuck subscriber FAILED: %v\n", prefix, err)
			return
		}
		r.withStuck = append(r.withStuck, with.sample)
		r.checked++
		if with.cutOff {
			r.cutOff++
		}
		fmt.Fprintf(cfg.Progress, "%s with stuck subscriber %s msgs/s, stuck one cut off: %v\n",
			prefix, formatCount(with.sample.Rate()), with.cutOff)
	})

	report := &IsolationReport{Msgs: cfg.Msgs, Payload: cfg.Payload}
	for _, srv := range servers {
		r := byServer[srv.Name]
		report.Servers = append(report.Servers, IsolationResult{
			Server:    srv.Name,
			Alone:     Summarize(row, r.alone, r.aloneErrs),
			WithStuck: Summarize(row, r.withStuck, r.errs),
			CutOff:    r.cutOff,
			Checked:   r.checked,
		})
	}
	return report
}

// besideStuck is what one run beside a stuck subscriber found.
type besideStuck struct {
	sample Sample // the fast subscriber's
	cutOff bool   // the server closed the stuck subscriber's connection
}

// runBesideStuck runs row with a stuck subscriber on the same subject, then reports whether the server
// cut the stuck one off.
func runBesideStuck(ctx context.Context, srv *Server, row Row, subject string) (besideStuck, error) {
	var out besideStuck
	stuck, err := dialStuck(srv.Addr, subject)
	if err != nil {
		return out, err
	}
	defer stuck.Close()
	if out.sample, err = Run(ctx, []*Server{srv}, row, subject); err != nil {
		return out, err
	}
	out.cutOff, err = cutOff(stuck, cutOffWait)
	return out, err
}

// stuckRcvBuf is the stuck subscriber's receive buffer: small, so that the server's output to it piles up
// in the server rather than in our kernel.
const stuckRcvBuf = 4096

// cutOffWait bounds reading a stuck subscriber to its end. Draining what the kernels hold takes
// milliseconds; a server that kept the connection open would keep it waiting until then.
const cutOffWait = 10 * time.Second

// dialStuck opens a raw connection that subscribes to subject and, once the server has confirmed the
// subscription (PONG), never reads again until cutOff.
func dialStuck(addr, subject string) (net.Conn, error) {
	dialer := net.Dialer{
		Timeout: dialTimeout,
		// Before connect, so that the TCP window is negotiated from the small buffer.
		Control: func(_, _ string, raw syscall.RawConn) error {
			var sockErr error
			err := raw.Control(func(fd uintptr) {
				sockErr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, stuckRcvBuf)
			})
			return errors.Join(err, sockErr)
		},
	}
	conn, err := dialer.Dial("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("stuck subscriber: %w", err)
	}
	fail := func(err error) (net.Conn, error) {
		conn.Close()
		return nil, fmt.Errorf("stuck subscriber: %w", err)
	}
	_ = conn.SetDeadline(time.Now().Add(setupTimeout))
	lines := bufio.NewReader(conn)
	if info, err := lines.ReadString('\n'); err != nil || !strings.HasPrefix(info, "INFO ") {
		return fail(fmt.Errorf("no INFO: %q %v", info, err))
	}
	hello := "CONNECT {\"verbose\":false,\"pedantic\":false}\r\nSUB " + subject + " 1\r\nPING\r\n"
	if _, err := io.WriteString(conn, hello); err != nil {
		return fail(err)
	}
	for {
		line, err := lines.ReadString('\n')
		if err != nil {
			return fail(fmt.Errorf("waiting for PONG: %w", err))
		}
		if strings.HasPrefix(line, "-ERR") {
			return fail(fmt.Errorf("server: %s", strings.TrimSpace(line)))
		}
		if strings.HasPrefix(line, "PONG") {
			break
		}
	}
	_ = conn.SetDeadline(time.Time{})
	return conn, nil
}

// cutOff reads conn until the server closes it (true) or wait passes with it still open (false).
func cutOff(conn net.Conn, wait time.Duration) (bool, error) {
	_ = conn.SetReadDeadline(time.Now().Add(wait))
	_, err := io.Copy(io.Discard, conn)
	var netErr net.Error
	switch {
	case err == nil: // EOF
		return true, nil
	case errors.Is(err, syscall.ECONNRESET):
		return true, nil
	case errors.As(err, &netErr) && netErr.Timeout():
		return false, nil
	}
	return false, fmt.Errorf("stuck subscriber: reading to the end: %w", err)
}

// Describe is the section's introduction for the report.
func (r *IsolationReport) Describe() string {
	return fmt.Sprintf("One publisher sends %s messages of %d B to one fast nats.go subscriber, first alone, then "+
		"beside a stuck subscriber: a raw socket with a %d B receive buffer that subscribes to the same subject "+
		"and never reads. That is %.0f MB, past the default max_pending of 64 MiB, so the stuck subscriber "+
		"should be cut off. *Kept* is the fast subscriber's throughput with the stuck one as a share of its "+
		"throughput alone (target ≥ %.0f%%); *cut off* counts the runs in which the server closed the stuck "+
		"connection (read to EOF afterwards).\n",
		formatCount(float64(r.Msgs)), r.Payload, stuckRcvBuf, float64(r.Msgs*r.Payload)/1e6, IsolationTarget*100)
}

// Table has one line per server.
func (r *IsolationReport) Table() string {
	t := table{header: []string{"server", "fast sub alone msgs/s", "with stuck sub msgs/s", "kept", "stuck sub cut off"}}
	for _, s := range r.Servers {
		kept := "—"
		if s.Alone.OK() && s.WithStuck.OK() {
			verdict := "meets target"
			if s.Kept() < IsolationTarget {
				verdict = "below target"
			}
			kept = fmt.Sprintf("%.0f%% (%s)", s.Kept()*100, verdict)
		}
		cut := "—"
		if s.Checked > 0 {
			cut = fmt.Sprintf("%d of %d runs", s.CutOff, s.Checked)
		}
		t.add(s.Server, cell(s.Alone, s.Alone.Runs+len(s.Alone.Errors), formatCount(s.Alone.Rate)),
			cell(s.WithStuck, s.WithStuck.Runs+len(s.WithStuck.Errors), formatCount(s.WithStuck.Rate)), kept, cut)
	}
	return t.String()
}

func (r *IsolationReport) notes() []string {
	var notes []string
	for _, s := range r.Servers {
		notes = append(notes, summaryNotes("slow consumer, "+s.Server+", alone", s.Alone)...)
		notes = append(notes, summaryNotes("slow consumer, "+s.Server+", with stuck subscriber", s.WithStuck)...)
	}
	return notes
}
