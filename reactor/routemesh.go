package reactor

import (
	"github.com/panjf2000/gnet/v2"

	"github.com/reactor-nats/reactor/cluster"
	"github.com/reactor-nats/reactor/codec"
)

// Joining and leaving the mesh: a route is registered on the peer's first INFO, never on CONNECT (the $SYS
// connection nats-server dials and then refuses itself must never touch the live route), and unregistered
// when its connection closes. Registration sends the peer our whole interest, tells our other peers about it
// (gossip) and updates the connect_urls clients get.

// admitRoute decides what the peer's first INFO means for this connection. It runs on the route's loop.
func (c *client) admitRoute(info *codec.RouteInfo) gnet.Action {
	s := c.srv
	cs := s.cluster
	rc := c.route
	if r := cluster.CheckCompression(info.Compression); r != nil {
		return c.refuseRoute(r.Text, reasonProtocolViolation)
	}
	rc.peer = *info
	if !rc.accepted {
		rc.headers = info.Headers // a peer we dialed says in its INFO whether it takes headers
	}
	cs.mu.Lock()
	verdict := cluster.Admit(cs.id, info, rc.accepted, cs.registered)
	switch verdict {
	case cluster.Register:
		rc.registered = true
		rc.urls = cluster.PeerURLs{ConnectURLs: info.ConnectURLs, LameDuck: info.LameDuckMode}
		cs.routes[info.ServerID] = c
	case cluster.Duplicate:
		kept := cs.routes[info.ServerID].route
		kept.dial = cluster.MergeDuplicate(kept.dial, rc.dial)
		rc.dial = cluster.RouteState{} // the duplicate itself is never redialed
	case cluster.RouteToSelf:
		if rc.dial.URL != nil {
			cs.self[rc.dial.URL.Host] = true
		}
		rc.dial = cluster.RouteState{}
	}
	cs.mu.Unlock()

	switch verdict {
	case cluster.Register:
		s.log.Info().Uint64("rid", c.cid).Str("ip", c.host).Int("port", c.port).Str("remote_id", info.ServerID).
			Str("remote_name", info.ServerName).Msg("Route connection created")
		c.joinMesh()
		return gnet.None
	case cluster.Duplicate:
		s.log.Debug().Uint64("rid", c.cid).Str("remote_id", info.ServerID).Msg("Detected duplicate remote route")
		c.setReason(reasonDuplicateRoute)
	case cluster.RouteToSelf:
		s.log.Debug().Uint64("rid", c.cid).Msg("Detected route to self, ignoring")
		c.setReason(reasonClientClosed)
	case cluster.ClusterMismatch:
		s.log.Error().Uint64("rid", c.cid).Str("cluster", info.Cluster).Msg("Router connection closed: Cluster Name Conflict")
		c.setReason(reasonClusterNameConflict)
	case cluster.DuplicateName:
		s.log.Error().Uint64("rid", c.cid).Str("remote_name", info.ServerName).Msg("Remote server has a duplicate name")
		c.setReason(reasonDuplicateServerName)
	case cluster.PinnedAccount:
		c.setReason(reasonClientClosed)
	}
	return gnet.Close
}

// joinMesh puts a freshly registered route in service: publishers see it, it gets the full local interest
// followed by every later change in order (Announcer.Join), our other peers learn of it, and clients get
// the new connect_urls.
func (c *client) joinMesh() {
	s := c.srv
	cs := s.cluster
	rc := c.route
	cs.announcer.Join(func() {
		cs.mu.Lock()
		cs.republish()
		cs.mu.Unlock()
	}, func(ch cluster.Change) { rc.enqueueInterest(c, ch) })

	cs.mu.Lock()
	origin := rc.dial.Origin
	cs.mu.Unlock()
	if cluster.ShouldForward(origin, rc.learnedMode, rc.peer.GossipMode) {
		fwd := cluster.ForwardInfo(rc.peer, c.host)
		line := s.appendRouteInfo(nil, fwd)
		for _, p := range cs.peerList() {
			if p != c {
				p.route.enqueueLine(p, line)
			}
		}
	}
	s.refreshClientURLs()
}

// leaveMesh takes a closed route out of service and redials it if it should be. It runs on the route's
// loop, from OnClose.
func (c *client) leaveMesh() {
	s := c.srv
	cs := s.cluster
	rc := c.route
	if rc.registered {
		rc.registered = false
		cs.announcer.Leave(func() {
			cs.mu.Lock()
			if cs.routes[rc.peer.ServerID] == c {
				delete(cs.routes, rc.peer.ServerID)
			}
			cs.republish()
			cs.mu.Unlock()
		})
		s.log.Info().Uint64("rid", c.cid).Str("remote_id", rc.peer.ServerID).Str("remote_name", rc.peer.ServerName).
			Str("reason", string(c.reason)).Msg("Router connection closed")
		s.refreshClientURLs()
	}
	if s.stopped.Load() {
		return
	}
	cs.mu.Lock()
	state := rc.dial
	self := state.URL != nil && cs.self[state.URL.Host]
	cs.mu.Unlock()
	redial, forever, attempts := cluster.Redial(state, cs.opts.ConnectRetries)
	if !redial || self {
		return
	}
	s.scheduleDial(dialJob{url: state.URL, origin: state.Origin, learnedMode: rc.learnedMode, forever: forever,
		attempts: attempts, delay: true})
}

// updatePeer applies an INFO the peer sent about itself after the handshake: new client URLs, lame duck.
func (s *Server) updatePeer(c *client, info *codec.RouteInfo) {
	cs := s.cluster
	cs.mu.Lock()
	c.route.urls = cluster.PeerURLs{ConnectURLs: info.ConnectURLs, LameDuck: info.LameDuckMode}
	cs.mu.Unlock()
	s.refreshClientURLs()
}

// gossiped acts on an INFO a peer forwarded about another server: dial it unless already routed to it,
// it is ourselves, or it is one of our configured routes (cluster.Gossip).
func (s *Server) gossiped(via *client, info *codec.RouteInfo) {
	cs := s.cluster
	cs.mu.Lock()
	u, ok := cluster.Gossip(cs.id, via.route.peer.ServerID, info, cs.registered, cs.opts.Routes,
		cs.opts.Username, cs.opts.Password)
	cs.mu.Unlock()
	if !ok {
		return
	}
	s.scheduleDial(dialJob{url: u, origin: cluster.Implicit, learnedMode: info.GossipMode,
		attempts: 1 + max(cs.opts.ConnectRetries, 0)})
}

// announceLameDuckToPeers sends every peer our INFO with ldm set, so that they stop handing our client URLs
// to their clients, as nats-server does on entering lame duck mode.
func (s *Server) announceLameDuckToPeers() {
	cs := s.cluster
	if cs == nil {
		return
	}
	info := s.localRouteInfo()
	info.LameDuckMode = true
	line := s.appendRouteInfo(nil, info)
	for _, p := range cs.peerList() {
		p.route.enqueueLine(p, line)
	}
}
