package reactor

import (
	"sync"

	"github.com/reactor-nats/reactor/stream"
	"github.com/reactor-nats/reactor/subtrie"
)

// Internal services are the server's own subscribers and publishers: the system account's request handlers
// and the JetStream API (jshost.go). They take part in the same index and delivery path as clients, without
// a socket:
//
//   - An internal subscription is an index entry owned by a service. A publish that matches it copies the
//     message and hands it to the service's queue (servicequeue.go; never run on a loop: services may
//     touch the disk); the publish counts it as delivered, so the requester does not get no-responders.
//   - A service answers through publishInternal (or, for JetStream, Host.Send), which runs the publish on a
//     loop as that loop's internal client, a client of kind kindInternal with no connection, so deliveries,
//     batching and slow-consumer rules are the same as for any publisher. The messages of one call are
//     copied into one outBatch and queued for that loop (outqueue.go), which publishes every batch queued
//     before it runs in one callback.

// internalSub routes messages on its subject to a service handler, run on queue.
type internalSub struct {
	entry  subtrie.Subscription
	queue  *serviceQueue
	handle func(req internalMsg)
}

// internalMsg is a message copied off the loop for a service.
type internalMsg struct {
	acct    *account
	subject string
	reply   string
	hdr     []byte      // the header block; nil when the message has none
	msg     []byte      // the payload
	user    string      // who published it, when a client did ($SYS.REQ.USER.INFO answers about them)
	more    bool        // another message for the same handler follows at once, on the same goroutine (servicequeue.go)
	run     *stream.Run // the handing goroutine's, for every message of a run (more set on all but the last); else nil
}

// deliverInternal hands a matched message, published by from, to its service. It runs on the publisher's loop.
func (is *internalSub) deliverInternal(from *client, acct *account, m *message) {
	req := internalMsg{acct: acct, subject: string(m.subject), reply: string(m.reply)}
	if from.kind == kindClient {
		req.user = from.user
	}
	both := append([]byte(nil), m.msg...) // one copy for header and payload
	req.msg = both
	if m.hdrLen > 0 {
		req.hdr, req.msg = both[:m.hdrLen:m.hdrLen], both[m.hdrLen:]
	}
	is.queue.submit(is, from, req)
}

// subscribeInternal installs a system service handler on subject in acct.
func (s *Server) subscribeInternal(acct *account, subject string, handle func(internalMsg)) error {
	_, err := installInternal(acct, subject, &s.services, handle)
	return err
}

// installInternal puts a handler run on queue into acct's index for subject; removeInternal takes it out.
func installInternal(acct *account, subject string, queue *serviceQueue, handle func(internalMsg)) (*internalSub, error) {
	is := &internalSub{queue: queue, handle: handle}
	is.entry = subtrie.Subscription{Subject: subject, Owner: is}
	if err := acct.insertOwn(&is.entry); err != nil {
		return nil, err
	}
	return is, nil
}

// publishInternal publishes msg (no headers) on subject in acct from any goroutine, as the internal client
// of a loop. Nothing happens when no loop runs yet: with no connection there is nobody to receive it.
func (s *Server) publishInternal(acct *account, subject string, msg []byte) {
	if len(subject) == 0 {
		return
	}
	if b := s.newOutBatch(-1); b != nil {
		b.add(acct, outAddr{subject: subject}, nil, msg)
		b.post()
	}
}

// outBatch is messages the server publishes from one loop in one callback, in order. Their headers and
// payloads are copied into data, so the caller may reuse its buffers once the batch is made. Batches are
// pooled: in steady state publishing through them allocates nothing.
type outBatch struct {
	l    *loop
	msgs []outMsg
	data []byte
}

type outMsg struct {
	acct       *account
	addr       outAddr
	start, end int // of header block and payload in data
	hdrLen     int // -1: no headers
}

// outAddr is where a server message goes and what it says it is.
type outAddr struct {
	subject string // published on: every subscription (and import, and route) matching it receives it
	reply   string // the reply subject it carries; "" none
	// shown, when set, makes the message a delivery: it goes only to the account's own subscriptions
	// matching subject (a pull request's reply inbox) and carries shown as its subject, as a JetStream
	// consumer delivers a stored message to whoever asked for it.
	shown string
}

var outBatches = sync.Pool{New: func() any { return new(outBatch) }}

// newOutBatch takes a batch for the loop at index origin, or for the first loop when origin is -1 or no
// such loop exists. It returns nil when no loop runs yet.
func (s *Server) newOutBatch(origin int) *outBatch {
	loops := s.loopList()
	if len(loops) == 0 {
		return nil
	}
	if origin < 0 || origin >= len(loops) {
		origin = 0
	}
	b := outBatches.Get().(*outBatch)
	b.l = loops[origin]
	return b
}

// add appends a message; hdr is a full header block, or nil (or empty) for none.
func (b *outBatch) add(acct *account, addr outAddr, hdr, payload []byte) {
	start, hdrLen := len(b.data), -1
	if len(hdr) > 0 {
		hdrLen = len(hdr)
		b.data = append(b.data, hdr...)
	}
	b.data = append(b.data, payload...)
	b.msgs = append(b.msgs, outMsg{acct: acct, addr: addr, start: start, end: len(b.data), hdrLen: hdrLen})
}

// post hands the batch to its loop's queue (outqueue.go), to be published with whatever else the server
// queues for that loop before it runs. The batch must not be used afterwards.
func (b *outBatch) post() { b.l.out.queue(b) }

// publish publishes the batch's messages on its loop as c, the loop's internal client, in order. The caller
// ends the callback (endCallback) once, after every batch it publishes.
func (b *outBatch) publish(c *client) {
	for i := range b.msgs {
		o := &b.msgs[i]
		m := message{subject: bytesOf(o.addr.subject), reply: bytesOf(o.addr.reply), msg: b.data[o.start:o.end],
			hdrLen: o.hdrLen}
		if o.addr.shown == "" {
			c.publishIn(o.acct, &m, 0)
			continue
		}
		m.subject = bytesOf(o.addr.shown)
		c.deliverTo(o.acct, bytesOf(o.addr.subject), &m)
	}
}

// maxPooledOutBatch bounds the buffer a pooled batch keeps, so one large reply does not stay pinned.
const maxPooledOutBatch = 1 << 20

func (b *outBatch) release() {
	clear(b.msgs) // drop account pointers and subject strings
	b.msgs, b.l = b.msgs[:0], nil
	if cap(b.data) > maxPooledOutBatch {
		b.data = nil
	}
	b.data = b.data[:0]
	outBatches.Put(b)
}

// internalClient is the loop's socket-less publisher, made on first use.
func (l *loop) internalClient() *client {
	if l.internal == nil {
		l.internal = &client{srv: l.srv, loop: l, kind: kindInternal, acct: l.srv.global, opts: connectOptions{Echo: true},
			authed: true, loopSlot: -1}
	}
	return l.internal
}
