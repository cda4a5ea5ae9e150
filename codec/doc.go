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
//
// # Route protocol
//
// A RouteParser reads what a cluster peer sends on a route connection, with
// the same contract as Parser (whole ops, Need, aliasing, no allocation,
// split-invariance); its ops are RouteOps of kind RouteKind. The shapes are
// those nats-server v2.15.2 was observed using with a peer that takes no
// pooling, pinned accounts or compression, so the account is always
// present:
//
//	RS+ <account> <subject> [<queue> <weight>]      interest; weight replaces, missing/bad = 1
//	RS- <account> <subject> [<queue>]               interest gone
//	RMSG <account> <subject> [<reply>] <size>
//	RMSG <account> <subject> + <reply> <queue>… <size>
//	RMSG <account> <subject> | <queue>… <size>
//	HMSG <account> <subject> [same reply/queue part] <hdr_size> <total_size>
//	LS+ / LS- / LMSG  the leaf-origin forms, origin cluster ("_" = none) first;
//	                  LMSG always has a header size
//	PING, PONG, INFO <json>, CONNECT <json>, -ERR '<text>', +OK
//
// The queue groups of a message stay one span of the control line
// (RouteOp.Queues), walked with NextQueue, so any number of them costs no
// allocation. Limits apply as for clients, but nats-server does not hold a
// route to its max_payload, so a route should set limits at least as large
// as anything its peers accept (many queue groups also make long RMSG
// lines).
//
// route_encode.go appends what reactor sends (AppendRSPlus, AppendRSMinus,
// AppendRMsg, AppendHRMsg — the latter writes nats-server's HMSG verb —
// and AppendRouteConnect; a route INFO is framed by AppendInfo).
// route_json.go holds RouteInfo and RouteConnect, whose field order matches
// nats-server's so a decoded nats-server INFO re-encodes byte for byte; they
// use encoding/json and allocate, which is fine for handshakes and gossip.
package codec
