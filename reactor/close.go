package reactor

import "github.com/reactor-nats/reactor/codec"

// teardown takes c out of service: its subscriptions leave the index so no loop matches them any more, and it
// leaves its loop's client list. It runs on c's loop, once, whichever way the connection ends (protocol error,
// stale, slow consumer, peer gone, shutdown). c.subs keeps the subscriptions until OnClose has recorded the
// closed connection for monitoring.
func (c *client) teardown() {
	if c.closing {
		return
	}
	c.closing = true
	c.subs.each(func(s *subscription) {
		s.removed = true
		_ = c.acct.subs.Remove(&s.entry)
		c.srv.announce(c.acct, s, false)
	})
	c.loop.removeClient(c)
	if c.kind == kindClient {
		c.acct.leave()
		c.srv.numClients.Add(-1)
	}
}

// closeWithErr ends a connection from outside its own inbound processing (a ping sweep, a flush): what is
// queued and the -ERR, if any, are written at once, then gnet closes the socket on a later turn of the loop.
// From here on nothing more is delivered to c and its input is ignored.
func (c *client) closeWithErr(e *codec.Error) {
	if c.closing {
		return
	}
	if e != nil {
		c.setReason(reasonFor(e))
		c.queueErr(e)
	}
	c.writeOut(true)
	c.teardown()
	if c.conn != nil {
		_ = c.conn.Close()
	}
}

// slowConsumer cuts off a connection whose unsent output passed max_pending. Only that connection pays:
// its publishers and the other subscribers never wait for it.
func (c *client) slowConsumer() {
	if c.kind == kindRoute {
		c.loop.stats.slowRoutes.Add(1)
	} else {
		c.loop.stats.slowConsumers.Add(1)
	}
	c.srv.log.Warn().Uint64("cid", c.cid).Str("ip", c.host).Int("pending", c.conn.OutboundBuffered()).
		Msg("Slow Consumer Detected")
	c.closeWithErr(codec.ErrSlowConsumer) // no -ERR: nats-server just closes
}
