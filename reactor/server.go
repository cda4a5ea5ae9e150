package reactor

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nkeys"
	"github.com/panjf2000/gnet/v2"
	"github.com/rs/zerolog"
	"golang.org/x/sys/unix"

	"github.com/reactor-nats/reactor/auth"
	"github.com/reactor-nats/reactor/stream"
	"github.com/reactor-nats/reactor/tlsconn"
	"github.com/reactor-nats/reactor/ws"
)

// Server is one reactor server. It owns everything the server uses, so one process can run many (tests do).
type Server struct {
	opts Options // as given to New, defaults filled in; never written after New (Reload changes cur)
	log  zerolog.Logger
	id   string // nkeys server public key, as nats-server's server_id

	accounts    accountRegistry
	authWorkers authPool      // checks credentials off the loops (authpool.go)
	responses   responseTable // service imports' reply forwarders (imports.go)
	sysName     string        // the system account's name: $SYS unless the configuration names another
	// services runs internal handlers on one goroutine (internal.go): requests to the server itself are
	// rare (account pushes, lookups), and its queue is bounded in practice by the clients allowed to send
	// them.
	services   serviceQueue
	js         *stream.Manager // JetStream (jetstream.go); nil when it is off. Set in Start, before any client
	jsAPI      serviceQueue    // runs JetStream API handlers (jshost.go), apart from services
	jsStop     sync.Once
	apiSeq     atomic.Uint64   // numbers system API responses
	tlsCfg     *tlsconn.Config // nil without TLS (tls.go)
	wsTLSCfg   *tlsconn.Config // the websocket listener's TLS; nil for ws:// only
	tlsPool    *tlsconn.Pool   // handshakes, off the loops; from Start
	wsUpgrader *ws.Upgrader    // nil without a websocket listener (websocket.go)
	wsPort     int             // the websocket listener's bound port
	global     *account
	cluster    *clusterState // nil without a cluster (cluster.go)
	// routeErrors counts routes closed over a frame that could not be parsed.
	routeErrors atomic.Int64
	staleRoutes atomic.Int64 // routes closed for leaving PINGs unanswered

	limits atomic.Pointer[limits] // the settings in force (limits.go)
	optsMu sync.Mutex             // guards cur and loaded
	cur    Options                // the options in force: opts as changed by Reload
	closed closedRing             // recently closed connections, for /connz?state=closed
	start  time.Time              // when New ran
	loaded time.Time              // when the options in force were set (New or the last Reload); under optsMu
	stale  atomic.Int64           // connections closed as stale
	total  atomic.Int64           // client connections ever accepted

	eng      gnet.Engine
	port     int
	info     infoTemplate
	ready    chan struct{} // closed when the listener is bound and the loops run
	done     chan struct{} // closed when the engine has stopped
	runErr   error         // why the engine stopped; valid after done
	stopped  atomic.Bool   // Shutdown was asked for
	lameDuck atomic.Bool   // LameDuck has begun

	acceptorOnce  sync.Once
	acceptor      acceptor      // gnet's listeners, for lame duck mode (accept.go); valid once acceptorKnown is closed
	acceptorKnown chan struct{} // closed by the first OnTick
	refuserStop   chan struct{} // closed by Shutdown: the lame duck refuser must let go of the listeners
	refuserDone   chan struct{} // closed when the refuser has stopped (or never ran)

	loopsMu  sync.Mutex
	loops    atomic.Pointer[[]*loop] // copy-on-write: read lock-free by any goroutine
	loopByEL map[gnet.EventLoop]*loop

	nextCID    atomic.Uint64
	numClients atomic.Int64
}

