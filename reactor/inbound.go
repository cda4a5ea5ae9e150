package reactor

import (
	"encoding/json"
	"errors"

	"github.com/panjf2000/gnet/v2"

	"github.com/reactor-nats/reactor/codec"
)

// readOps parses and applies every complete op at the start of buf and returns how many bytes they took.
// An incomplete op at the end is left for the next call; c.need records how much it still needs when the
// parser knows (a PUB whose payload is in flight), so OnTraffic need not re-parse until it is all there.
func (c *client) readOps(buf []byte) (used int, action gnet.Action) {
	for used < len(buf) && !c.closing && !c.authPending {
		n, err := c.parser.Next(buf[used:])
		if err != nil {
			return used, c.protocolError(err)
		}
		if n == 0 {
			c.need = c.parser.Need()
			return used, gnet.None
		}
		used += n
		if action = c.apply(&c.parser.Op); action != gnet.None {
			return used, action
		}
	}
	c.need = 0
	return used, gnet.None
}

// protocolError answers a parse or protocol error as nats-server does: with its -ERR, or silently for the
// errors it only logs, and closes the connection when it would.
func (c *client) protocolError(err error) gnet.Action {
	var pe *codec.Error
	if !errors.As(err, &pe) {
		pe = codec.ErrUnknownOp
	}
	c.srv.log.Debug().Uint64("cid", c.cid).Str("ip", c.host).Str("err", pe.Error()).Msg("client protocol error")
	c.queueErr(pe)
	if pe.Close {
		c.setReason(reasonFor(pe))
		return gnet.Close
	}
	return gnet.None
}

// apply carries out one op of the client protocol.
func (c *client) apply(op *codec.Op) gnet.Action {
	if c.srv.lim().Trace {
		c.trace(op)
	}
	if !c.authed && op.Kind != codec.KindConnect {
		return c.refuseBeforeConnect()
	}
	switch op.Kind {
	case codec.KindPub:
		return c.processPub(op, -1)
	case codec.KindHPub:
		return c.processPub(op, op.HeaderLen)
	case codec.KindSub:
		return c.processSub(op)
	case codec.KindUnsub:
		c.processUnsub(op)
	case codec.KindPing:
		c.processPing()
	case codec.KindPong:
		c.pingsOut = 0
		if c.rttStart != 0 {
			c.rtt = c.lastInput - c.rttStart
			c.rttStart = 0
		}
	case codec.KindConnect:
		return c.processConnect(op.Arg)
	case codec.KindInfo:
		// Servers send INFO, clients do not; nats-server ignores a well-formed one and drops the connection
		// over a malformed one.
		if !json.Valid(op.Arg) {
			return c.protocolError(codec.ErrBadInfo)
		}
	case codec.KindOK:
	case codec.KindErr:
		return c.protocolError(codec.ErrClientErr)
	default:
		return c.protocolError(codec.ErrUnknownOp)
	}
	return gnet.None
}

func (c *client) ok() {
	if c.opts.Verbose {
		c.queue(codec.OK)
	}
}

// processPing answers PONG. A client of protocol 1 also gets, after its first PONG, an INFO that confirms
// its CONNECT was applied (connect_info) and names its account, as nats-server sends.
func (c *client) processPing() {
	c.queue(codec.PONG)
	if c.connected && !c.sentConnectInfo && c.opts.Protocol >= clientProtoInfo {
		c.sentConnectInfo = true
		lim := c.srv.lim()
		info := lim.info
		if mp := c.parser.Limits.MaxPayload; mp != lim.MaxPayload {
			// Its account or user allows less than the server: it learns its own limit, as from nats-server.
			info = c.srv.newInfo(mp, lim.auth, c.srv.lameDuck.Load())
		}
		b := c.buffer()
		b.B = info.appendConnectInfo(b.B, c.cid, c.host, c.acct.name, c.ws != nil)
	}
}

