package reactor

import (
	"context"
	"math/rand/v2"
	"net"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reactor-nats/reactor/cluster"
	"github.com/reactor-nats/reactor/codec"
)

// clusterState is the server's side of the route mesh: which peers are registered, what local interest
// they must hear about, and where to dial. Route connections themselves are clients of kind kindRoute,
// owned by their loops like any other connection (route.go); this holds only what is shared between loops.
//
// Locking: mu guards routes and the dial bookkeeping. peers is the copy-on-write list publishers read
// without a lock. The Announcer has its own lock, taken before a route's pending-interest lock (never the
// other way round), and mu is never held while taking the Announcer's.
type clusterState struct {
	opts      cluster.Options
	id        cluster.Identity
	host      string // route listen host
	port      int    // bound route port
	announcer *cluster.Announcer

	mu        sync.Mutex
	routes    map[string]*client // registered routes by peer server id
	self      map[string]bool    // host:port found to be ourselves: never dialed again
	dialing   map[string]bool    // URLs (host:port) with a dial loop running
	peers     atomic.Pointer[[]*client]
	clientURL atomic.Pointer[[]string] // connect_urls for the client INFO: ours, then the peers'

	dials chan dialJob // the dialer's queue (dialer.go)
	stop  chan struct{}
	wg    sync.WaitGroup
}

// peerList is the registered routes, for publishers on any loop.
func (cs *clusterState) peerList() []*client {
	if p := cs.peers.Load(); p != nil {
		return *p
	}
	return nil
}

// republish rebuilds peers from routes. Caller holds mu.
func (cs *clusterState) republish() {
	list := make([]*client, 0, len(cs.routes))
	for _, r := range cs.routes {
		list = append(list, r)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].cid < list[j].cid })
	cs.peers.Store(&list)
}

func (cs *clusterState) registered(id string) bool {
	_, ok := cs.routes[id]
	return ok
}

// setupCluster prepares the cluster state at New; the listener is added at Start.
func (s *Server) setupCluster() {
	o := s.opts.Cluster
	if !o.Enabled() {
		return
	}
	host := o.Host
	if host == "" {
		host = DefaultHost
	}
	s.cluster = &clusterState{
		opts:      *o,
		id:        cluster.Identity{ServerID: s.id, ServerName: s.opts.ServerName, Cluster: o.Name},
		host:      host,
		port:      o.Port,
		announcer: cluster.NewAnnouncer(),
		routes:    map[string]*client{},
		self:      map[string]bool{},
		dialing:   map[string]bool{},
		dials:     make(chan dialJob, 64),
		stop:      make(chan struct{}),
	}
	if s.cluster.id.Cluster == "" {
		// nats-server makes up a name too; reactor does not negotiate names, so peers must be given this one.
		s.cluster.id.Cluster = nuidLike()
		s.log.Warn().Str("cluster", s.cluster.id.Cluster).Msg("Cluster name was dynamically generated, consider setting one")
	}
	if s.cluster.port < 0 {
		s.cluster.port = 0 // -1 asks for a random port, as in nats-server
	}
}

// routeListenAddr is the route listener's gnet address, distinct from the other listeners' (gnet finds a
// listener by the address it was given, so two ephemeral ports on one host must be told apart).
func (s *Server) routeListenAddr(taken []string) (string, error) {
	cs := s.cluster
	addr := "tcp://" + net.JoinHostPort(cs.host, strconv.Itoa(cs.port))
	if cs.port == 0 && slices.Contains(taken, addr) {
		port, err := freePort(cs.host)
		if err != nil {
			return "", err
		}
		cs.port = port
		addr = "tcp://" + net.JoinHostPort(cs.host, strconv.Itoa(port))
	}
	return addr, nil
}

// startCluster runs once the engine is up: the dialer, then the configured routes.
func (s *Server) startCluster() {
	cs := s.cluster
	if cs == nil {
		return
	}
	s.refreshClientURLs()
	cs.wg.Add(1)
	go s.runDialer()
	for _, u := range cs.opts.Routes {
		s.scheduleDial(dialJob{url: u, origin: cluster.Explicit, forever: true})
	}
}

// stopCluster ends the dialer; the route connections close with the engine.
func (s *Server) stopCluster() {
	if cs := s.cluster; cs != nil {
		close(cs.stop)
		cs.wg.Wait()
	}
}

