package reactor

import (
	"context"
	"net/url"
	"sync"
	"time"

	"github.com/panjf2000/gnet/v2"

	"github.com/reactor-nats/reactor/cluster"
	"github.com/reactor-nats/reactor/codec"
)

// routeConn is what a client of kind kindRoute holds beyond a client: the route protocol's parser, the
// handshake, the peer's interest and the interest lines waiting to be sent to it.
//
// Everything but pending, pendArmed and urls is owned by the route's loop. urls is written under the
// cluster's mu. interest is written only by the route's loop and read by publishers on every loop (its own
// locking, cluster.RemoteInterest).
type routeConn struct {
	parser      codec.RouteParser
	accepted    bool // the peer dialed us; immutable
	learnedMode int  // gossip_mode of the INFO that made us dial an implicit route; immutable
	gotConnect  bool // accepted routes: the peer's CONNECT has been checked
	gotInfo     bool // the peer's first INFO has been handled
	registered  bool // this connection is the route to peer.ServerID (cluster.routes)
	// dial is how the route came to be and whether to redial it when it drops. Set at open; once the route
	// is registered another loop may merge a duplicate into it (cluster.MergeDuplicate), so from then on it
	// is read and written under clusterState.mu only.
	dial     cluster.RouteState
	peer     codec.RouteInfo
	headers  bool // the peer takes HMSG; otherwise headers are stripped
	interest *cluster.RemoteInterest
	accounts map[string]*account // accounts named by the peer, resolved once
	queues   []byte              // the queue span of the RMSG being applied (publishIn reads it)
	urls     cluster.PeerURLs    // the peer's client URLs; under clusterState.mu

	pendMu    sync.Mutex
	pending   []byte        // RS+/RS- lines queued by any loop, in Announcer order; under pendMu
	pendArmed bool          // a flush of pending is scheduled on the route's loop; under pendMu
	flushTask gnet.Runnable // made once at open: moves pending into the output and writes it
}

// dialIntent travels with a dialed connection into OnOpen (gnet.NewContext), so the handler knows it is a
// route we solicited before the first byte.
type dialIntent struct {
	url         *url.URL
	origin      cluster.Origin
	learnedMode int
}

// routeHandshakeTimeout closes a route that has not completed its handshake in this long.
func (s *Server) routeHandshakeTimeout() time.Duration {
	if t := s.cluster.opts.AuthTimeout; t > 0 {
		return t
	}
	return defaultRouteAuthTimeout
}

// openRoute admits a route connection, accepted on the route port (intent nil) or dialed by us. An accepted
// route gets our INFO at once: a dialing nats-server waits for it before sending its own (ROUTES.md §1). A
// dialed route gets CONNECT and then INFO.
func (e *engine) openRoute(gc gnet.Conn, intent *dialIntent) ([]byte, gnet.Action) {
	s := e.srv
	cid := s.nextCID.Add(1)
	host, port := splitAddr(gc.RemoteAddr())
	l := s.loopOf(gc.EventLoop())
	now := time.Now().UnixNano()
	rc := &routeConn{accepted: intent == nil, interest: cluster.NewRemoteInterest(), accounts: map[string]*account{},
		dial: cluster.RouteState{Origin: cluster.Accepted}}
	// Routes carry what any peer accepted, whatever our own limits: nats-server does not limit them either.
	rc.parser.Limits = codec.Limits{MaxControlLine: max(s.lim().MaxControlLine, 1<<16), MaxPayload: 64 << 20}
	if intent != nil {
		rc.learnedMode = intent.learnedMode
		rc.dial = cluster.RouteState{Origin: intent.origin, Solicited: true, URL: intent.url}
	}
	c := &client{
		srv:       s,
		loop:      l,
		conn:      gc,
		kind:      kindRoute,
		cid:       cid,
		host:      host,
		port:      port,
		start:     now,
		acct:      s.global,
		opts:      connectOptions{Echo: true, Headers: true},
		nextPing:  now + int64(time.Second),
		lastInput: now,
		authed:    true,
		route:     rc,
	}
	rc.flushTask = runOnLoop(func() {
		c.takePending()
		c.loop.endCallback()
	})
	c.lastActivity = now
	l.addClient(c)
	gc.SetContext(c)
	out := make([]byte, 0, 1024)
	if intent != nil {
		connect := cluster.LocalConnect(s.cluster.id, intent.url, s.cluster.opts.Username, s.cluster.opts.Password)
		js, _ := connect.JSON()
		out = codec.AppendRouteConnect(out, js)
	}
	out = s.appendRouteInfo(out, s.localRouteInfo())
	s.log.Debug().Uint64("rid", cid).Str("ip", host).Int("port", port).Bool("solicited", intent != nil).
		Msg("route connection created")
	return out, gnet.None
}