// New validates opts and makes a server; Start runs it.
func New(opts Options) (*Server, error) {
	opts = opts.withDefaults()
	kp, err := nkeys.CreateServer()
	if err != nil {
		return nil, fmt.Errorf("server id: %w", err)
	}
	id, err := kp.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("server id: %w", err)
	}
	if opts.ServerName == "" {
		opts.ServerName = id
	}
	s := &Server{
		opts:          opts,
		log:           opts.Logger,
		id:            id,
		ready:         make(chan struct{}),
		acceptorKnown: make(chan struct{}),
		refuserStop:   make(chan struct{}),
		refuserDone:   make(chan struct{}),
		done:          make(chan struct{}),
		loopByEL:      map[gnet.EventLoop]*loop{},
	}
	s.start = time.Now()
	s.loaded = s.start
	s.cur = opts
	s.closed.init(opts.MaxClosedClients)
	lim := newLimits(&s.opts)
	s.warnConnCap(lim, opts.MaxConnections)
	s.limits.Store(lim)
	s.responses.init()
	if t := opts.TLS; t != nil {
		if t.Config == nil || len(t.Config.Certificates) == 0 && t.Config.GetCertificate == nil {
			return nil, errors.New("tls: a server certificate is required")
		}
		s.tlsCfg = &tlsconn.Config{TLS: t.Config, HandshakeTimeout: t.Timeout}
	}
	if opts.WebSocket != nil {
		w := *opts.WebSocket // Start may fill in the port; the caller's value stays as given
		s.opts.WebSocket = &w
		switch {
		case w.TLS != nil && !w.NoTLS:
			if w.TLS.Config == nil || len(w.TLS.Config.Certificates) == 0 && w.TLS.Config.GetCertificate == nil {
				return nil, errors.New("websocket tls: a server certificate is required")
			}
			s.wsTLSCfg = &tlsconn.Config{TLS: w.TLS.Config, HandshakeTimeout: w.TLS.Timeout}
			w.Upgrader.TLS = true
		case !w.NoTLS:
			return nil, errors.New("websocket requires TLS configuration")
		}
		if s.wsUpgrader, err = ws.NewUpgrader(w.Upgrader); err != nil {
			return nil, fmt.Errorf("websocket: %w", err)
		}
	}
	if err := s.makeAccounts(opts.Accounts); err != nil {
		return nil, err
	}
	if err := s.installSystemServices(); err != nil {
		return nil, err
	}
	s.setupCluster()
	return s, nil
}

// makeAccounts registers the global and system accounts and the configured ones, then wires the
// configured imports, once every account exists so that each finds its exporter.
func (s *Server) makeAccounts(specs []*auth.AccountSpec) error {
	s.accounts.init()
	s.accounts.made = s.installAccountServices
	for _, spec := range specs {
		s.accounts.add(accountFromSpec(spec))
	}
	s.global = s.accounts.add(newAccount(globalAccountName)) // unless configured, in which case add keeps that
	s.sysName = systemAccountOf(s.opts.Auth)
	s.accounts.add(newAccount(s.sysName))
	for _, spec := range specs {
		if err := s.installImports(s.accounts.get(spec.Name), spec); err != nil {
			return err
		}
	}
	return nil
}

