package reactor

import (
	"context"
	"unsafe"

	"github.com/reactor-nats/reactor/cluster"
	"github.com/reactor-nats/reactor/codec"
)

// What goes out on a route, and in which order.
//
// Interest lines (RS+/RS-) are produced by whichever loop a subscription changes on, under the Announcer's
// lock, so their order is the order of the counts they describe. They are appended to the route's pending
// buffer (under its own small lock) and moved into the route's output on the route's loop: by a flush
// scheduled when the buffer becomes non-empty, and always right before a message is appended. The second
// rule is what keeps "SUB _INBOX.x, then PUB with reply _INBOX.x" working across a hop: the RS+ was pending
// before the PUB was even parsed, so it reaches the peer before the RMSG whose reply needs it, wherever the
// subscriber, the publisher and the route live.
//
// Messages (RMSG/HMSG) are framed on the publisher's loop. A route on the same loop gets the frame
// appended at once; a route on another loop gets it through that loop's batch, like any cross-loop
// delivery, so messages from one publisher keep their order across the hop.

// enqueueInterest queues one interest change for the peer. Called with the Announcer's lock held, from any
// goroutine.
func (rc *routeConn) enqueueInterest(c *client, ch cluster.Change) {
	rc.pendMu.Lock()
	rc.pending = ch.Append(rc.pending)
	rc.armPendingLocked(c)
	rc.pendMu.Unlock()
}

// enqueueLine queues a protocol line (a gossip INFO) behind the pending interest. Any goroutine.
func (rc *routeConn) enqueueLine(c *client, line []byte) {
	rc.pendMu.Lock()
	rc.pending = append(rc.pending, line...)
	rc.armPendingLocked(c)
	rc.pendMu.Unlock()
}

// armPendingLocked schedules a flush of the pending lines on the route's loop. Caller holds pendMu.
func (rc *routeConn) armPendingLocked(c *client) {
	if rc.pendArmed {
		return
	}
	rc.pendArmed = true
	_ = c.loop.el.Execute(context.Background(), rc.flushTask)
}

// takePending moves the pending lines into the route's output. On the route's loop.
func (c *client) takePending() {
	rc := c.route
	rc.pendMu.Lock()
	rc.pendArmed = false
	if len(rc.pending) > 0 && !c.closing {
		b := c.buffer()
		b.B = append(b.B, rc.pending...)
	}
	if cap(rc.pending) > 64<<10 {
		rc.pending = nil // a full-interest snapshot should not pin its memory
	} else {
		rc.pending = rc.pending[:0]
	}
	rc.pendMu.Unlock()
}

// deliverFrame appends a message frame framed for route r (a kindRoute client on this loop).
// size is the message's length, for the counters.
func (l *loop) deliverFrame(r *client, frame []byte, size int) {
	if r.closing {
		return
	}
	r.takePending()
	b := r.buffer()
	b.B = append(b.B, frame...)
	r.outMsgs++
	r.outBytes += int64(size)
	r.lastActivity = l.now
	l.tally.outMsgs++
	l.tally.outBytes += int64(size)
	l.tally.route.outMsgs++
	l.tally.route.outBytes += int64(size)
}

// sendRouted frames m for route r, in account acct, for the queue groups the peer should serve.
func (l *loop) sendRouted(r *client, acct *account, m *message, queues [][]byte) {
	dest := r.loop
	if dest == l {
		if r.closing {
			return
		}
		r.takePending()
		b := r.buffer()
		b.B = appendRouted(b.B, r.route.headers, acct, m, queues)
		r.outMsgs++
		r.outBytes += int64(len(m.msg))
		r.lastActivity = l.now
		l.tally.outMsgs++
		l.tally.outBytes += int64(len(m.msg))
		l.tally.route.outMsgs++
		l.tally.route.outBytes += int64(len(m.msg))
		return
	}
	bt := l.outbox[dest.idx]
	if bt == nil {
		bt = getBatch()
		bt.producer = l.current
		l.outbox[dest.idx] = bt
		l.touched = append(l.touched, dest.idx)
	}
	start := len(bt.data)
	bt.data = appendRouted(bt.data, r.route.headers, acct, m, queues)
	bt.frames = append(bt.frames, batchFrame{to: r, data: span{off: start, n: len(bt.data) - start}, size: len(m.msg)})
}

// appendRouted appends the RMSG or HMSG frame of m. A peer that does not take headers gets the payload alone.
func appendRouted(dst []byte, headers bool, acct *account, m *message, queues [][]byte) []byte {
	name := acct.wireName
	switch {
	case m.hdrLen < 0:
		return codec.AppendRMsg(dst, name, m.subject, m.reply, queues, m.msg)
	case headers:
		return codec.AppendHRMsg(dst, name, m.subject, m.reply, queues, m.hdrLen, m.msg)
	default:
		return codec.AppendRMsg(dst, name, m.subject, m.reply, queues, m.payload())
	}
}

// bytesOf views a string's bytes without copying; the result must not be modified.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// announce counts a local subscription coming (add) or going in the Announcer, which emits the RS+ or RS-
// every peer must see. A no-op without a cluster. Any loop.
func (s *Server) announce(acct *account, sub *subscription, add bool) {
	cs := s.cluster
	if cs == nil {
		return
	}
	if add {
		cs.announcer.Subscribe(acct.name, sub.entry.Subject, sub.entry.Queue, cs.toEveryPeer)
	} else {
		cs.announcer.Unsubscribe(acct.name, sub.entry.Subject, sub.entry.Queue, cs.toEveryPeer)
	}
}

// toEveryPeer queues an interest change for every registered route; the Announcer calls it under its lock.
func (cs *clusterState) toEveryPeer(ch cluster.Change) {
	for _, p := range cs.peerList() {
		p.route.enqueueInterest(p, ch)
	}
}
