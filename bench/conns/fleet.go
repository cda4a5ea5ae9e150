package conns

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"
)

// fleet is the client side of a run: worker processes, each holding a share of the subscribers, so that
// no process needs more open files than this machine allows one process.
type fleet struct {
	workers []*workerProc

	lostMu    sync.Mutex
	lostError string // guarded by lostMu; the first subscriber any worker lost
}

// workerProc is one worker as the driver sees it.
type workerProc struct {
	cfg    workerConfig
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	events chan event    // the worker's event lines; closed when its stdout ends
	stop   chan struct{} // closed by close: nobody reads events any more
	exited chan struct{} // closed once the process has been waited for
}

const (
	workerStartTimeout = 10 * time.Second
	workerExitTimeout  = 20 * time.Second
)

// fleetPlan is how a run's subscribers are spread over workers.
type fleetPlan struct {
	self      string // this binary, re-executed as the workers
	addr      string // server host:port
	conns     int    // subscribers in all
	perWorker int    // at most this many per worker
	firstSrc  int    // index of the first worker's source address (sourceAddr)
	dialers   int    // handshakes in flight per worker
	timeout   time.Duration
	tlsCA     string // the CA the workers trust when the server serves TLS; "" for plaintext
}

// shares splits conns over as few workers as perWorker allows, as evenly as possible.
func (p fleetPlan) shares() []int {
	count := (p.conns + p.perWorker - 1) / p.perWorker
	shares := make([]int, count)
	for i := range shares {
		shares[i] = p.conns / count
		if i < p.conns%count {
			shares[i]++
		}
	}
	return shares
}

// startFleet starts the workers and waits until each is ready. The workers die with ctx.
func startFleet(ctx context.Context, plan fleetPlan) (*fleet, error) {
	f := &fleet{}
	for i, share := range plan.shares() {
		cfg := workerConfig{addr: plan.addr, conns: share, src: sourceAddr(plan.firstSrc + i),
			dialers: plan.dialers, timeout: plan.timeout, tlsCA: plan.tlsCA}
		w, err := startWorker(ctx, plan.self, cfg)
		if err != nil {
			f.close()
			return nil, err
		}
		f.workers = append(f.workers, w)
	}
	for _, w := range f.workers {
		if _, err := f.next(ctx, w, evReady, workerStartTimeout); err != nil {
			f.close()
			return nil, err
		}
	}
	return f, nil
}

func startWorker(ctx context.Context, self string, cfg workerConfig) (*workerProc, error) {
	w := &workerProc{cfg: cfg, events: make(chan event, 16), stop: make(chan struct{}), exited: make(chan struct{})}
	w.cmd = exec.CommandContext(ctx, self, cfg.args()...)
	w.cmd.Stderr = os.Stderr
	var err error
	if w.stdin, err = w.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := w.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := w.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start worker %s: %w", cfg.src, err)
	}
	go w.readEvents(stdout)
	return w, nil
}

// readEvents turns the worker's stdout into events until it ends, then reaps the process.
func (w *workerProc) readEvents(stdout io.Reader) {
	scanner := bufio.NewScanner(stdout)
	for scanner.Scan() {
		var ev event
		if err := json.Unmarshal(scanner.Bytes(), &ev); err != nil {
			fmt.Fprintf(os.Stderr, "worker %s: bad event line %q\n", w.cfg.src, truncate(scanner.Text(), 80))
			continue
		}
		select {
		case w.events <- ev:
		case <-w.stop: // keep draining, or a worker blocked on a full pipe would never exit
		}
	}
	close(w.events)
	_ = w.cmd.Wait()
	close(w.exited)
}

// next waits up to timeout for the worker's next event of kind. Losses reported meanwhile are recorded;
// anything else is from an earlier step that gave up waiting and is skipped.
func (f *fleet) next(ctx context.Context, w *workerProc, kind string, timeout time.Duration) (event, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-w.events:
			if !ok {
				return event{}, fmt.Errorf("worker %s exited while %s was awaited", w.cfg.src, kind)
			}
			if ev.Kind == evLost {
				f.noteLost(fmt.Sprintf("worker %s: %s", w.cfg.src, ev.FirstError))
			}
			if ev.Kind == kind {
				return ev, nil
			}
		case <-timer.C:
			return event{}, fmt.Errorf("worker %s: no %q event within %v", w.cfg.src, kind, timeout)
		case <-ctx.Done():
			return event{}, ctx.Err()
		}
	}
}

func (f *fleet) noteLost(why string) {
	f.lostMu.Lock()
	defer f.lostMu.Unlock()
	if f.lostError == "" {
		f.lostError = why
	}
}

func (f *fleet) lost() string {
	f.lostMu.Lock()
	defer f.lostMu.Unlock()
	return f.lostError
}

// connectOutcome is the fleet's evConnected events combined.
type connectOutcome struct {
	ok, failed int
	firstError string
	elapsed    time.Duration // earliest first dial to latest last PONG, over all workers
}

// connect has every worker open its subscribers at once and waits for all of them.
func (f *fleet) connect(ctx context.Context, timeout time.Duration) (connectOutcome, error) {
	for _, w := range f.workers {
		if _, err := io.WriteString(w.stdin, cmdConnect+"\n"); err != nil {
			return connectOutcome{}, fmt.Errorf("worker %s: %w", w.cfg.src, err)
		}
	}
	var out connectOutcome
	var start, end int64
	for _, w := range f.workers {
		ev, err := f.next(ctx, w, evConnected, timeout)
		if err != nil {
			return out, err
		}
		out.ok += ev.OK
		out.failed += ev.Failed
		if out.firstError == "" && ev.FirstError != "" {
			out.firstError = fmt.Sprintf("from %s: %s", w.cfg.src, ev.FirstError)
		}
		if start == 0 || ev.Start < start {
			start = ev.Start
		}
		end = max(end, ev.End)
	}
	if end > start {
		out.elapsed = time.Duration(end - start)
	}
	return out, nil
}

// awaitRound waits until every worker reports that all its subscribers have round messages, and returns
// when the last of them received its copy.
func (f *fleet) awaitRound(ctx context.Context, round int, timeout time.Duration) (time.Time, error) {
	deadline := time.Now().Add(timeout)
	var last int64
	for i, w := range f.workers {
		for {
			ev, err := f.next(ctx, w, evFanout, time.Until(deadline))
			if err != nil {
				return time.Time{}, fmt.Errorf("round %d: %d of %d workers complete: %w", round, i, len(f.workers), err)
			}
			if ev.Round >= round {
				last = max(last, ev.At)
				break
			}
		}
	}
	return time.Unix(0, last), nil
}

// close ends every worker: closing stdin asks it to close its connections and exit; one that does not
// within workerExitTimeout is killed.
func (f *fleet) close() {
	for _, w := range f.workers {
		close(w.stop)
		_ = w.stdin.Close()
	}
	for _, w := range f.workers {
		select {
		case <-w.exited:
		case <-time.After(workerExitTimeout):
			_ = w.cmd.Process.Kill()
			<-w.exited
		}
	}
}
