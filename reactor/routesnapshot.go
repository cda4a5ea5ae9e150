package reactor

import (
	"sort"
	"time"

	"github.com/reactor-nats/reactor/cluster"
)

// RouteConnInfo is one route connection as /routez reports it.
type RouteConnInfo struct {
	RID          uint64 // the connection id, from the same sequence as client ids
	RemoteID     string // the peer's server_id
	RemoteName   string // the peer's server_name
	DidSolicit   bool   // this server dialed it
	IsConfigured bool   // it is one of the configured (explicit) routes
	IP           string
	Port         int
	Start        time.Time
	LastActivity time.Time
	RTT          time.Duration
	PendingBytes int
	InMsgs       int64
	OutMsgs      int64
	InBytes      int64
	OutBytes     int64
	NumSubs      int        // interests the peer announced (RS+ net of RS-)
	Subs         []RouteSub // only when asked for
}

// RouteSub is one interest a peer announced over a route.
type RouteSub struct {
	Account, Subject, Queue string
	Weight                  int
}

// ClusterInfo is the cluster as /varz reports it; Name is "" without a cluster.
type ClusterInfo struct {
	Name        string
	Host        string   // route listen host
	Port        int      // bound route port
	URLs        []string // the configured routes, host:port
	AuthTimeout time.Duration
	PoolSize    int // as configured: -1 or 0, reactor keeps one route per peer
}

// RouteStats are the route counters for /varz and /metrics.
type RouteStats struct {
	SlowConsumers int64 // routes cut off as slow consumers
	Stale         int64 // routes closed for leaving PINGs unanswered
	Errors        int64 // routes closed over a frame that could not be parsed
}

// Routes returns the registered routes, ordered by rid, with the peers' interests if subs is set. Safe
// from any goroutine.
func (s *Server) Routes(subs bool) []RouteConnInfo { return s.routeSnapshots(subs) }

// Cluster describes the cluster this server is in; the zero ClusterInfo without one.
func (s *Server) Cluster() ClusterInfo { return s.clusterInfo() }

// routeSnapshots reads every registered route on its loop.
func (s *Server) routeSnapshots(subs bool) []RouteConnInfo {
	cs := s.cluster
	if cs == nil {
		return nil
	}
	var all []RouteConnInfo
	s.onEveryLoop(func(l *loop, now time.Time) {
		for _, c := range l.clients {
			if c.kind != kindRoute || c.closing || !c.route.registered {
				continue
			}
			all = append(all, c.routeSnapshot(subs))
		}
	})
	sort.Slice(all, func(i, j int) bool { return all[i].RID < all[j].RID })
	return all
}

// routeSnapshot describes route c. It runs on c's loop.
func (c *client) routeSnapshot(subs bool) RouteConnInfo {
	rc := c.route
	cs := c.srv.cluster
	cs.mu.Lock()
	dial := rc.dial
	cs.mu.Unlock()
	ri := RouteConnInfo{
		RID:          c.cid,
		RemoteID:     rc.peer.ServerID,
		RemoteName:   rc.peer.ServerName,
		DidSolicit:   dial.Solicited,
		IsConfigured: dial.Origin == cluster.Explicit,
		IP:           c.host,
		Port:         c.port,
		Start:        time.Unix(0, c.start),
		LastActivity: time.Unix(0, c.lastActivity),
		RTT:          time.Duration(c.rtt),
		InMsgs:       c.inMsgs,
		OutMsgs:      c.outMsgs,
		InBytes:      c.inBytes,
		OutBytes:     c.outBytes,
		NumSubs:      rc.interest.Len(),
	}
	if !c.gone() {
		ri.PendingBytes = c.pending()
	}
	if subs {
		for _, sub := range rc.interest.Subs() {
			ri.Subs = append(ri.Subs, RouteSub(sub))
		}
	}
	return ri
}

// RouteStats returns the route counters. Safe from any goroutine.
func (s *Server) RouteStats() RouteStats {
	var st RouteStats
	for _, l := range s.loopList() {
		st.SlowConsumers += l.stats.slowRoutes.Load()
	}
	st.Stale = s.staleRoutes.Load()
	st.Errors = s.routeErrors.Load()
	return st
}

// ClientConnectURLs is the connect_urls clients are given: this server's client URLs, then its peers'.
// None without a cluster, or with no_advertise.
func (s *Server) ClientConnectURLs() []string {
	if cs := s.cluster; cs != nil {
		if urls := cs.clientURL.Load(); urls != nil {
			return append([]string(nil), *urls...)
		}
	}
	return nil
}
