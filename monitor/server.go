package monitor

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/reactor-nats/reactor/reactor"
	"github.com/rs/zerolog"
)

// DefaultHost is where the monitor listens when Options.Host is empty, as nats-server's http host.
const DefaultHost = "0.0.0.0"

// Options configure the monitoring listener.
type Options struct {
	Host string // DefaultHost when empty
	Port int    // 0 picks an ephemeral port (tests)
}

// Server serves monitoring for one reactor.Server. It owns its listener and goroutines; the reactor server
// it reads is the caller's.
type Server struct {
	srv  *reactor.Server
	opts Options
	log  zerolog.Logger
	mux  *http.ServeMux
	reqs requestCounts // /varz http_req_stats
	proc processSampler

	mu   sync.Mutex // guards http and addr against concurrent Start and Close
	http *http.Server
	addr string // host:port bound; empty until Start
}

// New makes a monitor for srv; Start serves it.
func New(srv *reactor.Server, opts Options, log zerolog.Logger) *Server {
	if opts.Host == "" {
		opts.Host = DefaultHost
	}
	m := &Server{srv: srv, opts: opts, log: log, mux: http.NewServeMux()}
	m.proc.init()
	m.routes()
	return m
}

// endpoint is one monitoring path. key is the name it is counted under in http_req_stats, which nats-server
// shares between aliases (/subscriptionsz counts as /subsz).
type endpoint struct {
	paths   []string
	key     string
	handler http.HandlerFunc
}

func (m *Server) routes() {
	for _, e := range []endpoint{
		{[]string{"/{$}"}, "/", m.handleIndex},
		{[]string{"/varz"}, "/varz", m.handleVarz},
		{[]string{"/connz"}, "/connz", m.handleConnz},
		{[]string{"/routez"}, "/routez", m.handleRoutez},
		{[]string{"/subsz", "/subscriptionsz"}, "/subsz", m.handleSubsz},
		{[]string{"/accountz"}, "/accountz", m.handleAccountz},
		{[]string{"/jsz"}, "/jsz", m.handleJsz},
		{[]string{"/healthz"}, "/healthz", m.handleHealthz},
		{[]string{"/metrics"}, "/metrics", m.metricsHandler().ServeHTTP},
	} {
		// Counted before the handler runs, so a /varz reports itself, as nats-server's does.
		counted := func(w http.ResponseWriter, r *http.Request) {
			m.reqs.add(e.key)
			e.handler(w, r)
		}
		for _, p := range e.paths {
			m.mux.HandleFunc(p, counted)
		}
	}
}

// Handler is the monitoring mux, for tests and for embedding in another server.
func (m *Server) Handler() http.Handler { return m.mux }

// Start binds the listener and serves on it in the background. It returns once the port is bound.
func (m *Server) Start() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.http != nil {
		return errors.New("monitor: already started")
	}
	hostPort := net.JoinHostPort(m.opts.Host, strconv.Itoa(m.opts.Port))
	ln, err := net.Listen("tcp", hostPort)
	if err != nil {
		return fmt.Errorf("monitor: listen on %s: %w", hostPort, err)
	}
	m.addr = ln.Addr().String()
	m.http = &http.Server{
		Handler:           m.mux,
		ReadHeaderTimeout: 5 * time.Second, // a client that never finishes its headers must not hold a goroutine
	}
	srv := m.http
	m.log.Info().Str("addr", "http://"+m.addr).Msg("Starting http monitor")
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.log.Error().Err(err).Msg("monitor: serve")
		}
	}()
	return nil
}

// Addr is the host:port the monitor is bound to; empty before Start.
func (m *Server) Addr() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.addr
}

// port is the bound port, for /varz http_port.
func (m *Server) port() int {
	_, p, err := net.SplitHostPort(m.Addr())
	if err != nil {
		return m.opts.Port
	}
	n, _ := strconv.Atoi(p)
	return n
}

// Close stops the listener and drops open monitoring connections. It does not stop the reactor server.
func (m *Server) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.http == nil {
		return nil
	}
	return m.http.Close()
}
