package tlsconn

import "net"

// ReadPlain decrypts into dst what the fed ciphertext holds. It returns ErrWouldBlock when no complete
// record is buffered (a partial one stays inside crypto/tls until the rest is fed), and never blocks.
// Like io.Reader, it may return n > 0 with an error: use the n bytes, then act on the error. io.EOF means
// the peer sent close_notify; any other error is final for the connection.
//
// The engine calls it after each Feed until ErrWouldBlock (or until it must stop reading), then TakeOutput:
// a TLS 1.3 KeyUpdate from the peer makes crypto/tls write its answer from inside Read. Before the handshake
// has finished it returns ErrWouldBlock, and the handshake's error if it failed. dst must not be empty.
func (s *Session) ReadPlain(dst []byte) (int, error) {
	if !s.own() {
		return 0, s.notReady(ErrWouldBlock)
	}
	if s.conn == nil {
		return 0, net.ErrClosed
	}
	n, err := s.conn.Read(dst)
	if err == ErrWouldBlock && n > 0 {
		// tls.Conn.Read reads on after a record when the next one starts like an alert, to report a
		// close_notify with the data before it; an incomplete alert then surfaces as our temporary error.
		err = nil
	}
	return n, err
}

// WritePlain encrypts p and appends to dst, and returns, what the session has pending for the peer followed
// by the records carrying p. It never blocks: the records go straight into dst, so the engine's buffer is
// the only copy of the ciphertext, and it allocates only if dst must grow. Before the handshake has finished
// it returns ErrHandshakeIncomplete (or the handshake's error).
//
// crypto/tls splits p into records of at most 16 KiB; unless tls.Config.DynamicRecordSizingDisabled is set,
// the first 128 KiB of a connection go in smaller records sized for one TCP segment (tls.Conn's
// maxPayloadSizeForWrite).
func (s *Session) WritePlain(dst, p []byte) ([]byte, error) {
	if !s.own() {
		return dst, s.notReady(ErrHandshakeIncomplete)
	}
	if s.conn == nil {
		return dst, net.ErrClosed
	}
	dst = s.takeOut(dst)
	s.dst, s.toDst = dst, true
	_, err := s.conn.Write(p)
	dst = s.dst
	s.dst, s.toDst = nil, false
	return dst, err
}

// notReady is why the data path cannot run yet: pending while the handshake runs, else how it ended.
func (s *Session) notReady(pending error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.phase {
	case phaseFailed:
		return s.err
	case phaseClosed:
		return net.ErrClosed
	}
	return pending
}
