package tlsconn

import (
	"crypto/tls"
	"net"
	"sync"
)

// phase is where a session is in its life. It only moves forward:
// idle → handshake → ready | failed → closed (Close may jump to closed from any phase).
type phase uint8

const (
	phaseIdle      phase = iota // made, Start not called yet; Feed buffers
	phaseHandshake              // Start called; the handshake is running or waiting for input
	phaseReady                  // handshake complete; the loop takes the session over (own)
	phaseFailed                 // handshake failed, timed out or was stopped; err says why
	phaseClosed                 // Close called
)

// Session is the TLS state of one connection: a crypto/tls Conn over an in-memory pipe, with the
// ciphertext the loop feeds in and the ciphertext it must send.
//
// Every exported method is for the loop that owns the connection, and for no other goroutine. Until the
// handshake has finished, a handshake goroutine and a timer also touch the session, under mu; once the loop
// has seen the handshake done (own), the session is the loop's alone and the data path takes no lock.
type Session struct {
	cfg    *Config
	notify func()
	client bool

	// conn is touched only by the loop, except that the handshake goroutine is handed its own copy of the
	// pointer when it starts; nil after Close.
	conn *tls.Conn

	mu    sync.Mutex // guards phase, err and hs always; in and out until owned is set
	phase phase
	err   error      // why the handshake failed (phaseFailed)
	in    *buffer    // fed ciphertext crypto/tls has not read yet; nil when there is none
	out   *buffer    // ciphertext crypto/tls wrote that the loop has not taken; nil when there is none
	hs    *handshake // non-nil from Start until the handshake ends

	// Loop-only.
	owned bool   // the loop has seen phaseReady: in, out and conn are its own, used without mu
	dst   []byte // while WritePlain runs: the caller's slice, where the pipe appends records
	toDst bool   // the pipe appends to dst instead of out
}

// NewServerSession makes the session of a connection accepted by a TLS server. Nothing happens until Start.
//
// notify is called whenever the loop must act: the handshake produced ciphertext for the peer
// (TakeOutput), or it finished or failed (HandshakeState). It is called from the handshake goroutine or the
// handshake timer (from Start itself when the pool is closed), never while the session holds a lock, and
// never for what Close does. Calls are hints, not events to count: one may come late (after the outcome, or
// even after Close, from a handshake goroutine that was just writing), so the task it schedules must check
// that the connection is still open and then look at the state. It must be cheap and must not block or call
// into the session: the engine schedules a task on the connection's loop (gnet's EventLoop.Execute) and does
// the work there.
func NewServerSession(cfg *Config, notify func()) *Session {
	s := newSession(cfg, notify)
	s.conn = tls.Server((*pipe)(s), cfg.TLS)
	return s
}

// NewClientSession makes the session of a connection the server dialed (a route, a leaf node), or the client
// side of a test. cfg.TLS must set ServerName or InsecureSkipVerify, as for tls.Client.
func NewClientSession(cfg *Config, notify func()) *Session {
	s := newSession(cfg, notify)
	s.client = true
	s.conn = tls.Client((*pipe)(s), cfg.TLS)
	return s
}

func newSession(cfg *Config, notify func()) *Session {
	if notify == nil {
		notify = func() {}
	}
	return &Session{cfg: cfg, notify: notify}
}

// own reports whether the loop owns the session, taking it over if the handshake has finished. Taking it
// over is safe without further ceremony: the handshake goroutine set phaseReady under mu after its last use
// of the pipe and the tls.Conn, and we read phaseReady under mu, so all it did happens before all we do.
func (s *Session) own() bool {
	if s.owned {
		return true
	}
	s.mu.Lock()
	if s.phase == phaseReady {
		s.owned = true
	}
	s.mu.Unlock()
	return s.owned
}