// localRouteInfo is the INFO this server sends on every route connection.
func (s *Server) localRouteInfo() codec.RouteInfo {
	cs := s.cluster
	host := cs.host
	if host == DefaultHost || host == "::" {
		host = "127.0.0.1"
		if ips := interfaceIPs(); len(ips) > 0 {
			host = ips[0]
		}
	}
	return cluster.LocalInfo(cs.id, &cs.opts, cluster.InfoParams{
		Version:    ProtocolVersion,
		MaxPayload: int64(s.lim().MaxPayload),
		ListenHost: host,
		ListenPort: cs.port,
		ClientURLs: s.ownClientURLs(),
	})
}

// ownClientURLs are this server's client addresses as peers should hand them to clients: client_advertise,
// else the listen host, else (listening on every interface) each non-loopback interface address.
func (s *Server) ownClientURLs() []string {
	if a := s.opts.ClientAdvertise; a != "" {
		if _, _, err := net.SplitHostPort(a); err != nil {
			a = net.JoinHostPort(a, strconv.Itoa(s.port))
		}
		return []string{a}
	}
	port := strconv.Itoa(s.port)
	if s.opts.Host != DefaultHost && s.opts.Host != "::" {
		return []string{net.JoinHostPort(s.opts.Host, port)}
	}
	var urls []string
	for _, ip := range interfaceIPs() {
		urls = append(urls, net.JoinHostPort(ip, port))
	}
	if len(urls) == 0 {
		urls = []string{net.JoinHostPort("127.0.0.1", port)}
	}
	return urls
}

// interfaceIPs lists the host's global unicast addresses, as nats-server advertises for 0.0.0.0.
func interfaceIPs() []string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var ips []string
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.IsGlobalUnicast() {
			ips = append(ips, n.IP.String())
		}
	}
	return ips
}

// refreshClientURLs recomputes the client connect_urls from the registered peers and, when they changed,
// sends the new INFO to every client that reads asynchronous INFO (nats-server does the same, so clients
// learn the cluster as it grows and shrinks).
func (s *Server) refreshClientURLs() {
	cs := s.cluster
	cs.mu.Lock()
	var peers []cluster.PeerURLs
	for _, r := range cs.peerList() {
		peers = append(peers, r.route.urls)
	}
	cs.mu.Unlock()
	// A server that has never had a peer sends no connect_urls, as nats-server; once it has had one it
	// always lists at least its own, since clients ignore an INFO without the field and would otherwise
	// keep a departed peer's URL.
	old := cs.clientURL.Load()
	var urls []string
	if len(peers) > 0 || old != nil && len(*old) > 0 {
		urls = cluster.ClientConnectURLs(s.ownClientURLs(), peers, cs.opts.NoAdvertise)
	}
	if old != nil && slices.Equal(*old, urls) {
		return
	}
	cs.clientURL.Store(&urls)
	s.refreshInfo(true)
}

// refreshInfo rebuilds the client INFO template from the settings in force and, if push is set, sends it
// to every client that reads asynchronous INFO.
func (s *Server) refreshInfo(push bool) {
	s.optsMu.Lock()
	lim := *s.lim()
	if lim.info == nil { // not bound yet: OnBoot builds it
		s.optsMu.Unlock()
		return
	}
	lim.info = s.newInfo(lim.MaxPayload, lim.auth, s.lameDuck.Load())
	s.limits.Store(&lim)
	s.optsMu.Unlock()
	if !push {
		return
	}
	for _, l := range s.loopList() {
		_ = l.el.Execute(context.Background(), runOnLoop(func() {
			for _, c := range l.clients {
				if c.kind == kindClient && !c.closing && c.sentConnectInfo {
					b := c.buffer()
					b.B = lim.info.appendClientInfo(b.B, c.cid, c.host, "", c.ws != nil)
				}
			}
			l.endCallback()
		}))
	}
}

// clusterInfo answers Server.Cluster.
func (s *Server) clusterInfo() ClusterInfo {
	cs := s.cluster
	if cs == nil {
		return ClusterInfo{}
	}
	ci := ClusterInfo{Name: cs.id.Cluster, Host: cs.host, Port: cs.port, AuthTimeout: cs.opts.AuthTimeout,
		PoolSize: cs.opts.PoolSize}
	if ci.AuthTimeout == 0 {
		ci.AuthTimeout = defaultRouteAuthTimeout
	}
	for _, u := range cs.opts.Routes {
		ci.URLs = append(ci.URLs, u.Host)
	}
	return ci
}

// defaultRouteAuthTimeout bounds a route handshake, as nats-server's cluster auth_timeout default.
const defaultRouteAuthTimeout = 2 * time.Second

// nuidLike is a random 22-character name, the shape of nats-server's generated cluster names.
func nuidLike() string {
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 22)
	for i := range b {
		b[i] = letters[rand.IntN(len(letters))]
	}
	return string(b)
}
