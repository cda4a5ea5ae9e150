// Package tlsconn gives connections owned by an event loop TLS, with Go's own crypto/tls.
//
// gnet hands the engine raw bytes on a loop and takes bytes to write; it has no TLS. This package puts a
// standard *tls.Conn over an in-memory pipe instead of a socket: the loop feeds it the ciphertext it read
// and takes the ciphertext it must write. It owns the TLS state of each connection (Session) and the
// goroutines that run handshakes (Pool). It never touches a socket, never blocks a loop, and imports
// nothing of ours.
//
// # Two phases
//
// Handshake, off the loop. Start hands the session to a Pool. The handshake runs in crypto/tls on a
// goroutine of its own, reading from the pipe, which blocks that goroutine (never the loop) until the loop
// Feeds more ciphertext. Whatever crypto/tls writes is appended to the session's output and the loop is
// notified (the notify func given to NewServerSession), then collects it with TakeOutput. notify also fires
// when the handshake ends; HandshakeState tells how.
//
// Data, on the loop. Once the loop has seen the handshake done, the session is the loop's alone: Feed
// appends ciphertext, ReadPlain calls tls.Conn.Read, whose pipe returns ErrWouldBlock when the fed bytes
// run out, and WritePlain calls tls.Conn.Write, whose pipe appends the records to the caller's buffer.
// Nothing blocks and the data path takes no lock (own, in session.go, is the hand-over).
//
// # Handshakes, workers and stalled peers
//
// A handshake needs milliseconds of CPU and one or two round trips; crypto/tls runs it as one blocking call,
// so it needs a goroutine for as long as it lasts. A fixed set of worker goroutines each running whole
// handshakes would be held by waiting: a peer that stalls holds its worker until the timeout, so a few
// stalled peers per timeout period (or a high round-trip time) would stop every other handshake. So the
// Pool bounds computation instead: a handshake goroutine must hold one of the pool's worker slots to run
// crypto/tls and gives it back whenever crypto/tls waits for input (readHandshake in handshake.go). A
// stalled peer holds a parked goroutine, never a slot; handshakes with input to process queue for slots in
// arrival order. A server session starts its goroutine only when the first record of the ClientHello is
// complete, so a peer that connects and sends half a ClientHello costs a timer and its bytes. Every
// handshake is failed by a timer at Config.HandshakeTimeout (nats-server's tls { timeout }, 2s by default),
// counted from Start and including time spent queued. TestStalledPeersDoNotDelayOthers holds this.
//
// # What this relies on in crypto/tls
//
// Read from the Go 1.26 sources, $GOROOT/src/crypto/tls/conn.go unless another file is named. The bytewise
// cases of TestHandshakeAndDataBothWays (a ReadPlain after every byte, so ErrWouldBlock inside every record
// header and body) fail if the first two stop holding; TestKeyUpdateIsAnsweredThroughTakeOutput and
// TestSessionTicketsResume hold the third.
//
//   - A temporary error from the transport is not sticky. readRecordOrCCS calls readFromUntil for the record
//     header and again for its body, and after either failure records the error in c.in.err (which fails
//     every later call) only "if e, ok := err.(net.Error); !ok || !e.Temporary()". ErrWouldBlock is a
//     net.Error whose Temporary is true, so it is returned and forgotten. Errors crypto/tls records itself go
//     through halfConn.setErrorLocked, which wraps any net.Error in permanentError (Temporary false).
//   - A partial record is kept. readFromUntil reads into c.rawInput, a bytes.Buffer, with
//     rawInput.ReadFrom(&atLeastReader{...}); bytes.Buffer.ReadFrom keeps what it read before an error, and
//     readFromUntil returns at once when rawInput already holds the n bytes it needs. So a record split
//     across Feeds is completed by a later ReadPlain. A post-handshake handshake message split across
//     records likewise stays in c.hand (readHandshakeBytes).
//   - Read after the handshake does no handshake work: Conn.Read calls Handshake, whose handshakeContext
//     returns on c.isHandshakeComplete.Load(). It then loops "for c.input.Len() == 0 { readRecord ... for
//     c.hand.Len() > 0 { handlePostHandshakeMessage } }": TLS 1.3 NewSessionTicket (handleNewSessionTicket
//     in handshake_client_tls13.go, client side) and KeyUpdate (handleKeyUpdate) are processed inside Read,
//     and handleKeyUpdate writes its answer with writeRecordLocked, through the pipe, during Read. That is
//     why ReadPlain may leave output.
//   - Read may return n > 0 with our temporary error: after a record it reads on when the next one starts like
//     an alert ("predict" a close_notify); ReadPlain turns that into (n, nil).
//   - Write never waits on the pipe for anything but the append: Conn.Write encrypts each record with
//     writeRecordLocked into a scratch buffer from outBufPool and passes it to c.write, which calls the pipe's
//     Write once per record (c.buffering, which batches a flight in c.sendBuf, is on only during handshakes).
//   - Handshake with context.Background starts no goroutine of its own (handshakeContext only arms
//     context.AfterFunc when ctx.Done() is non-nil), and after a failure it flushes the alert it wrote
//     (c.flush()), which reaches the loop through TakeOutput.
//   - The TLS 1.3 server writes its session tickets inside the handshake (serverHandshakeStateTLS13.handshake
//     calls sendSessionTickets, handshake_server_tls13.go), so nothing of the server's handshake is left for
//     after it.
//
// # Memory
//
// A session holds no buffer of ours while idle: fed input and pending output live in pooled buffers that go
// back to a sync.Pool as soon as they drain (buffer.go). What stays is crypto/tls's: the Conn, its cipher
// state, the peer's certificates, and c.rawInput and c.hand, bytes.Buffers that keep their capacity for the
// connection's life (bytes.Buffer never shrinks, and crypto/tls neither resets nor exposes them). rawInput
// must hold a whole record to decrypt it in place, so one 16 KiB record from the peer costs that connection
// about 17 KiB for good. The only remedies are outside the API (unsafe access to unexported fields, or a
// fork), which this package refuses: keeping to crypto/tls as it is is the point.
//
// Measured (BenchmarkIdleSessions: 10,000 TLS 1.3 server sessions, ECDSA P-256, Go 1.26, after a GC): about
// 6.7 KiB of heap per idle session after the handshake, mostly crypto/tls's: the Conn (about 0.9 KiB), two
// AES-GCM states (about 1.8 KiB), rawInput and hand as the ClientHello left them (about 3.5 KiB); the Session
// itself is 128 bytes. After one 16 KiB record from the peer: about 22.6 KiB, rawInput having grown to hold
// it. The engine's notify closure and connection state come on top.
//
// # From the engine
//
// Per connection, on its loop (socket_test.go's echo server does all of this on one gnet loop):
//
//  1. OnOpen: NewServerSession(cfg, notify), where notify Executes a preallocated task on the loop. TLS
//     first (handshake_first): Start at once. Otherwise send the plaintext INFO and, at the first byte,
//     Start if LooksLikeTLS, else treat it as a plaintext client.
//  2. OnTraffic during the handshake: n := Feed(in); Discard(n) only if n > 0 (gnet's Discard(0) drops
//     everything); if n < len(in), pause reads until notified.
//  3. The task: check the connection is open; write TakeOutput; then HandshakeState: on an error close (the
//     alert is in what was just written); when done, read ConnectionState (verify_and_map), resume reads,
//     Feed what waited in gnet's buffer, and go on as in 4.
//  4. OnTraffic after it: Feed everything, ReadPlain into the connection's plaintext buffer until
//     ErrWouldBlock, parse that buffer as today's parser parses gnet's, write TakeOutput if any.
//  5. Flush: WritePlain(tlsOut[:0], plaintext) and hand tlsOut to gnet; slow-consumer accounting counts
//     ciphertext. Close: Close, then write TakeOutput (close_notify) before closing the socket.
//
// # Allocations
//
// WritePlain allocates nothing (crypto/tls encrypts into a pooled scratch buffer, the pipe appends to the
// caller's slice). ReadPlain allocates nothing of ours; crypto/tls allocates 24 bytes per transport read
// (readFromUntil's &atLeastReader{}): one for the read that brings records in, however many it brings, and
// one for the read that finds nothing (ErrWouldBlock). So 2 per Feed-and-drain, not per record
// (BenchmarkReadPlainBatched). TakeOutput and Feed allocate only when a pooled buffer must grow.
package tlsconn