// Feed hands the session ciphertext received from the peer and returns how much of it the session took.
// It copies what it takes, so the caller may reuse p at once (gnet's inbound buffer). It may be called in
// any phase: before Start (the ClientHello came with the first read), during the handshake (the handshake
// goroutine is woken, or started once the first record is complete), and after it (ReadPlain decrypts).
// After a failure or Close it takes and drops everything.
//
// Until the handshake is over it takes no more than 512 KiB not yet read by the handshake: more than any
// handshake needs, so what it refuses is application data a TLS 1.3 client sent right after its Finished
// (or garbage). The engine leaves the rest in gnet's buffer (Discard only what Feed took), pauses reads, and
// feeds the rest when notified that the handshake is over. Afterwards it takes everything: the engine
// bounds it by calling ReadPlain until ErrWouldBlock after each Feed, or pauses reads while it cannot.
func (s *Session) Feed(p []byte) int {
	if s.owned {
		if s.conn != nil {
			s.appendIn(p)
		}
		return len(p)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.phase {
	case phaseIdle, phaseHandshake:
		p = p[:min(len(p), maxHandshakeInput-s.unreadIn())]
		if len(p) == 0 {
			return 0
		}
		s.appendIn(p)
		if s.phase == phaseHandshake {
			s.wakeHandshakeLocked()
		}
	case phaseReady:
		s.appendIn(p)
	}
	return len(p)
}

func (s *Session) unreadIn() int {
	if s.in == nil {
		return 0
	}
	return len(s.in.unread())
}

func (s *Session) appendIn(p []byte) {
	if s.in == nil {
		s.in = getBuffer()
	}
	s.in.append(p)
}

// consumeIn moves fed ciphertext into b (crypto/tls's rawInput) and gives the buffer back once drained.
func (s *Session) consumeIn(b []byte) int {
	n := copy(b, s.in.unread())
	s.in.off += n
	if s.in.off == len(s.in.b) {
		putBuffer(s.in)
		s.in = nil
	}
	return n
}

func (s *Session) appendOut(p []byte) {
	if s.out == nil {
		s.out = getBuffer()
	}
	s.out.append(p)
}

// TakeOutput appends to dst the ciphertext the session has for the peer and returns it. The loop calls it
// when notified during the handshake, after ReadPlain (TLS 1.3 post-handshake messages such as a KeyUpdate
// make crypto/tls answer from inside Read), and after Close (close_notify). WritePlain includes it on its own.
// It allocates only if dst must grow.
func (s *Session) TakeOutput(dst []byte) []byte {
	if s.owned {
		return s.takeOut(dst)
	}
	s.mu.Lock()
	dst = s.takeOut(dst)
	s.mu.Unlock()
	return dst
}

func (s *Session) takeOut(dst []byte) []byte {
	if s.out == nil {
		return dst
	}
	dst = append(dst, s.out.unread()...)
	putBuffer(s.out)
	s.out = nil
	return dst
}

// HandshakeState reports whether the handshake has finished (done) or failed (err, which stays nil until
// then). After a failure TakeOutput may still hold the alert crypto/tls sent, worth writing before closing.
func (s *Session) HandshakeState() (done bool, err error) {
	if s.own() {
		return true, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.phase {
	case phaseFailed:
		return false, s.err
	case phaseClosed:
		if s.err != nil {
			return false, s.err
		}
		return false, net.ErrClosed
	}
	return false, nil
}

// ConnectionState is crypto/tls's ConnectionState once the handshake is done (version, cipher suite, the
// peer's verified certificates for verify_and_map), and the zero value before that or after Close.
func (s *Session) ConnectionState() tls.ConnectionState {
	if !s.own() || s.conn == nil {
		return tls.ConnectionState{}
	}
	return s.conn.ConnectionState()
}

// Close ends the session. After a completed handshake it writes a close_notify alert, which TakeOutput
// returns; during the handshake it stops it (the handshake goroutine exits at its next step, and notify is
// not called). It gives back the input buffer; the output buffer goes back when TakeOutput drains it.
// Calling Close again does nothing.
func (s *Session) Close() {
	if s.own() {
		if s.conn == nil {
			return
		}
		_ = s.conn.Close() // appends close_notify through the pipe; pipe.Close does nothing
		s.conn = nil
		if s.in != nil {
			putBuffer(s.in)
			s.in = nil
		}
		s.mu.Lock()
		s.phase = phaseClosed
		s.mu.Unlock()
		return
	}
	s.mu.Lock()
	if s.phase == phaseHandshake || s.phase == phaseIdle {
		s.failLocked(net.ErrClosed)
	}
	s.phase = phaseClosed
	if s.in != nil {
		putBuffer(s.in)
		s.in = nil
	}
	s.conn = nil // the handshake goroutine, if any, holds its own pointer
	s.mu.Unlock()
}
