package reactor

import (
	"sync/atomic"

	"github.com/panjf2000/gnet/v2"
	"github.com/valyala/bytebufferpool"

	"github.com/reactor-nats/reactor/auth"
	"github.com/reactor-nats/reactor/codec"
	"github.com/reactor-nats/reactor/tlsconn"
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
	srv   *Server
	loop  *loop
	kind  connKind
	cid   uint64
	host  string // remote IP, as client_ip
	port  int    // remote port
	start int64  // unix nanos of accept

	// Loop-owned.
	conn            gnet.Conn // nil for kindInternal, and from OnClose on (gnet reuses the Conn and its fd)
	acct            *account
	parser          codec.Parser
	need            int // bytes the inbound buffer must hold before the pending frame can complete; 0 if unknown
	opts            connectOptions
	connected       bool // CONNECT received
	sentConnectInfo bool // protocol 1: its first PONG and the post-CONNECT INFO have gone out; async INFO may follow
	subs            subIndex

	tls          *tlsconn.Session // nil for plaintext (tls.go)
	ws           *wsConn          // nil unless accepted on the websocket listener (websocket.go)
	route        *routeConn       // non-nil exactly for kindRoute (route.go)
	tlsPhase     tlsPhase
	plainIn      []byte // decrypted input not parsed yet: a partial op, or ops waiting for an auth verdict
	wsRaw        []byte // on wss, decrypted bytes the WebSocket layer has not consumed (a cut frame)
	infoAfterTLS bool   // handshake_first: the INFO goes out once the handshake is done

	authed         bool          // may use the protocol: no auth is required, or its CONNECT was accepted
	authPending    bool          // its CONNECT is with the auth workers; input waits, reads are paused
	nonce          string        // sent in INFO for nkey and JWT users to sign; "" when not needed
	user           string        // who it authenticated as, for logs and monitoring
	perms          *permissions  // nil: everything allowed
	authReq        *auth.Request // the credentials it was admitted with, re-checked on reload; nil if none
	expires        int64         // unix nanos its authorization ends; 0 = never
	accountExpires bool          // expires is its account's expiry, not its user's
	maxSubs        int           // subscriptions it may hold (user, account and server limits); 0 = unlimited

	out      *bytebufferpool.ByteBuffer   // frames not yet handed to gnet (output.go); nil when none
	outFull  []*bytebufferpool.ByteBuffer // earlier chunks of output, each about outChunk bytes, before out
	dirty    bool                         // on loop.dirty, out holds bytes to flush
	closing  bool                         // teardown done or under way: deliver nothing more, accept no more input
	loopSlot int                          // index in loop.clients, for O(1) removal

	queuedBytes      int64       // bytes handed to the socket so far; less OutboundBuffered, bytes it took
	lagging          bool        // on loop.lagging: unsent output above the stall threshold
	lagStuck         bool        // lagging, and the socket has taken nothing for stuckAfter
	lagWritten       int64       // bytes the socket had taken at the last progress check
	lagProgressAt    int64       // unix nanos of the last progress seen while lagging
	held             bool        // on loop.held: c.out waits for gnet's queue to drain (flush)
	pendingHighLocal bool        // last value stored in pendingHigh
	stallOn          stallCause  // set during a callback that fed a lagging subscriber or loop: stall at the end
	stalledOn        stallCause  // while paused: what must clear for reading to resume
	pausedUntil      int64       // unix nanos; non-zero while reads are paused by a stall
	pendingHigh      atomic.Bool // lagging and not stuck: publishers stall; read by publishers on any loop
	stallRequested   atomic.Bool // a subscriber's loop has asked this publisher's loop to stall it

	pingsOut  int   // PINGs sent and not answered by a PONG
	nextPing  int64 // unix nanos at which the next server PING is due
	lastInput int64 // unix nanos of the last inbound bytes
	rttPinged bool  // the first PING, which nats-server sends whatever the activity, has gone out
	rttStart  int64 // unix nanos the RTT-measuring PING went out; 0 when none is outstanding
	rtt       int64 // nanoseconds between that PING and its PONG

	counters                  // per-connection totals for monitoring
	lastActivity int64        // unix nanos of the last message in or out, as nats-server's last_activity
	reason       closedReason // why the connection ended; set by whoever ends it, "Client Closed" otherwise
	wdTaken      int64        // bytes the socket had taken at the last write-deadline check (ping.go)
	wdAt         int64        // unix nanos of the last progress seen by that check
}

// counters are one connection's message totals. They are loop-owned plain integers: the hot path adds to
// them without atomics and monitoring reads them on the loop (snapshot.go).
type counters struct {
	inMsgs, inBytes, outMsgs, outBytes int64
}

// gone reports that gnet has closed the connection and released its Conn.
func (c *client) gone() bool { return c.conn == nil }
