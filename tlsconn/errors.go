package tlsconn

import "errors"

// ErrWouldBlock is returned by ReadPlain when no complete record is buffered: feed more ciphertext and call
// again. The pipe under the tls.Conn returns this same value from its Read, and it is a net.Error whose
// Temporary reports true: that is what keeps crypto/tls from making it sticky (see doc.go).
var ErrWouldBlock error = wouldBlockError{}

// ErrHandshakeTimeout is the handshake error of a session whose handshake did not finish within
// Config.HandshakeTimeout (nats-server's tls { timeout }).
var ErrHandshakeTimeout = errors.New("tlsconn: TLS handshake timeout")

// ErrHandshakeIncomplete is returned by WritePlain before the handshake has finished.
var ErrHandshakeIncomplete = errors.New("tlsconn: TLS handshake not complete")

// ErrPoolClosed fails handshakes started on, or still running on, a closed Pool.
var ErrPoolClosed = errors.New("tlsconn: handshake pool closed")

// wouldBlockError is zero-sized so that returning it as an error never allocates.
type wouldBlockError struct{}

func (wouldBlockError) Error() string {
	return "tlsconn: would block (no complete TLS record buffered)"
}
func (wouldBlockError) Timeout() bool   { return false }
func (wouldBlockError) Temporary() bool { return true }

// abortedError is what the pipe returns to a handshake that was stopped (timeout, Close, pool closed).
// It is deliberately not temporary: crypto/tls must give up.
type abortedError struct{ cause error }

func (e abortedError) Error() string   { return e.cause.Error() }
func (e abortedError) Unwrap() error   { return e.cause }
func (e abortedError) Timeout() bool   { return errors.Is(e.cause, ErrHandshakeTimeout) }
func (e abortedError) Temporary() bool { return false }
