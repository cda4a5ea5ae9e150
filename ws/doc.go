// Package ws is the WebSocket codec of the websocket listener: the opening handshake (RFC 6455 §4),
// frames (RFC 6455 §5) and per-message compression (RFC 7692), for NATS clients in browsers (nats.ws) and
// elsewhere, as nats-server v2.15.2 serves them. It does no I/O, starts no goroutines and imports nothing
// else from this module: an event loop hands it whatever bytes arrived and writes what it appends.
//
// # Handshake
//
// An Upgrader (one per listener, immutable, shared by all loops) reads the HTTP upgrade request at the
// start of a connection's input. It is stateless: the caller keeps the bytes until the head is complete.
//
//	out, hs := upgrader.Upgrade(out, in, time.Now())
//	switch hs.Status {
//	case ws.NeedMore: // keep in, wait for more bytes (nothing was appended)
//	case ws.Upgraded: // write out, drop in[:hs.N], d.Reset(hs.DecoderOptions(ws.DefaultLimits(maxPayload)))
//	case ws.Refused:  // write out (maybe empty), log hs.Err, close if hs.Close else drop in[:hs.N]
//	}
//
// The Handshake also says what the connection is for (Endpoint: client, leafnode or mqtt, by path, as
// nats-server routes it), whether it is a browser (frames of at most BrowserFrameSize), the client IP
// behind a proxy (X-Forwarded-For) and the credentials of the configured cookies.
//
// Requests are read the way nats-server's net/http server reads them (request.go, held to net/http by
// FuzzReadRequest) and checked in its handler's order (handshake.go); every refusal is the response
// nats-server sends, status line, headers and body (response.go, held to the reference binary by
// reference_test.go), except for the Date, which is the caller's clock. A request head above
// MaxRequestBytes is refused with 431 as soon as that many bytes have arrived, so a connection never
// buffers more than that before it upgrades.
//
// # Frames in
//
// A Decoder (one per connection, touched only by its loop) reads the frames the client sends. Next
// returns one Event at a time:
//
//	for {
//		ev, n, err := d.Next(in)
//		in = in[n:]
//		if err != nil { // *Error: send AppendClose(out, err.Code, err.Reason), then close
//		}
//		switch ev.Kind {
//		case ws.None:  // all of in consumed; wait for more
//		case ws.Data:  // ev.Payload: the next bytes of the NATS stream
//		case ws.Ping:  // out = ws.AppendPong(out, ev.Payload)
//		case ws.Pong:
//		case ws.Close: // out = ws.AppendClose(out, ev.Code, string(ev.Payload)); close
//		}
//	}
//
// # Frames out
//
// The Append functions append server frames (never masked): AppendBinary for NATS protocol bytes,
// AppendCompressed on connections that negotiated compression (nats-server leaves output of at most
// MinCompressSize bytes uncompressed, and cuts compressed output for browsers into BrowserFrameSize
// fragments), AppendPing, AppendPong, AppendClose. PutHeader frames a payload in place after a reserved
// MaxServerHeaderLen bytes, so output appended to a connection's buffer is framed without a copy.
//
// The client side (client.go: AppendClientRequest, ParseServerResponse, AppendMaskedFrame, Deflate)
// speaks to a server as nats.go and nats.ws do; tests, benchmarks and fuzzing use it, here against the
// reference nats-server too.
//
// # Invariants
//
// Streaming: uncompressed payload is delivered as it arrives, as slices of the input unmasked in place; a
// 1 MiB frame fed in 4 KiB reads comes out in 4 KiB pieces. A Decoder is 128 bytes, options included;
// between calls it keeps only a cut header (at most 14 bytes, inside it), a cut control payload (at most
// 125, in a pooled buffer) and a few bytes of state. A compressed message must be whole before it can be inflated: it is held, bounded by
// Limits.MaxCompressed, and inflated in chunks bounded by Limits.MaxInflated.
//
// No retention: the Decoder never keeps the caller's buffer. An Event's Payload is valid until the next
// call. Next mutates (unmasks) only the n bytes it reports consumed.
//
// Split-invariance: any split of the same input (one byte at a time, a frame cut inside its header or
// mask key, many frames at once) yields the same messages, the same control frames and the same error at
// the same place. Errors that depend on a frame's payload (invalid text) are reported after a Data event
// delivering the bytes before the offending one, which a split run would have delivered anyway.
//
// No allocation: decoding and encoding uncompressed frames allocate nothing; compression and inflation
// use pooled flate state. A protocol error allocates nothing except an invalid close code's message.
//
// Errors map to RFC 6455's close codes: 1002 for protocol violations, 1007 for invalid UTF-8 or
// compressed data, 1009 for frames or messages above the limits. Reasons are nats-server's texts where it
// has them.
//
// # Where it differs from nats-server
//
//   - Text messages are checked for UTF-8 as RFC 6455 requires (1007); nats-server accepts any bytes.
//     Options.SkipUTF8 turns the check off. NATS clients send binary frames.
//   - A request head is bounded by DefaultMaxRequestBytes (64 KiB) unless configured; net/http allows
//     nats-server about 1 MiB.
//   - A header line folded onto the line before (obs-fold) is refused with 400; net/http folds it.
//   - HTTP/1.0 requests are always answered as closing; net/http honours Connection: keep-alive there.
//   - nats-server's handler queues a close frame on a protocol error but drops the connection before it
//     is written (observed: the client sees only EOF). An engine using this package can send it.
package ws