func (s *Server) appendRouteInfo(dst []byte, info codec.RouteInfo) []byte {
	js, _ := info.JSON()
	dst = append(dst, "INFO "...)
	dst = append(dst, js...)
	return append(dst, "\r\n"...)
}

// onRouteTraffic parses and applies what a peer sent.
func (c *client) onRouteTraffic(gc gnet.Conn) gnet.Action {
	rc := c.route
	if c.need > 0 && gc.InboundBuffered() < c.need-1 {
		return gnet.None
	}
	buf, _ := gc.Peek(-1)
	c.lastInput = time.Now().UnixNano()
	c.loop.now = c.lastInput
	c.loop.current = c
	used := 0
	action := gnet.None
	for used < len(buf) && !c.closing {
		n, err := rc.parser.Next(buf[used:])
		if err != nil {
			action = c.routeProtocolError(err)
			break
		}
		if n == 0 {
			c.need = rc.parser.Need()
			break
		}
		used += n
		c.need = 0
		if action = c.applyRoute(&rc.parser.Op); action != gnet.None {
			break
		}
	}
	if used > 0 && !c.gone() {
		_, _ = gc.Discard(used)
	}
	return c.endTraffic(action)
}

// routeProtocolError closes a route over a frame it cannot parse: a route cannot be resynchronised, and
// nats-server closes it too. The error is logged; the rest of the server goes on.
func (c *client) routeProtocolError(err error) gnet.Action {
	c.srv.log.Error().Uint64("rid", c.cid).Str("ip", c.host).Str("remote_id", c.route.peer.ServerID).
		Err(err).Msg("route protocol error, closing route")
	c.srv.routeErrors.Add(1)
	c.setReason(reasonParseError)
	if pe, ok := err.(*codec.Error); ok {
		c.queueErr(pe)
	}
	return gnet.Close
}

// applyRoute carries out one op of the route protocol.
func (c *client) applyRoute(op *codec.RouteOp) gnet.Action {
	rc := c.route
	if c.srv.lim().Trace {
		c.srv.log.Trace().Uint64("rid", c.cid).Str("op", op.Kind.String()).Bytes("subject", op.Subject).Msg("<<- route")
	}
	if rc.accepted && !rc.gotConnect && op.Kind != codec.RouteKindConnect {
		return c.refuseRoute("Authorization Violation", reasonAuthViolation)
	}
	switch op.Kind {
	case codec.RouteKindConnect:
		return c.routeConnect(op.Arg)
	case codec.RouteKindInfo:
		return c.routeInfo(op.Arg)
	case codec.RouteKindPing:
		c.queue(codec.PONG)
	case codec.RouteKindPong:
		c.pingsOut = 0
		if c.rttStart != 0 {
			c.rtt = c.lastInput - c.rttStart
			c.rttStart = 0
		}
	case codec.RouteKindErr:
		c.srv.log.Warn().Uint64("rid", c.cid).Str("remote_id", rc.peer.ServerID).Bytes("err", codec.ErrText(op.Arg)).
			Msg("Route Error")
		c.setReason(reasonClientClosed)
		return gnet.Close
	case codec.RouteKindOK:
	default:
		if !rc.registered {
			// Interest or messages before the peer's INFO: no peer sends them (nats-server registers a route
			// on INFO too, and keeps such a connection open meanwhile); reactor refuses them rather than
			// apply them to a route it has not admitted.
			return c.refuseRoute("Authorization Violation", reasonAuthViolation)
		}
		c.applyRouted(op)
	}
	return gnet.None
}

// refuseRoute sends -ERR '<text>' and closes.
func (c *client) refuseRoute(text string, why closedReason) gnet.Action {
	c.srv.log.Warn().Uint64("rid", c.cid).Str("ip", c.host).Str("err", text).Msg("route refused")
	b := c.buffer()
	b.B = codec.AppendErr(b.B, text)
	c.setReason(why)
	return gnet.Close
}

