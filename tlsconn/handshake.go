package tlsconn

import (
	"crypto/tls"
	"sync"
	"time"
)

// handshake is the state a session needs only while its handshake runs; it is dropped at the end, so an
// idle session carries none of it. Fields are guarded by the session's mu, except holding, which only the
// handshake goroutine touches.
type handshake struct {
	pool    *Pool
	timer   *time.Timer   // fails the handshake at Config.HandshakeTimeout
	wake    sync.Cond     // the handshake goroutine waits here for input; L is the session's mu
	abort   chan struct{} // closed when the handshake is stopped, to free a goroutine queued for a slot
	cause   error         // why it was stopped
	aborted bool
	running bool // the handshake goroutine has been started
	waiting bool // it is waiting on wake
	holding bool // it holds one of the pool's worker slots
}

// Start begins the handshake on p. It returns at once: the handshake runs off the loop, and notify tells
// the loop when it has something to send and when it is over. The timeout starts now.
//
// A client session starts its goroutine at once (it speaks first). A server session starts it only when
// the first record of the ClientHello is complete, so a peer that stalls before that costs a timer and its
// buffered bytes, not a goroutine. A second Start does nothing.
func (s *Session) Start(p *Pool) {
	s.mu.Lock()
	if s.phase != phaseIdle {
		s.mu.Unlock()
		return
	}
	if !p.register(s) {
		s.phase = phaseFailed
		s.err = ErrPoolClosed
		s.mu.Unlock()
		s.notify()
		return
	}
	hs := &handshake{pool: p, abort: make(chan struct{})}
	hs.wake.L = &s.mu
	s.hs = hs
	s.phase = phaseHandshake
	hs.timer = time.AfterFunc(s.cfg.handshakeTimeout(), s.expire) // expire waits for mu: hs.timer is set first
	s.wakeHandshakeLocked()
	s.mu.Unlock()
}

// wakeHandshakeLocked lets the handshake see new input: it wakes its goroutine, or starts it when there is
// enough to work on.
func (s *Session) wakeHandshakeLocked() {
	hs := s.hs
	if hs.running {
		if hs.waiting {
			hs.wake.Signal()
		}
		return
	}
	if s.client || (s.in != nil && firstRecordComplete(s.in.unread())) {
		hs.running = true
		hs.pool.wg.Add(1)
		go s.runHandshake(hs, s.conn)
	}
}

// runHandshake is the handshake goroutine. It holds a worker slot only while it computes: the pipe gives
// the slot back whenever crypto/tls waits for input and takes one again when input arrives.
func (s *Session) runHandshake(hs *handshake, conn *tls.Conn) {
	p := hs.pool
	p.running.Add(1)
	defer func() {
		p.running.Add(-1)
		p.wg.Done()
	}()
	var err error
	if p.acquire(hs.abort) {
		hs.holding = true
		err = conn.Handshake()
		if hs.holding {
			p.release()
			hs.holding = false
		}
	}
	s.mu.Lock()
	finished := s.phase == phaseHandshake
	if finished {
		if err == nil {
			s.phase = phaseReady
		} else {
			s.phase = phaseFailed
			s.err = err
		}
		hs.timer.Stop()
	}
	s.hs = nil
	s.mu.Unlock()
	p.unregister(s)
	if finished {
		s.notify()
	}
}

// expire is the handshake timer's function.
func (s *Session) expire() {
	s.mu.Lock()
	failed := s.phase == phaseHandshake && s.failLocked(ErrHandshakeTimeout)
	s.mu.Unlock()
	if failed {
		s.notify()
	}
}

// abort stops a running handshake for the pool's Close.
func (s *Session) abort(cause error) {
	s.mu.Lock()
	failed := s.phase == phaseHandshake && s.failLocked(cause)
	s.mu.Unlock()
	if failed {
		s.notify()
	}
}

// failLocked ends a handshake that has not finished, with cause, and reports whether it did. A handshake
// goroutine, if there is one, is woken and finds the pipe failing: it leaves crypto/tls at its next read or
// write and cleans up; otherwise the handshake state is dropped here.
func (s *Session) failLocked(cause error) bool {
	switch s.phase {
	case phaseIdle:
		s.phase = phaseFailed
		s.err = cause
		return true
	case phaseHandshake:
		s.phase = phaseFailed
		s.err = cause
		hs := s.hs
		hs.cause = cause
		hs.aborted = true
		close(hs.abort)
		hs.wake.Broadcast()
		hs.timer.Stop()
		if !hs.running {
			s.hs = nil
			hs.pool.unregister(s)
		}
		return true
	}
	return false
}

// readHandshake is the pipe's Read while the handshake runs, on the handshake goroutine. It blocks, without
// a worker slot, until there is input or the handshake is stopped.
func (s *Session) readHandshake(b []byte) (int, error) {
	s.mu.Lock()
	hs := s.hs
	for !hs.aborted && s.in == nil {
		if hs.holding {
			hs.pool.release()
			hs.holding = false
		}
		hs.waiting = true
		hs.wake.Wait()
		hs.waiting = false
	}
	if !hs.aborted && !hs.holding {
		s.mu.Unlock()
		got := hs.pool.acquire(hs.abort)
		s.mu.Lock()
		hs.holding = got
	}
	if hs.aborted {
		err := abortedError{hs.cause}
		s.mu.Unlock()
		return 0, err
	}
	n := s.consumeIn(b)
	s.mu.Unlock()
	return n, nil
}

// writeHandshake is the pipe's Write while the handshake runs, on the handshake goroutine. crypto/tls
// buffers each flight and writes it once, so the loop is notified about once per flight.
func (s *Session) writeHandshake(b []byte) (int, error) {
	s.mu.Lock()
	if hs := s.hs; hs.aborted {
		err := abortedError{hs.cause}
		s.mu.Unlock()
		return 0, err
	}
	first := s.out == nil
	s.appendOut(b)
	s.mu.Unlock()
	if first {
		s.notify()
	}
	return len(b), nil
}
