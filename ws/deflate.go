package ws

import (
	"compress/flate"
	"sync"
)

// MinCompressSize is the size at or below which nats-server sends output uncompressed even on a
// connection that negotiated compression (wsCompressThreshold): deflate would not pay for itself.
const MinCompressSize = 64

// BrowserFrameSize is the largest frame nats-server sends to a browser (a User-Agent starting with
// "Mozilla/"), which it found browsers handle better (wsFrameSizeForBrowsers). Uncompressed output is cut
// into whole messages of at most this size, compressed output into fragments of one message, except for
// Safari (Handshake.NoCompressedFragments).
const BrowserFrameSize = 4096

// deflater is a pooled flate writer. flate.Writer is large (hundreds of KiB), so each goroutine or loop
// compressing at a time takes one from the pool instead of each connection owning one: no context is
// taken over between messages (server_no_context_takeover), so any writer serves any connection.
type deflater struct {
	w   *flate.Writer
	out []byte // what w writes goes here (deflater is w's io.Writer)
}

func (z *deflater) Write(p []byte) (int, error) {
	z.out = append(z.out, p...)
	return len(p), nil
}

var deflaters = sync.Pool{New: func() any {
	z := new(deflater)
	// BestSpeed, as nats-server; NewWriter only fails for an invalid level.
	z.w, _ = flate.NewWriter(z, flate.BestSpeed)
	return z
}}

// syncTail is what a sync flush ends with, and what RFC 7692 §7.2.1 has the sender remove.
const syncTail = 4

// Deflate appends p compressed as the payload of one permessage-deflate message: a fresh context,
// sync-flushed, without the trailing 00 00 ff ff. An empty p compresses to the single byte 0x00.
func Deflate(dst, p []byte) []byte {
	z := deflaters.Get().(*deflater)
	z.out = dst
	z.w.Reset(z)
	_, _ = z.w.Write(p) // writes to z, which never fails
	_ = z.w.Flush()
	dst = z.out[:len(z.out)-syncTail]
	z.out = nil // the pool must not keep the caller's buffer
	deflaters.Put(z)
	return dst
}

// AppendCompressed appends p as one compressed message (RSV1 set on its first frame). With maxFrame > 0
// the compressed bytes are cut into fragments of at most maxFrame bytes, as nats-server does for
// browsers; otherwise the message is one frame.
//
// It compresses straight into dst after room for the longest header, then closes the gap with one move
// of the compressed bytes. Fragments need a header between pieces, so the compressed bytes are moved
// aside to a pooled scratch buffer first.
func AppendCompressed(dst []byte, op Opcode, p []byte, maxFrame int) []byte {
	start := len(dst)
	dst = append(dst, make([]byte, MaxServerHeaderLen)...)
	dst = Deflate(dst, p)
	body := start + MaxServerHeaderLen
	clen := len(dst) - body
	if maxFrame <= 0 || clen <= maxFrame {
		hl := HeaderLen(clen)
		PutHeader(dst[start:start+hl], op, true, true, clen)
		copy(dst[start+hl:], dst[body:])
		return dst[:start+hl+clen]
	}
	s := scratches.Get().(*[]byte)
	c := append((*s)[:0], dst[body:]...)
	dst = dst[:start]
	for rest, first := c, true; len(rest) > 0; first = false {
		n := min(len(rest), maxFrame)
		o := op
		if !first {
			o = OpContinuation
		}
		dst = AppendHeader(dst, o, n == len(rest), first, n)
		dst = append(dst, rest[:n]...)
		rest = rest[n:]
	}
	if cap(c) <= keepMsg {
		*s = c[:0]
		scratches.Put(s)
	}
	return dst
}

var scratches = sync.Pool{New: func() any { return new([]byte) }}