// freePort asks the kernel for a port free on host.
func freePort(host string) (int, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// fdReserve is the number of descriptors kept for listeners, log and pid files, and the monitoring port.
const fdReserve = 64

// connectionCap lowers max to what the open-files soft limit allows. gnet stops its whole engine when accept
// fails with EMFILE, so the server must refuse connections before the process runs out of descriptors.
func connectionCap(limit int) int {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil || lim.Cur == unix.RLIM_INFINITY {
		return limit
	}
	return max(1, min(limit, int(lim.Cur)-fdReserve))
}

// Start binds the client port and runs the event loops. It returns once the server accepts connections.
func (s *Server) Start() error {
	addr := "tcp://" + net.JoinHostPort(s.opts.Host, strconv.Itoa(s.opts.Port))
	addrs := []string{addr}
	if w := s.opts.WebSocket; w != nil {
		host := w.Host
		if host == "" {
			host = DefaultHost
		}
		wsAddr := "tcp://" + net.JoinHostPort(host, strconv.Itoa(w.Port))
		if wsAddr == addr {
			// Both ephemeral on one host (tests): gnet finds a listener by its address as given, so the two
			// must differ. The websocket port is picked here instead of by the kernel at bind.
			port, err := freePort(host)
			if err != nil {
				return fmt.Errorf("websocket: %w", err)
			}
			w.Port = port
			wsAddr = "tcp://" + net.JoinHostPort(host, strconv.Itoa(port))
		}
		addrs = append(addrs, wsAddr)
	}
	if s.cluster != nil {
		if s.cluster.opts.TLS != nil {
			return errors.New("cluster tls: not supported yet")
		}
		routeAddr, err := s.routeListenAddr(addrs)
		if err != nil {
			return fmt.Errorf("cluster: %w", err)
		}
		addrs = append(addrs, routeAddr)
	}
	s.authWorkers.start(max(2, runtime.GOMAXPROCS(0)))
	s.services.start(1)
	if err := s.startJetStream(); err != nil {
		s.authWorkers.stop()
		s.services.stop()
		return err
	}
	if s.tlsCfg != nil || s.wsTLSCfg != nil {
		s.tlsPool = tlsconn.NewPool(0)
	}
	go func() {
		err := gnet.Rotate(&engine{srv: s}, addrs,
			gnet.WithNumEventLoop(s.opts.EventLoops),
			gnet.WithLoadBalancing(gnet.LeastConnections), // Register-safe, for dialed routes later
			gnet.WithReuseAddr(true),
			gnet.WithTicker(true),
			gnet.WithLogger(gnetLogger{s.log}),
		)
		if err == nil && !s.stopped.Load() {
			err = errors.New("event engine stopped unexpectedly")
		}
		s.runErr = err
		s.stopJetStream() // already done unless the engine stopped by itself
		s.stopCluster()
		s.authWorkers.stop()
		s.services.stop()
		if s.tlsPool != nil {
			s.tlsPool.Close()
		}
		close(s.done)
	}()
	select {
	case <-s.ready:
		if cs := s.cluster; cs != nil {
			s.log.Info().Str("addr", net.JoinHostPort(cs.host, strconv.Itoa(cs.port))).Str("cluster", cs.id.Cluster).
				Msg("Listening for route connections")
		}
		s.log.Info().Str("addr", s.Addr()).Str("server_id", s.id).Str("server_name", s.opts.ServerName).
			Int("loops", s.opts.EventLoops).Msg("Listening for client connections")
		return nil
	case <-s.done:
		return fmt.Errorf("listen on %s: %w", addr, s.runErr)
	}
}

// Addr is the host:port clients connect to.
func (s *Server) Addr() string {
	return net.JoinHostPort(s.opts.Host, strconv.Itoa(s.port))
}

// Port is the bound client port (useful when Options.Port was 0).
func (s *Server) Port() int { return s.port }

// ID is the server id sent in INFO.
func (s *Server) ID() string { return s.id }

// Done is closed when the server has stopped, by Shutdown or because the engine failed; Err says which.
func (s *Server) Done() <-chan struct{} { return s.done }

// Err is why the server stopped: nil after Shutdown.
func (s *Server) Err() error {
	select {
	case <-s.done:
		if s.stopped.Load() {
			return nil
		}
		return s.runErr
	default:
		return nil
	}
}

// Shutdown stops accepting, closes every connection after writing what is queued for it, and waits for the
// loops to exit.
func (s *Server) Shutdown() {
	if s.stopped.Swap(true) {
		<-s.done
		return
	}
	select {
	case <-s.ready:
	case <-s.done:
		return
	}
	// Engine.Stop polls for completion every 500ms; an already-cancelled context starts the shutdown and
	// returns at once, and done tells when it has finished.
	if s.lameDuck.Load() {
		close(s.refuserStop)
		select { // gnet closes the listeners next: nobody else may be polling them then
		case <-s.refuserDone:
		case <-time.After(time.Second): // stopAccepting never got to start it
		}
	}
	// JetStream stops while the loops still run: writers drain what they hold, and the acks they send
	// still have loops to leave from.
	s.stopJetStream()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_ = s.eng.Stop(ctx)
	<-s.done
	s.log.Info().Msg("Server Exiting..")
}

// NumClients is the number of client connections.
func (s *Server) NumClients() int { return int(s.numClients.Load()) }

// loopOf returns reactor's state for a gnet loop, making it on the loop's first connection.
func (s *Server) loopOf(el gnet.EventLoop) *loop {
	s.loopsMu.Lock()
	defer s.loopsMu.Unlock()
	if l, ok := s.loopByEL[el]; ok {
		return l
	}
	var list []*loop
	if p := s.loops.Load(); p != nil {
		list = append(list, *p...)
	}
	l := newLoop(s, len(list), el)
	list = append(list, l)
	s.loops.Store(&list)
	s.loopByEL[el] = l
	return l
}

// loopList is every loop that has had a connection. Safe from any goroutine.
func (s *Server) loopList() []*loop {
	if p := s.loops.Load(); p != nil {
		return *p
	}
	return nil
}

func (s *Server) loopAt(idx int) *loop { return (*s.loops.Load())[idx] }
