package reactor

import (
	"math/rand/v2"

	"github.com/reactor-nats/reactor/codec"
)

// publish delivers a message from c to every matching subscription of c's account: each plain subscription,
// and one member of each queue group; imports carry it on into other accounts. It runs on c's loop, while m
// aliases c's inbound buffer.
func (c *client) publish(m *message) {
	l := c.loop
	l.tally.inMsgs++
	l.tally.inBytes += int64(len(m.msg))
	c.inMsgs++
	c.inBytes += int64(len(m.msg))

	if c.publishIn(c.acct, m, 0) == 0 && len(m.reply) > 0 && c.opts.NoResponders {
		c.noResponders(m.subject, m.reply)
	}
}

// publishIn delivers m, published by c, within acct and returns how many subscriptions got it. depth counts
// the imports m has crossed, so that accounts importing from each other in a circle cannot loop.
func (c *client) publishIn(acct *account, m *message, depth int) (delivered int) {
	l := c.loop
	l.msgSeq++ // a new message for the batches: one crossing an import has another subject
	r := acct.subs.Match(m.subject)
	l.tally.matches++
	for _, e := range r.Plain {
		switch o := e.Owner.(type) {
		case *subscription:
			if (o.client == c && !c.opts.Echo) || !o.filter.Load().Allows(m.subject) {
				continue
			}
			l.route(o, m)
			c.noteRecipient(o.client)
			delivered++
		// Each forwarder type is named, not reached through an interface: a call through an interface would
		// make m escape, and cost every publish an allocation.
		case *streamImport:
			if depth < maxImportDepth {
				delivered += o.forward(c, m, depth+1)
			}
		case *serviceImport:
			if depth < maxImportDepth {
				delivered += o.forward(c, m, depth+1)
			}
		case *responseImport:
			if depth < maxImportDepth {
				delivered += o.forward(c, m, depth+1)
			}
		case *internalSub:
			o.deliverInternal(c, acct, m)
			delivered++
		case *streamCapture: // a JetStream stream's subject (jshost.go): stored, and acknowledged from here
			var hdr []byte
			if m.hdrLen > 0 {
				hdr = m.msg[:m.hdrLen]
			}
			o.in.Enqueue(m.subject, m.reply, hdr, m.payload(), l.idx)
			delivered++
		}
	}
	if peers := c.routePeers(); len(peers) > 0 {
		return delivered + c.publishClustered(acct, m, r, peers)
	}
	for _, group := range r.Queues {
		// A message from a route serves only the groups its RMSG names, and those only at the account it
		// was published in: the sending server drew the member of every other group elsewhere.
		if c.kind == kindRoute && depth == 0 && !c.route.listedQueue(group[0].Queue) {
			continue
		}
		if s := c.pickMemberFrom(group, rand.IntN(len(group)), m.subject); s != nil {
			l.route(s, m)
			c.noteRecipient(s.client)
			delivered++
		}
	}
	return delivered
}

// deliverTo hands m to the subscriptions of acct matching to, and to one member of each queue group
// there, with m's own subject in the frame: a delivery rather than a publish (internal.go's outAddr.shown),
// as JetStream hands a stored message to a pull request's inbox or a push consumer's deliver subject (and
// deliver group). Imports are not followed, and a subscriber on another server is not reached: JetStream
// serves the clients of its own server.
func (c *client) deliverTo(acct *account, to []byte, m *message) (delivered int) {
	l := c.loop
	l.msgSeq++ // a message of its own for the batches
	r := acct.subs.Match(to)
	for _, e := range r.Plain {
		if s, ok := e.Owner.(*subscription); ok && s.filter.Load().Allows(to) {
			l.route(s, m)
			delivered++
		}
	}
	for _, group := range r.Queues {
		if s := c.pickMemberFrom(group, rand.IntN(len(group)), to); s != nil {
			l.route(s, m)
			delivered++
		}
	}
	return delivered
}

// noteRecipient remembers a recipient that is falling behind, so that c stalls on it after this callback.
func (c *client) noteRecipient(r *client) {
	if c.stallOn.none() && r.pendingHigh.Load() {
		c.stallOn = stallCause{sub: r}
	}
}

// noResponders answers a request that reached no subscriber: a 503 status message, naming the subject
// asked, to the requester's first own subscription matching its reply subject, as nats-server does.
func (c *client) noResponders(subject, reply []byte) {
	for _, e := range c.acct.subs.Match(reply).Plain {
		if s := e.Owner.(*subscription); s.client == c {
			hdr := make([]byte, 0, 64) // rare path: a request nobody serves
			hdr = append(hdr, "NATS/1.0 503\r\nNats-Subject: "...)
			hdr = append(hdr, subject...)
			hdr = append(hdr, "\r\n\r\n"...)
			c.loop.deliver(s, &message{subject: reply, msg: hdr, hdrLen: len(hdr)})
			return
		}
	}
}

// deliver appends m for s to its connection's outbound buffer. It runs on the loop that owns s, which is
// where the auto-unsubscribe count is kept exact.
func (l *loop) deliver(s *subscription, m *message) {
	c := s.client
	if s.removed || c.closing {
		return
	}
	if s.max > 0 && s.delivered >= s.max {
		return
	}
	s.delivered++
	if c.perms != nil {
		c.perms.noteRequest(m.reply, l.now)
	}

	b := c.buffer()
	switch {
	case m.hdrLen < 0:
		b.B = codec.AppendMsg(b.B, m.subject, s.sid, m.reply, m.msg)
	case c.opts.Headers:
		b.B = codec.AppendHMsg(b.B, m.subject, s.sid, m.reply, m.hdrLen, m.msg)
	default: // a client that did not ask for headers gets the payload alone, as from nats-server
		b.B = codec.AppendMsg(b.B, m.subject, s.sid, m.reply, m.payload())
	}
	l.tally.outMsgs++
	l.tally.outBytes += int64(len(m.msg))
	c.outMsgs++
	c.outBytes += int64(len(m.msg))
	c.lastActivity = l.now

	if s.max > 0 && s.delivered >= s.max {
		c.unsubscribe(s)
	}
}
