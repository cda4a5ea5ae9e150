package codec

import "github.com/valyala/bytebufferpool"

// Outbound frames are built in pooled buffers: a connection takes one with
// GetBuffer, appends frames to its B field with the Append* encoders, writes
// it, and returns it with PutBuffer. bytebufferpool calibrates the size of
// the buffers it keeps to what callers actually use, so steady-state
// delivery reuses memory instead of allocating it.
//
// The pool is the one package-level value in codec. It holds no state a
// caller can observe (a buffer from GetBuffer is always empty), so it does not
// couple servers running in one process.
var bufferPool bytebufferpool.Pool

// GetBuffer returns an empty buffer from the pool.
func GetBuffer() *bytebufferpool.ByteBuffer { return bufferPool.Get() }

// PutBuffer returns buf to the pool. The caller must not use buf, or any
// slice of buf.B, afterwards.
func PutBuffer(buf *bytebufferpool.ByteBuffer) { bufferPool.Put(buf) }