// routeConnect checks an accepted route's CONNECT: a client or gateway on the route port, the cluster name,
// the cluster credentials, with nats-server's texts. The route is registered later, on the peer's INFO.
func (c *client) routeConnect(arg []byte) gnet.Action {
	rc := c.route
	if !rc.accepted || rc.gotConnect {
		return gnet.None // a dialing peer never gets a CONNECT; a repeat changes nothing
	}
	connect, err := codec.ParseRouteConnect(arg)
	if err != nil {
		c.setReason(reasonProtocolViolation) // nats-server closes over it without a word
		return gnet.Close
	}
	cs := c.srv.cluster
	if r := cluster.CheckConnect(cs.id, &connect); r != nil {
		c.srv.log.Error().Uint64("rid", c.cid).Str("ip", c.host).Str("cluster", connect.Cluster).
			Msg("Router connection closed: " + r.Text)
		return c.refuseRoute(r.Text, reasonProtocolViolation)
	}
	if cs.opts.Username != "" && (connect.User != cs.opts.Username || connect.Pass != cs.opts.Password) {
		return c.refuseRoute("Authorization Violation", reasonAuthViolation)
	}
	rc.gotConnect = true
	rc.headers = connect.Headers
	return gnet.None
}

// routeInfo handles an INFO: the first one admits the route (cluster.Admit); later ones are updates from
// the peer or, with another server id, gossip about a server to dial.
func (c *client) routeInfo(arg []byte) gnet.Action {
	info, err := codec.ParseRouteInfo(arg)
	if err != nil {
		c.srv.log.Error().Uint64("rid", c.cid).Err(err).Msg("bad route INFO, closing route")
		c.setReason(reasonParseError)
		return gnet.Close
	}
	rc := c.route
	if !rc.gotInfo {
		rc.gotInfo = true
		return c.admitRoute(&info)
	}
	if !rc.registered {
		return gnet.None
	}
	if info.ServerID == rc.peer.ServerID {
		c.srv.updatePeer(c, &info)
		return gnet.None
	}
	c.srv.gossiped(c, &info)
	return gnet.None
}

// runOnLoop wraps fn as a gnet runnable.
func runOnLoop(fn func()) gnet.Runnable {
	return gnet.RunnableFunc(func(context.Context) error {
		fn()
		return nil
	})
}

// applyRouted applies an interest or message op from a registered peer.
func (c *client) applyRouted(op *codec.RouteOp) {
	rc := c.route
	switch op.Kind {
	case codec.RouteKindRSPlus, codec.RouteKindLSPlus:
		if _, err := rc.interest.Add(op.Account, op.Subject, op.Queue, op.Weight); err != nil {
			c.srv.log.Debug().Uint64("rid", c.cid).Err(err).Msg("route interest ignored")
		}
	case codec.RouteKindRSMinus, codec.RouteKindLSMinus:
		rc.interest.Remove(op.Account, op.Subject, op.Queue)
	case codec.RouteKindRMsg, codec.RouteKindHMsg, codec.RouteKindLMsg:
		c.publishFromRoute(op)
	}
}

// publishFromRoute delivers a message a peer forwarded to the local subscribers of its account. A message
// for an account this server does not know is dropped, as nats-server drops it.
func (c *client) publishFromRoute(op *codec.RouteOp) {
	rc := c.route
	l := c.loop
	size := int64(len(op.Payload))
	l.tally.inMsgs++
	l.tally.inBytes += size
	l.tally.route.inMsgs++
	l.tally.route.inBytes += size
	c.inMsgs++
	c.inBytes += size
	acct := rc.accountNamed(c.srv, op.Account)
	if acct == nil {
		return
	}
	hdrLen := -1
	if op.Kind != codec.RouteKindRMsg && op.HeaderLen > 0 {
		hdrLen = op.HeaderLen
	}
	m := message{subject: op.Subject, reply: op.Reply, msg: op.Payload, hdrLen: hdrLen}
	rc.queues = op.Queues
	c.publishIn(acct, &m, 0)
	rc.queues = nil
}

// accountNamed resolves an account name a peer sent, remembering the answer for the route's life. Unknown
// names are looked up each time: the account may be made later (operator mode makes them on first use).
func (rc *routeConn) accountNamed(s *Server, name []byte) *account {
	if a, ok := rc.accounts[string(name)]; ok {
		return a
	}
	a := s.accounts.get(string(name))
	if a != nil {
		rc.accounts[string(name)] = a
	}
	return a
}
