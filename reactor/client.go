package reactor

import (
	"sync/atomic"

	"github.com/panjf2000/gnet/v2"
	"github.com/valyala/bytebufferpool"

	"github.com/reactor-nats/reactor/codec"
)

// connKind says what is on the other end of a connection. Every kind shares the same loop machinery
// (inbound parsing, outbound batching, slow-consumer cut-off); they differ in the protocol they speak and in
// how a delivery is framed for them.
type connKind uint8

const (
	kindClient   connKind = iota // an application speaking the client protocol
	kindRoute                    // another server of the cluster (route protocol; cluster issue)
	kindInternal                 // a server-side client with no socket: system account, JetStream API
)

// client is the state of one connection. It is owned by its event loop: every field below the immutable
// block is read and written only on that loop (in a gnet callback or a runnable executed on it), so none of it
// is locked.
type client struct {
	// Immutable after open.
	srv  *Server
	loop *loop
	kind connKind
	cid  uint64
	host string // remote IP, as client_ip
	port int

	// Loop-owned.
	conn            gnet.Conn // nil for kindInternal, and from OnClose on (gnet reuses the Conn and its fd)
	acct            *account
	parser          codec.Parser
	need            int // bytes the inbound buffer must hold before the pending frame can complete; 0 if unknown
	opts            connectOptions
	connected       bool // CONNECT received
	sentConnectInfo bool // the post-CONNECT INFO of protocol 1 has gone out
	subs            subIndex

	out      *bytebufferpool.ByteBuffer // frames for this wake-up's flush; nil while nothing is queued
	dirty    bool                       // on loop.dirty, out holds bytes to flush
	closing  bool                       // teardown done or under way: deliver nothing more, accept no more input
	loopSlot int                        // index in loop.clients, for O(1) removal

	pendingHighLocal bool        // last value stored in pendingHigh
	stallOn          stallCause  // set during a callback that fed a lagging subscriber or loop: stall at the end
	stalledOn        stallCause  // while paused: what must clear for reading to resume
	pausedUntil      int64       // unix nanos; non-zero while reads are paused by a stall
	pendingHigh      atomic.Bool // unsent output above the stall threshold; read by publishers on any loop
	stallRequested   atomic.Bool // a subscriber's loop has asked this publisher's loop to stall it

	pingsOut  int   // PINGs sent and not answered by a PONG
	nextPing  int64 // unix nanos at which the next server PING is due
	lastInput int64 // unix nanos of the last inbound bytes
	rttPinged bool  // the first PING, which nats-server sends whatever the activity, has gone out
}

// queue appends bytes for the next flush of this client's loop.
func (c *client) queue(frame []byte) {
	c.buffer().B = append(c.out.B, frame...)
}

// buffer returns the outbound buffer, taking one from the pool and marking the client dirty if needed.
// Callers append to buffer().B directly to avoid an intermediate copy.
func (c *client) buffer() *bytebufferpool.ByteBuffer {
	if c.out == nil {
		c.out = codec.GetBuffer()
	}
	if !c.dirty {
		c.dirty = true
		c.loop.dirty = append(c.loop.dirty, c)
	}
	return c.out
}

// queueErr queues -ERR '<text>', unless e is one nats-server closes on without a word.
func (c *client) queueErr(e *codec.Error) {
	if e.Text == "" {
		return
	}
	b := c.buffer()
	b.B = codec.AppendErr(b.B, e.Text)
}

// flush hands the queued bytes to the socket, then cuts the connection off if the socket has fallen more
// than max_pending behind.
func (c *client) flush() {
	c.writeOut()
	if c.closing {
		return
	}
	pending := c.conn.OutboundBuffered()
	if pending > c.srv.opts.MaxPending {
		c.slowConsumer()
		return
	}
	c.notePending(pending)
}

// writeOut writes the queued bytes. gnet writes at once and copies only what the kernel does not take, so the
// buffer goes back to the pool right away. A failing write closes the connection inside Write (OnClose runs
// synchronously), which is why the buffer is detached from c before the call.
func (c *client) writeOut() {
	out := c.out
	c.out = nil
	c.dirty = false
	if out == nil {
		return
	}
	if !c.closing && len(out.B) > 0 {
		_, _ = c.conn.Write(out.B)
	}
	codec.PutBuffer(out)
}

// gone reports that gnet has closed the connection and released its Conn.
func (c *client) gone() bool { return c.conn == nil }