func (c *client) processConnect(arg []byte) gnet.Action {
	o, err := parseConnect(arg)
	if err != nil {
		return c.protocolError(codec.ErrBadConnect)
	}
	if o.Protocol < clientProtoZero || o.Protocol > clientProtoInfo {
		return c.protocolError(codec.ErrInvalidClientProtocol)
	}
	if o.NoResponders && !o.Headers {
		return c.protocolError(codec.ErrNoRespondersRequiresHeaders)
	}
	if c.srv.opts.NoHeaderSupport {
		o.Headers = false
	}
	c.opts = o
	c.connected = true
	c.srv.log.Debug().Uint64("cid", c.cid).Str("name", o.Name).Str("lang", o.Lang).Str("version", o.Version).
		Msg("client connected")
	if !c.authed {
		c.startAuth(c.srv.lim().auth, &o) // +OK, if verbose, once the credentials are accepted
		return gnet.None
	}
	c.ok()
	return gnet.None
}

// processPub routes a PUB (hdrLen -1) or HPUB. In pedantic mode an invalid subject earns a warning -ERR,
// yet the message is still routed, and +OK precedes the deliveries: all as nats-server does it.
func (c *client) processPub(op *codec.Op, hdrLen int) gnet.Action {
	if hdrLen >= 0 && !c.opts.Headers {
		return c.protocolError(codec.ErrHeadersNotSupported)
	}
	if hdrLen == 0 {
		hdrLen = -1 // an empty header block: delivered as a plain MSG
	}
	if c.opts.Pedantic && !validLiteralSubject(op.Subject) {
		c.protocolError(codec.ErrInvalidPubSubject)
	}
	if c.perms != nil && !c.perms.canPublish(op.Subject, c.lastInput) {
		c.refusePublish(op.Subject)
		return gnet.None
	}
	c.ok()
	m := message{subject: op.Subject, reply: op.Reply, msg: op.Payload, hdrLen: hdrLen}
	c.publish(&m)
	return gnet.None
}

func (c *client) processSub(op *codec.Op) gnet.Action {
	if !validSubject(op.Subject) || (op.Queue != nil && !validQueue(op.Queue)) {
		return c.protocolError(codec.ErrInvalidSubject)
	}
	if c.perms != nil && !c.perms.check.CanSubscribe(op.Subject, op.Queue) {
		c.refuseSubscribe(op.Subject, op.Queue)
		return gnet.None
	}
	if c.subscriptionLimitReached() {
		return c.protocolError(codec.ErrMaxSubscriptions)
	}
	if c.subs.get(op.Sid) != nil {
		c.ok() // a repeated sid keeps the first subscription, as nats-server does
		return gnet.None
	}
	s := &subscription{client: c, sid: append([]byte(nil), op.Sid...)}
	if c.perms != nil {
		s.filter.Store(c.perms.check.DeliverFilter(op.Subject, op.Queue))
	}
	s.entry.Subject = string(op.Subject)
	s.entry.Queue = string(op.Queue)
	s.entry.Owner = s
	if err := c.acct.subs.Insert(&s.entry); err != nil {
		return c.protocolError(codec.ErrInvalidSubject)
	}
	c.subs.add(s)
	c.srv.announce(c.acct, s, true)
	c.ok()
	return gnet.None
}

// subscriptionLimitReached applies max_subscriptions: the server's (or the user's, if tighter) per
// connection, and the account's across its connections.
func (c *client) subscriptionLimitReached() bool {
	if c.maxSubs > 0 && c.subs.len() >= c.maxSubs {
		return true
	}
	max := c.acct.cur().limits.MaxSubscriptions
	return max >= 0 && int64(c.acct.subscriptionCount()) >= max
}

// processUnsub removes a subscription now, or after max deliveries in all when max is positive (a max that
// is missing, zero, negative or not a number means now, as in nats-server).
func (c *client) processUnsub(op *codec.Op) {
	if s := c.subs.get(op.Sid); s != nil {
		c.loop.drainInbox() // what was published before the UNSUB was read still reaches s
		if op.Max > 0 && s.delivered < op.Max {
			s.max = op.Max // stays until the max is reached (deliver removes it)
		} else {
			c.unsubscribe(s)
		}
	}
	c.ok()
}

// unsubscribe removes s from the index and from its connection. Runs on the connection's loop.
func (c *client) unsubscribe(s *subscription) {
	if s.removed {
		return
	}
	s.removed = true
	c.subs.remove(s)
	_ = c.acct.subs.Remove(&s.entry)
	c.srv.announce(c.acct, s, false)
}
