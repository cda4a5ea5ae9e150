package reactor

import (
	"context"
	"net"
	"strconv"
	"time"

	"github.com/panjf2000/gnet/v2"
	"golang.org/x/sys/unix"

	"github.com/reactor-nats/reactor/codec"
	"github.com/reactor-nats/reactor/tlsconn"
)

// engine receives gnet's callbacks. It is a separate type so that Server does not export gnet's methods.
type engine struct {
	gnet.BuiltinEventEngine
	srv *Server
}

func (e *engine) OnBoot(eng gnet.Engine) gnet.Action {
	s := e.srv
	s.eng = eng
	s.port = boundPort(eng, s.opts.Host, s.opts.Port)
	if w := s.opts.WebSocket; w != nil {
		host := w.Host
		if host == "" {
			host = DefaultHost
		}
		s.wsPort = boundPort(eng, host, w.Port)
	}
	if cs := s.cluster; cs != nil {
		cs.port = boundPort(eng, cs.host, cs.port)
	}
	lim := *s.lim()
	lim.info = s.newInfo(lim.MaxPayload, lim.auth, false)
	s.limits.Store(&lim)
	close(s.ready)
	return gnet.None
}

// boundPort is the port the listener for host:port is bound to: port itself, unless it was 0 and the
// kernel picked one.
func boundPort(eng gnet.Engine, host string, port int) int {
	fd, err := eng.DupListener("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return port
	}
	defer unix.Close(fd)
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return port
	}
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return a.Port
	case *unix.SockaddrInet6:
		return a.Port
	}
	return port
}

// OnOpen admits a connection: INFO, or INFO and -ERR when the server is full.
func (e *engine) OnOpen(gc gnet.Conn) ([]byte, gnet.Action) {
	s := e.srv
	if intent, ok := gc.Context().(*dialIntent); ok {
		if s.stopped.Load() {
			return nil, gnet.Close
		}
		return e.openRoute(gc, intent)
	}
	if s.stopped.Load() || s.lameDuck.Load() {
		return nil, gnet.Close
	}
	if s.cluster != nil && localPort(gc.LocalAddr()) == s.cluster.port {
		return e.openRoute(gc, nil)
	}
	cid := s.nextCID.Add(1)
	host, port := splitAddr(gc.RemoteAddr())
	lim := s.lim()
	authRequired := lim.auth != nil && lim.auth.Required()
	var nonce string
	if authRequired && lim.auth.NeedsNonce() {
		nonce = newNonce()
	}
	info := lim.info.appendClientInfo(make([]byte, 0, 512), cid, host, nonce, false)
	var phase tlsPhase
	var infoAfterTLS bool
	onWS := s.wsUpgrader != nil && localPort(gc.LocalAddr()) == s.wsPort
	if onWS {
		info = nil // the INFO follows the HTTP upgrade, in a frame
		if s.wsTLSCfg != nil {
			phase = tlsExpect // wss: TLS first, the upgrade inside it
		}
	} else if t := s.opts.TLS; t != nil {
		phase = tlsExpect
		if t.HandshakeFirst {
			info, infoAfterTLS = nil, true // the INFO follows the handshake, encrypted
		}
	}
	if s.numClients.Add(1) > int64(lim.connCap) {
		s.numClients.Add(-1)
		s.log.Warn().Str("ip", host).Int("max", lim.connCap).Msg("maximum connections exceeded")
		return codec.AppendErr(info, codec.ErrMaxConnections.Text), gnet.Close
	}
	s.total.Add(1)
	l := s.loopOf(gc.EventLoop())
	if l.epollFD == 0 {
		if fd, err := loopEpollFD(gc); err == nil {
			l.epollFD = fd
		} else {
			l.epollFD = -1
			s.log.Warn().Err(err).Msg("producer stalls disabled: cannot pause reads")
		}
	}
	now := time.Now().UnixNano()
	c := &client{
		srv:          s,
		loop:         l,
		conn:         gc,
		kind:         kindClient,
		cid:          cid,
		host:         host,
		port:         port,
		start:        now,
		acct:         s.global,
		opts:         defaultConnectOptions,
		nextPing:     now + int64(min(firstPingDelay, lim.PingInterval)),
		lastInput:    now,
		authed:       !authRequired,
		tlsPhase:     phase,
		infoAfterTLS: infoAfterTLS,
		nonce:        nonce,
		maxSubs:      lim.MaxSubscriptions,
	}
	if onWS {
		c.ws = &wsConn{}
	}
	c.acct.conns.Add(1)
	c.lastActivity = now
	c.parser.Limits = codec.Limits{MaxControlLine: lim.MaxControlLine, MaxPayload: lim.MaxPayload}
	l.addClient(c)
	gc.SetContext(c)
	s.log.Debug().Uint64("cid", cid).Str("ip", host).Int("port", port).Msg("client connection created")
	return info, gnet.None
}

