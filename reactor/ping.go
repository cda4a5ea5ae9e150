package reactor

import (
	"context"
	"time"

	"github.com/panjf2000/gnet/v2"

	"github.com/reactor-nats/reactor/codec"
)

// firstPingDelay is when a new connection gets its first PING, which measures its RTT (nats-server's
// first client ping interval).
const firstPingDelay = 2 * time.Second

// tickInterval is how often loops sweep their connections: often enough that a PING, a write deadline or an
// auth timeout is at most a quarter of its interval late, never more than once a second nor busier than
// every 10ms.
func (s *Server) tickInterval() time.Duration {
	lim := s.lim()
	every := min(lim.PingInterval, lim.WriteDeadline)
	if lim.auth != nil {
		every = min(every, lim.auth.Timeout())
	}
	if w := s.opts.WebSocket; w != nil && w.HandshakeTimeout > 0 {
		every = min(every, w.HandshakeTimeout)
	}
	if cs := s.cluster; cs != nil {
		every = min(every, s.routeHandshakeTimeout())
		if cs.opts.PingInterval > 0 {
			every = min(every, cs.opts.PingInterval)
		}
	}
	return min(time.Second, max(10*time.Millisecond, every/4))
}

func (l *loop) sweepTask(now int64) gnet.Runnable {
	return gnet.RunnableFunc(func(context.Context) error {
		l.sweep(now)
		return nil
	})
}

// sweep sends the PINGs that are due and closes connections that left ping_max PINGs unanswered with
// 'Stale Connection'. As in nats-server, a client that sent anything within the last interval is not
// pinged (its activity shows it is alive), except for the very first PING; traffic to the client does not
// count. It runs on the loop.
func (l *loop) sweep(now int64) {
	lim := l.srv.lim()
	interval := int64(lim.PingInterval)
	maxOut := lim.MaxPingsOut
	// Backwards, because closing a client moves the last one into its slot.
	for i := len(l.clients) - 1; i >= 0; i-- {
		if i >= len(l.clients) {
			continue
		}
		c := l.clients[i]
		if c.closing {
			continue
		}
		if c.kind == kindRoute {
			c.sweepRoute(now, maxOut)
			continue
		}
		if c.kind != kindClient {
			continue
		}
		if c.tlsPhase == tlsExpect || c.tlsPhase == tlsHandshake {
			continue // the TLS handshake's own timeout bounds this phase
		}
		if c.ws != nil && !c.ws.upgraded {
			if c.wsHandshakeExpired(now) {
				c.closeWithErr(nil)
			}
			continue
		}
		if c.checkAuthTimers(now, lim) {
			continue
		}
		if c.pastWriteDeadline(now, lim.WriteDeadline) {
			c.setReason(reasonSlowWriteDeadline)
			c.slowConsumer()
			continue
		}
		if now < c.nextPing {
			continue
		}
		c.nextPing = now + interval
		if c.rttPinged && now-c.lastInput < interval {
			continue
		}
		c.rttPinged = true
		if c.pingsOut+1 > maxOut {
			c.srv.log.Debug().Uint64("cid", c.cid).Str("ip", c.host).Msg("Stale Client Connection - Closing")
			c.srv.stale.Add(1)
			c.closeWithErr(codec.ErrStaleConnection)
			continue
		}
		c.pingsOut++
		if c.rttStart == 0 {
			c.rttStart = now
		}
		c.queue(codec.PING)
	}
	l.endCallback()
}

// pastWriteDeadline reports whether c's socket has had output waiting and taken none of it for longer
// than the write deadline. nats-server's write_deadline bounds a blocking write; reactor never blocks, so
// the same promise is kept as "no progress for that long", checked at each sweep.
func (c *client) pastWriteDeadline(now int64, deadline time.Duration) bool {
	if c.gone() {
		return false
	}
	waiting := c.conn.OutboundBuffered()
	if waiting == 0 {
		c.wdAt = 0
		return false
	}
	taken := c.queuedBytes - int64(waiting)
	if c.wdAt == 0 || taken != c.wdTaken {
		c.wdTaken, c.wdAt = taken, now
		return false
	}
	return now-c.wdAt > int64(deadline)
}

// routePingCap is the longest interval between PINGs on a route, as nats-server caps it.
const routePingCap = 30 * time.Second

// sweepRoute closes a route whose handshake has not completed in time; a registered one is cut off as a
// slow consumer when its socket has taken nothing for write_deadline, and pinged every cluster
// ping_interval (else the server's, at most 30 s), closing it as stale after ping_max unanswered.
func (c *client) sweepRoute(now int64, maxOut int) {
	cs := c.srv.cluster
	if !c.route.registered {
		if now-c.start > int64(c.srv.routeHandshakeTimeout()) {
			c.srv.log.Warn().Uint64("rid", c.cid).Str("ip", c.host).Msg("route handshake timed out")
			c.setReason(reasonAuthTimeout)
			c.closeWithErr(nil)
		}
		return
	}
	if c.pastWriteDeadline(now, c.srv.lim().WriteDeadline) {
		c.setReason(reasonSlowWriteDeadline)
		c.slowConsumer()
		return
	}
	if now < c.nextPing {
		return
	}
	interval := cs.opts.PingInterval
	if interval <= 0 {
		interval = min(c.srv.lim().PingInterval, routePingCap)
	}
	if cs.opts.PingMax > 0 {
		maxOut = cs.opts.PingMax
	}
	c.nextPing = now + int64(interval)
	if c.pingsOut+1 > maxOut {
		c.srv.log.Warn().Uint64("rid", c.cid).Str("remote_id", c.route.peer.ServerID).Msg("Stale Route Connection - Closing")
		c.srv.staleRoutes.Add(1)
		c.closeWithErr(codec.ErrStaleConnection)
		return
	}
	c.pingsOut++
	if c.rttStart == 0 {
		c.rttStart = now
	}
	c.takePending()
	c.queue(codec.PING)
}
