package conns

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reactor-nats/reactor/bench"
)

// WorkerFlag, as the first argument, makes the conns binary a worker: it holds a share of the subscribers
// for the driver that started it (see fleet.go) instead of driving a run.
const WorkerFlag = "-worker"

// workerConfig is a worker's share of a run, passed on its command line.
type workerConfig struct {
	addr    string        // server host:port
	conns   int           // subscribers to open
	src     net.IP        // source address for all of them
	dialers int           // handshakes in flight at once
	timeout time.Duration // the worker exits after this, whatever the driver does
	tlsCA   string        // the CA to trust when the server serves TLS; "" for plaintext
}

func (c workerConfig) args() []string {
	return []string{WorkerFlag,
		"-addr", c.addr,
		"-conns", strconv.Itoa(c.conns),
		"-src", c.src.String(),
		"-dialers", strconv.Itoa(c.dialers),
		"-timeout", c.timeout.String(),
		"-tls-ca", c.tlsCA,
	}
}

// WorkerMain runs a worker with the arguments that follow WorkerFlag and returns its exit code.
func WorkerMain(args []string) int {
	var cfg workerConfig
	var src string
	fs := flag.NewFlagSet("conns "+WorkerFlag, flag.ContinueOnError)
	fs.StringVar(&cfg.addr, "addr", "", "server host:port")
	fs.IntVar(&cfg.conns, "conns", 0, "subscribers to open")
	fs.StringVar(&src, "src", "", "source address")
	fs.IntVar(&cfg.dialers, "dialers", 64, "handshakes in flight at once")
	fs.DurationVar(&cfg.timeout, "timeout", 10*time.Minute, "exit after this long")
	fs.StringVar(&cfg.tlsCA, "tls-ca", "", "connect over TLS, trusting this CA file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if cfg.src = net.ParseIP(src); cfg.src == nil || cfg.addr == "" || cfg.conns <= 0 || cfg.dialers <= 0 {
		fmt.Fprintln(os.Stderr, "conns worker: need -addr, -conns > 0, -src and -dialers > 0")
		return 2
	}
	w := &worker{cfg: cfg, out: json.NewEncoder(os.Stdout)}
	if cfg.tlsCA != "" {
		certs, err := bench.LoadTLSFiles(cfg.tlsCA)
		if err != nil {
			fmt.Fprintln(os.Stderr, "conns worker:", err)
			return 2
		}
		w.tlsConfig = certs.ClientConfig()
	}
	if err := w.run(os.Stdin); err != nil {
		fmt.Fprintf(os.Stderr, "conns worker %s: %v\n", cfg.src, err)
		return 1
	}
	return 0
}

// worker holds its subscribers open until the driver closes its stdin.
type worker struct {
	cfg       workerConfig
	tlsConfig *tls.Config // nil for plaintext; shared by every handshake, never modified

	outMu sync.Mutex // serialises event lines from the command loop and the subscribers' goroutines
	out   *json.Encoder

	connsMu sync.Mutex
	conns   []*rawConn // guarded by connsMu; every subscriber that completed its handshake

	subscribers atomic.Int64 // connected subscribers; set before evConnected, so before any MSG arrives
	received    atomic.Int64 // MSGs received over all subscribers
	closing     atomic.Bool  // set when the worker closes its connections, so their errors are not losses
	lostOnce    sync.Once
}

// run takes commands from stdin until it closes, then closes every connection.
func (w *worker) run(stdin io.Reader) error {
	commands := make(chan string)
	go func() {
		defer close(commands)
		scanner := bufio.NewScanner(stdin)
		for scanner.Scan() {
			commands <- scanner.Text()
		}
	}()
	defer w.closeAll()
	deadline := time.NewTimer(w.cfg.timeout)
	defer deadline.Stop()
	w.emit(event{Kind: evReady})
	for {
		select {
		case cmd, ok := <-commands:
			if !ok {
				return nil
			}
			if cmd != cmdConnect {
				return fmt.Errorf("unknown command %q", cmd)
			}
			w.connectAll()
		case <-deadline.C:
			return errors.New("timed out; closing")
		}
	}
}

// connectAll opens every subscriber, a bounded number of handshakes at a time so that the server's accept
// backlog never overflows (an overflow costs a SYN retransmit, a second or more, and would be measured as
// connect time). Each goroutine that completes a handshake stays on as that subscriber's reader.
func (w *worker) connectAll() {
	inFlight := make(chan struct{}, w.cfg.dialers)
	var (
		handshakes sync.WaitGroup
		ok, failed atomic.Int64
		lastPong   atomic.Int64
		firstErr   sync.Once
		firstError string
	)
	start := time.Now()
	for range w.cfg.conns {
		inFlight <- struct{}{}
		handshakes.Add(1)
		go func() {
			rc, err := dialRaw(w.cfg.src, w.cfg.addr, subscribeGreeting, w.tlsConfig)
			<-inFlight
			if err != nil {
				failed.Add(1)
				firstErr.Do(func() { firstError = err.Error() })
				handshakes.Done()
				return
			}
			w.connsMu.Lock()
			w.conns = append(w.conns, rc)
			w.connsMu.Unlock()
			ok.Add(1)
			storeMax(&lastPong, time.Now().UnixNano())
			handshakes.Done()
			w.serveSubscriber(rc)
		}()
	}
	handshakes.Wait()
	w.subscribers.Store(ok.Load())
	w.emit(event{Kind: evConnected, OK: int(ok.Load()), Failed: int(failed.Load()), FirstError: firstError,
		Start: start.UnixNano(), End: lastPong.Load()})
}

func (w *worker) serveSubscriber(rc *rawConn) {
	err := rc.serve(w.onMsg)
	if w.closing.Load() {
		return
	}
	w.lostOnce.Do(func() { w.emit(event{Kind: evLost, FirstError: err.Error()}) })
}

// onMsg runs on the subscriber's goroutine for every MSG. The driver publishes a round only after the
// previous one reached everyone, so the count passing a multiple of the subscribers means the round is
// complete, and this MSG was its last.
func (w *worker) onMsg() {
	n := w.received.Add(1)
	if subs := w.subscribers.Load(); subs > 0 && n%subs == 0 {
		w.emit(event{Kind: evFanout, Round: int(n / subs), At: time.Now().UnixNano()})
	}
}

func (w *worker) closeAll() {
	w.closing.Store(true)
	w.connsMu.Lock()
	defer w.connsMu.Unlock()
	for _, rc := range w.conns {
		rc.abort()
	}
	w.conns = nil
}

func (w *worker) emit(ev event) {
	w.outMu.Lock()
	defer w.outMu.Unlock()
	_ = w.out.Encode(ev) // a driver that stopped reading has closed stdin too, and the worker is leaving
}

func storeMax(v *atomic.Int64, n int64) {
	for {
		old := v.Load()
		if n <= old || v.CompareAndSwap(old, n) {
			return
		}
	}
}