// OnTraffic parses what arrived and applies it. Frames are decoded in place in gnet's inbound buffer; the
// bytes of complete ops are discarded, a partial op stays buffered for the next read.
func (e *engine) OnTraffic(gc gnet.Conn) gnet.Action {
	c, _ := gc.Context().(*client)
	if c == nil || c.closing {
		_, _ = gc.Discard(-1) // a closing connection's input is dropped
		return gnet.None
	}
	if c.route != nil {
		return c.onRouteTraffic(gc)
	}
	if c.tlsPhase == tlsExpect && c.ws == nil && c.srv.opts.TLS.AllowNonTLS {
		if buf, _ := gc.Peek(1); len(buf) == 1 && !tlsconn.LooksLikeTLS(buf[0]) {
			c.tlsPhase = tlsNone // allow_non_tls: a plaintext client goes on in plaintext
		}
	}
	if c.tlsPhase != tlsNone {
		c.loop.now = time.Now().UnixNano()
		c.loop.current = c
		return c.endTraffic(c.onTLSTraffic(gc))
	}
	if c.ws != nil {
		c.loop.now = time.Now().UnixNano()
		c.loop.current = c
		return c.endTraffic(c.onWSTraffic(gc))
	}
	if c.authPending {
		// Input waits in gnet's buffer until the credentials are checked. Reads are paused meanwhile, so
		// this is at most one read's worth; without the pause (no epoll fd) it is bounded here.
		c.authWaitOverflow(gc.InboundBuffered())
		return gnet.None
	}
	// While a payload is in flight nothing can be decided, so the buffer is not re-parsed until the payload
	// and the first byte of its terminator are in (a wrong byte there is an error at once, as in nats-server).
	if c.need > 0 && gc.InboundBuffered() < c.need-1 {
		return gnet.None
	}
	buf, _ := gc.Peek(-1)
	c.lastInput = time.Now().UnixNano()
	c.loop.now = c.lastInput
	c.loop.current = c // batches filled and posted in this callback name c as their producer
	used, action := c.readOps(buf)
	if used > 0 && !c.gone() {
		_, _ = gc.Discard(used)
	}
	return c.endTraffic(action)
}

// endTraffic ends an OnTraffic callback: batches posted, output written, and the publisher stalled if it fed
// a subscriber that is falling behind.
func (c *client) endTraffic(action gnet.Action) gnet.Action {
	c.loop.endCallback()
	c.loop.current = nil
	if c.gone() {
		return gnet.None // closed inside a write; gnet has released the connection
	}
	if on := c.stallOn; !on.none() {
		c.stallOn = stallCause{}
		c.stall(on)
	}
	return action
}

func (e *engine) OnClose(gc gnet.Conn, err error) gnet.Action {
	c, _ := gc.Context().(*client)
	if c == nil {
		return gnet.None
	}
	c.conn = nil // gnet releases the Conn after this returns; a stale Conn would write to a reused fd
	if c.tls != nil {
		c.tls.Close() // stops a handshake in progress, gives back the session's buffers
	}
	if c.ws != nil {
		c.ws.dec.Release() // gives back the decoder's pooled buffers
	}
	if e.srv.stopped.Load() {
		c.setReason(reasonServerShutdown)
	}
	c.setReason(reasonClientClosed)
	c.teardown()
	switch c.kind {
	case kindClient:
		e.srv.closed.add(c.snapshot(true, time.Now()))
	case kindRoute:
		c.leaveMesh()
	}
	c.subs = subIndex{}
	ev := e.srv.log.Debug().Uint64("cid", c.cid).Str("ip", c.host)
	if err != nil {
		ev = ev.Err(err)
	}
	ev.Msg("client connection closed")
	return gnet.None
}

// OnTick drives per-connection timers without a timer per connection: each loop sweeps its own clients.
func (e *engine) OnTick() (time.Duration, gnet.Action) {
	s := e.srv
	s.responses.expire(time.Now().UnixNano())
	s.acceptorOnce.Do(func() {
		s.acceptor = findAcceptor(s.eng)
		close(s.acceptorKnown)
		// Dialed routes join the loops through Engine.Register, which reads the load balancer gnet fills
		// after OnBoot: the first tick is the first point ordered after that write.
		s.startCluster()
	})
	now := time.Now().UnixNano()
	for _, l := range s.loopList() {
		_ = l.el.Execute(context.Background(), l.sweepTask(now))
	}
	return s.tickInterval(), gnet.None
}

func localPort(a net.Addr) int {
	_, port := splitAddr(a)
	return port
}

func splitAddr(a net.Addr) (string, int) {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.IP.String(), t.Port
	}
	return "", 0
}
