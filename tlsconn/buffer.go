package tlsconn

import "sync"

// buffer holds ciphertext in flight inside a session: fed and not yet read by crypto/tls (Session.in), or
// written by crypto/tls and not yet taken by the loop (Session.out). A session holds one only while it has
// bytes in it and gives it back to bufferPool when it drains, so an idle session holds none.
type buffer struct {
	b   []byte
	off int // bytes of b already consumed
}

// maxPooledBuffer keeps a rare burst (one huge Feed or WritePlain) from pinning a large buffer in the pool.
const maxPooledBuffer = 256 << 10

var bufferPool = sync.Pool{New: func() any { return &buffer{b: make([]byte, 0, 4<<10)} }}

func getBuffer() *buffer { return bufferPool.Get().(*buffer) }

func putBuffer(b *buffer) {
	if cap(b.b) > maxPooledBuffer {
		return
	}
	b.b = b.b[:0]
	b.off = 0
	bufferPool.Put(b)
}

// unread is what has not been consumed yet.
func (b *buffer) unread() []byte { return b.b[b.off:] }

// append adds p after the unread bytes, first sliding them to the front when that leaves room.
func (b *buffer) append(p []byte) {
	if b.off > 0 && len(b.b)+len(p) > cap(b.b) {
		n := copy(b.b, b.b[b.off:])
		b.b = b.b[:n]
		b.off = 0
	}
	b.b = append(b.b, p...)
}
