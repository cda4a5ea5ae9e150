package tlsconn

import (
	"net"
	"time"
)

// pipe is the net.Conn crypto/tls reads and writes: the session itself, seen through another method set
// (a conversion, no extra allocation). It never touches a socket.
//
// While the handshake runs, Read blocks the handshake goroutine until the loop feeds input (readHandshake)
// and Write appends to the output and notifies the loop (writeHandshake). Once the loop owns the session,
// both run on the loop and never block: Read returns ErrWouldBlock when nothing is fed, and Write appends,
// to the caller's slice during WritePlain, else to the session's output.
type pipe Session

func (p *pipe) Read(b []byte) (int, error) {
	s := (*Session)(p)
	if !s.owned {
		return s.readHandshake(b)
	}
	if s.in == nil {
		return 0, ErrWouldBlock
	}
	return s.consumeIn(b), nil
}

func (p *pipe) Write(b []byte) (int, error) {
	s := (*Session)(p)
	if !s.owned {
		return s.writeHandshake(b)
	}
	if s.toDst {
		s.dst = append(s.dst, b...)
	} else {
		s.appendOut(b)
	}
	return len(b), nil
}

// Close does nothing: tls.Conn.Close calls it after writing close_notify, and the session's own Close
// decides what is released.
func (p *pipe) Close() error { return nil }

// Deadlines do nothing: the handshake is bounded by the session's timer, and after it nothing blocks.
// tls.Conn.Close sets a write deadline around close_notify, which an append never needs.
func (p *pipe) SetDeadline(time.Time) error      { return nil }
func (p *pipe) SetReadDeadline(time.Time) error  { return nil }
func (p *pipe) SetWriteDeadline(time.Time) error { return nil }

func (p *pipe) LocalAddr() net.Addr  { return pipeAddr{} }
func (p *pipe) RemoteAddr() net.Addr { return pipeAddr{} }

// pipeAddr is what tls.ClientHelloInfo.Conn reports; the engine knows the real addresses.
type pipeAddr struct{}

func (pipeAddr) Network() string { return "tlsconn" }
func (pipeAddr) String() string  { return "tlsconn" }
