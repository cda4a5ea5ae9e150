package ws

import (
	"bytes"
	"compress/flate"
	"io"
	"sync"
)

// inflater holds one compressed message (permessage-deflate, RFC 7692) while its frames arrive, then
// inflates it in chunks. A Decoder takes one from the pool at a compressed message's first frame and
// gives it back once the last chunk has been read, so an idle connection holds none.
//
// Contexts are never taken over: the server negotiates client_no_context_takeover, so every message is
// inflated by a reset reader with an empty window.
type inflater struct {
	msg   []byte // the message as received, unmasked, then the trailer
	r     bytes.Reader
	fr    io.ReadCloser // flate reader, kept across uses (it is large)
	out   [inflateChunk]byte
	total uint64 // bytes inflated so far
}

// inflateChunk is the most a Data event of a compressed message carries, as nats-server's 32 KiB read
// buffer.
const inflateChunk = 32 << 10

// keepMsg is the largest message buffer put back in the pool: one big message must not pin its buffer
// for the life of the process.
const keepMsg = 64 << 10

// deflateTail ends a message for inflation: RFC 7692 §7.2.2's 00 00 ff ff, which the sender stripped,
// then an empty final stored block so that the reader reports io.EOF at the message's end (as
// nats-server's compressLastBlock).
var deflateTail = []byte{0x00, 0x00, 0xff, 0xff, 0x01, 0x00, 0x00, 0xff, 0xff}

var inflaters = sync.Pool{New: func() any { return new(inflater) }}

func getInflater() *inflater {
	f := inflaters.Get().(*inflater)
	f.msg = f.msg[:0]
	f.total = 0
	return f
}

func putInflater(f *inflater) {
	if cap(f.msg) > keepMsg {
		f.msg = nil
	}
	f.r.Reset(nil)
	inflaters.Put(f)
}

// start prepares to inflate the message received so far.
func (f *inflater) start() {
	f.msg = append(f.msg, deflateTail...)
	f.r.Reset(f.msg)
	if f.fr == nil {
		f.fr = flate.NewReader(&f.r)
	} else {
		_ = f.fr.(flate.Resetter).Reset(&f.r, nil)
	}
}

// next inflates into f.out until it is full or the message ends (done), reading at most limit-total+1
// more bytes so that passing the limit shows without inflating further. Malformed compressed data is
// ErrInvalidCompressedData.
func (f *inflater) next(limit uint64) (p []byte, done bool, err error) {
	room := uint64(len(f.out))
	if left := limit - f.total + 1; left < room {
		room = left
	}
	n := 0
	for uint64(n) < room {
		m, rerr := f.fr.Read(f.out[n:room])
		n += m
		if rerr == io.EOF {
			done = true
			break
		}
		if rerr != nil {
			// flate.CorruptInputError, or io.ErrUnexpectedEOF for a message that stops mid-block
			// even with the tail added.
			return f.out[:n], false, ErrInvalidCompressedData
		}
	}
	f.total += uint64(n)
	return f.out[:n], done, nil
}
