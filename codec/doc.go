// Package codec converts between bytes and NATS client protocol operations.
// It does no I/O and imports nothing else from this module. Callers own the
// buffers; codec only reads them (Parser) or appends to them (the Append* encoders).
//
// # Parsing
//
// A Parser reads one complete operation from the start of a byte slice:
//
//	n, err := p.Next(buf)
//
// It either fills p.Op and returns the number of bytes the op used, or returns
// (0, nil) because buf does not hold a whole op yet, or returns a *Error. The
// engine drives it like this:
//
//	for {
//		n, err := p.Next(in[off:])
//		if err != nil {
//			// send -ERR if the *Error says so, then close when err.Close
//		}
//		if n == 0 {
//			break // keep in[off:] and wait for more bytes
//		}
//		off += n
//		handle(&p.Op)
//	}
//
// After an incomplete result, p.Need() tells how long in[off:] must become for
// the pending op to complete. It is known as soon as a PUB or HPUB control line
// has arrived, so the engine can reserve room for a large payload once and skip
// calling Next until that many bytes are buffered. It is 0 while the control
// line itself is still incomplete; then the engine calls Next again whenever
// more bytes arrive.
//
// The Parser carries no parse state between calls: every call parses from the
// first byte of the slice it is given. The engine may therefore move the
// pending bytes to another buffer between calls (compaction, growth), and a
// split op costs at most one extra scan of its control line per call.
//
// # Invariants
//
// Zero copy: every slice in p.Op aliases the buffer passed to Next. It is
// valid only until the caller overwrites or releases those bytes (compacts its
// input buffer, hands it back to the event loop, or reads into it again). Any
// value that must outlive the current read, such as a SUB subject stored in
// the subscription index, must be copied by the caller.
//
// No allocation: Next never allocates, on any path. The PUB/HPUB path is
// guarded by 0 allocs/op benchmarks (bench_test.go) and by a test that fails
// if it ever allocates.
//
// Bounded buffering: a peer cannot make the caller buffer an unbounded control
// line. Next reports ErrMaxControlLine as soon as what has arrived of an
// argument exceeds Limits.MaxControlLine, even before the line ends, and
// reports ErrMaxPayload as soon as a PUB/HPUB control line announces a size
// above Limits.MaxPayload, before any payload arrives. Garbage is rejected at
// the first byte that cannot continue a known op name.
//
// Split-invariance: an op split at any byte parses to exactly the same result
// (op or error) as the same bytes given at once.
//
// # Protocol accepted
//
// Op names are case-insensitive. Arguments are separated by runs of spaces
// and tabs; blanks before the line end are ignored; a line ends in "\r\n" or a
// bare "\n" (as in nats-server). A payload must be followed by exactly "\r\n".
// Where this package is stricter than nats-server v2 it is so on purpose:
// PING, PONG and +OK tolerate only blanks before the line end ("PINGX" is an
// unknown op), CONNECT and INFO need a blank after the name, and a
// non-numeric UNSUB max is an error instead of "unsubscribe now".
//
// # Encoding
//
// The Append* functions append one wire frame to a caller's slice and
// allocate only when that slice must grow. encode.go holds what the server
// sends (MSG, HMSG, INFO, -ERR, +OK, PING, PONG); encode_client.go holds what
// clients send, used by tests, benchmarks and fuzzing to build input. Outbound
// frames are built in buffers from GetBuffer (pool.go).
//
// Protocol error texts live in errors.go and nowhere else.
package codec
