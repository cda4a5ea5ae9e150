package reactor

import (
	"github.com/valyala/bytebufferpool"

	"github.com/reactor-nats/reactor/codec"
)

// A connection's output is appended to c.out during a callback and written once at its end (flush): gnet
// writes it at once and copies only what the kernel does not take into its own outbound queue, which it
// then drains on EPOLLOUT. While that queue is not empty, new output is held in c.out instead of being
// handed over: handed over, it would only be copied into gnet's queue, which for a subscriber that reads
// more slowly than its publishers write is the largest cost the server has. The loop's clock (stall.go)
// hands held output to gnet once its queue has drained. (Writing held output ourselves with write(2) was
// measured slower: a clock cannot refill a socket as promptly as gnet's EPOLLOUT handler.)

// outChunk is the size past which output continues in a new pooled buffer. A held subscriber's output can
// reach max_pending; one buffer growing to that size would be copied at each doubling and be too large for
// the pool to keep.
const outChunk = 64 << 10

// queue appends bytes for the next flush of this client's loop.
func (c *client) queue(frame []byte) {
	c.buffer().B = append(c.out.B, frame...)
}

// buffer returns the outbound buffer, taking one from the pool and marking the client dirty if needed.
// Callers append to buffer().B directly to avoid an intermediate copy.
func (c *client) buffer() *bytebufferpool.ByteBuffer {
	if c.out == nil {
		c.out = codec.GetBuffer()
	} else if len(c.out.B) >= outChunk {
		c.outFull = append(c.outFull, c.out)
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

// flush writes what this callback queued, then cuts the connection off if it has fallen more than
// max_pending behind.
func (c *client) flush() {
	if c.writeOut(false) {
		c.hold()
	}
	if c.closing {
		return
	}
	pending := c.pending()
	if pending > c.srv.lim().MaxPending {
		c.slowConsumer()
		return
	}
	c.notePending(pending)
}

// writeOut hands c.out to gnet and reports whether it was held back instead because gnet's queue for c is
// not empty. force hands it over regardless (a last -ERR before a close). A failing write closes c inside
// gnet's Write (OnClose runs synchronously), which is why c.out is released first.
func (c *client) writeOut(force bool) (held bool) {
	c.dirty = false
	out := c.out
	if out == nil {
		return false
	}
	if !force && !c.closing && c.conn.OutboundBuffered() > 0 {
		return true
	}
	c.out = nil
	full := c.outFull
	c.outFull = nil
	if !c.closing {
		if len(full) == 0 && c.tls == nil && c.ws == nil { // the common case: one plain write
			c.queuedBytes += int64(len(out.B))
			_, _ = c.conn.Write(out.B)
		} else {
			c.writeChunks(full, out)
		}
	}
	for _, b := range full {
		codec.PutBuffer(b)
	}
	codec.PutBuffer(out)
	clear(full)
	if cap(full) <= 64 { // keep a modest slice for the next time this client is held
		c.outFull = full[:0]
	}
	return false
}

// writeChunks writes the chunks of output (full, then last) through the connection's transport: framed on
// WebSocket, encrypted on TLS (both on wss), else handed to gnet with writev, at most iovMax at a time (gnet
// closes the connection on more). The chunks are gathered in the loop's scratch slice, which gnet's Writev
// may rewrite.
func (c *client) writeChunks(full []*bytebufferpool.ByteBuffer, last *bytebufferpool.ByteBuffer) {
	chunks := c.loop.iov[:0]
	for _, b := range full {
		chunks = append(chunks, b.B)
	}
	chunks = append(chunks, last.B)
	switch {
	case c.ws != nil:
		c.writeWS(chunks) // framed, then encrypted on wss
	case c.tls != nil:
		c.writeTLS(chunks)
	default:
		const iovMax = 1024
		for rest := chunks; len(rest) > 0 && !c.gone(); {
			batch := rest[:min(len(rest), iovMax)]
			rest = rest[len(batch):]
			for _, p := range batch {
				c.queuedBytes += int64(len(p))
			}
			if _, err := c.conn.Writev(batch); err != nil {
				break
			}
		}
	}
	clear(chunks[:cap(chunks)])
	c.loop.iov = chunks[:0]
}

// pending is the output c's subscriber has not taken yet: gnet's queue and the bytes held in c.out.
func (c *client) pending() int {
	n := c.conn.OutboundBuffered()
	if c.out != nil {
		n += len(c.out.B)
	}
	for _, b := range c.outFull {
		n += len(b.B)
	}
	return n
}

// hold puts c on its loop's held list, whose output the loop's clock retries.
func (c *client) hold() {
	if !c.held {
		c.held = true
		c.loop.held = append(c.loop.held, c)
		c.loop.startStallClock()
	}
}
