package reactor

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// loop is reactor's state for one gnet event loop. Everything not under mu is owned by the loop: touched only
// from gnet callbacks for its connections and from runnables executed on it.
//
// Deliveries to a subscriber on the same loop are appended straight to its outbound buffer. Deliveries to a
// subscriber on another loop are collected per destination in outbox and handed over once per callback
// (post), so a loop costs another loop at most one lock and one wake-up per callback, never one per message.
type loop struct {
	idx int
	el  gnet.EventLoop
	srv *Server

	clients  []*client                  // every connection of this loop; client.loopSlot is its index
	dirty    []*client                  // connections with queued output, flushed at the end of the current callback
	iov      [][]byte                   // scratch for writev (client.writeChunks)
	plainBuf []byte                     // scratch for decrypted input, parsed in place (tls.go)
	tlsOut   []byte                     // scratch for encrypted output (tls.go)
	wsOut    []byte                     // scratch for WebSocket frames (websocket.go)
	outbox   []*batch                   // by destination loop index; nil when nothing is pending for that loop
	touched  []int                      // destination indexes with a non-nil outbox
	msgSeq   uint64                     // numbers messages published on this loop, for batch.add's dedupe
	now      int64                      // unix nanos at the start of the current callback, for last_activity
	scratch  [maxImportDepth + 1][]byte // subjects mapped by imports, by import depth (imports.go)
	routes   routeScratch               // per-peer state of a clustered publish (routepublish.go)
	internal *client                    // the loop's socket-less publisher for internal services (internal.go); nil until used
	current  *client                    // the publisher whose callback is running, or nil; recorded in the batches it fills
	spare    []*batch                   // recycled inbox slice
	tally    tally                      // counters of the current callback, committed to stats at its end
	stats    loopStats                  // read by monitoring from any goroutine

	epollFD      int           // the loop's epoll descriptor, for pausing reads (readpause.go); 0 if unknown
	paused       []*client     // publishers whose reads are paused by a stall (stall.go)
	lagging      []*client     // subscribers whose unsent output is above the stall threshold
	held         []*client     // connections whose output waits for gnet's queue to drain (client.flush)
	stallClockOn bool          // stallTimer is armed or its tick is queued
	stallTimer   *time.Timer   // drives stallClockTick while paused or lagging is non-empty
	stallTask    gnet.Runnable // allocated once: stallClockTick

	mu    sync.Mutex // guards inbox and armed: the only state other loops touch
	inbox []*batch
	armed bool // a drain is scheduled and has not yet taken the inbox

	inboxBytes atomic.Int64 // bytes posted to this loop and not yet drained; publishers stall above inboxHigh

	drainTask gnet.Runnable // allocated once; Execute'd when the inbox becomes non-empty

	out outQueue // the server's own messages (internal services, JetStream) waiting for this loop
}

func newLoop(srv *Server, idx int, el gnet.EventLoop) *loop {
	l := &loop{idx: idx, el: el, srv: srv, outbox: make([]*batch, srv.opts.EventLoops)}
	l.drainTask = gnet.RunnableFunc(l.drain)
	l.out = outQueue{l: l}
	l.out.run = gnet.RunnableFunc(l.out.runQueued)
	l.stallTask = gnet.RunnableFunc(l.stallClockTick)
	return l
}

func (l *loop) addClient(c *client) {
	c.loopSlot = len(l.clients)
	l.clients = append(l.clients, c)
	l.stats.conns.Add(1)
}

// removeClient drops c by moving the last client into its slot.
func (l *loop) removeClient(c *client) {
	i := c.loopSlot
	if i < 0 || i >= len(l.clients) || l.clients[i] != c {
		return
	}
	last := len(l.clients) - 1
	l.clients[i] = l.clients[last]
	l.clients[i].loopSlot = i
	l.clients[last] = nil
	l.clients = l.clients[:last]
	c.loopSlot = -1
	l.stats.conns.Add(-1)
}

// route sends m to s, directly when s's connection lives on this loop, else through the outbox of its loop.
func (l *loop) route(s *subscription, m *message) {
	dest := s.client.loop
	if dest == l {
		l.deliver(s, m)
		return
	}
	b := l.outbox[dest.idx]
	if b == nil {
		b = getBatch()
		b.producer = l.current
		l.outbox[dest.idx] = b
		l.touched = append(l.touched, dest.idx)
	}
	b.add(l.msgSeq, s, m)
}

// endCallback finishes a gnet callback: hand over cross-loop batches, write what local subscribers got, and
// publish the counters.
func (l *loop) endCallback() {
	l.postOutboxes()
	l.flushDirty()
	l.commitStats()
}

func (l *loop) postOutboxes() {
	for _, d := range l.touched {
		b := l.outbox[d]
		l.outbox[d] = nil
		dest := l.srv.loopAt(d)
		dest.post(b)
		if p := l.current; p != nil && p.stallOn.none() && dest.inboxBytes.Load() > l.srv.lim().inboxHigh {
			p.stallOn = stallCause{loop: dest}
		}
	}
	l.touched = l.touched[:0]
}

// post hands a batch to this loop from any goroutine. Only the first post after a drain schedules a drain.
func (l *loop) post(b *batch) {
	l.inboxBytes.Add(b.size())
	l.mu.Lock()
	l.inbox = append(l.inbox, b)
	arm := !l.armed
	l.armed = true
	l.mu.Unlock()
	if !arm {
		return
	}
	if err := l.el.Execute(context.Background(), l.drainTask); err != nil {
		// The engine is shutting down: the destination connections are being closed anyway.
		l.mu.Lock()
		l.armed = false
		l.mu.Unlock()
	}
}

// drainInbox applies at once, inside the current callback, what other loops have posted here, ahead of
// the drain already scheduled for it. An UNSUB calls it first: nats-server has every message published
// before it read a client's UNSUB in that client's buffer already, so none of them may be dropped as
// sent to a removed subscription while it waits in this loop's inbox (the drain task and the client's
// read can come out of one epoll wait in either order).
func (l *loop) drainInbox() {
	l.mu.Lock()
	pending := len(l.inbox) > 0
	l.mu.Unlock()
	if pending {
		_ = l.drain(context.Background())
	}
}

// drain applies the batches other loops posted. It runs on this loop.
func (l *loop) drain(context.Context) error {
	l.mu.Lock()
	in := l.inbox
	l.inbox = l.spare
	l.armed = false
	l.mu.Unlock()
	l.now = time.Now().UnixNano()

	for _, b := range in {
		for _, it := range b.items {
			m := b.message(it.msg)
			l.deliver(it.sub, &m)
		}
		for _, f := range b.frames {
			l.deliverFrame(f.to, b.bytes(f.data), f.size)
		}
	}
	l.endCallback()
	// Only a loop with a lagging subscriber can have fed one: skip the second pass over the items otherwise.
	lagging := len(l.lagging) > 0
	for _, b := range in {
		l.inboxBytes.Add(-b.size())
		if lagging && b.producer != nil {
			if on := b.fedSlowRecipient(); on != nil {
				b.producer.requestStall(on)
			}
		}
		putBatch(b)
	}
	clear(in)
	l.spare = in[:0]
	return nil
}

// flushDirty writes every connection that got output during this callback: one write per connection.
func (l *loop) flushDirty() {
	for i := 0; i < len(l.dirty); i++ { // a flush never adds to dirty, but index to be safe against it
		l.dirty[i].flush()
		l.dirty[i] = nil
	}
	l.dirty = l.dirty[:0]
}
