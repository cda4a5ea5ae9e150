package tlsconn

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Pool bounds how many handshakes compute at once, and keeps the handshake off the event loops.
//
// A handshake is a blocking call stack inside crypto/tls, so it needs a goroutine of its own for as long as
// it lasts, including the round trips during which it only waits for the peer. What the pool bounds is the
// CPU: a handshake goroutine must hold one of the pool's worker slots to run crypto/tls, and gives it back
// whenever crypto/tls waits for input. A peer that stalls mid-handshake therefore holds no slot, and a
// thousand of them do not delay anyone else's handshake; each costs a parked goroutine until its timeout.
// Goroutines waiting for a slot queue in arrival order (a channel's senders); the queue is bounded by the
// number of sessions handshaking, and a session's timeout runs while it waits.
type Pool struct {
	slots chan struct{} // one token per handshake computing

	mu       sync.Mutex
	closed   bool
	sessions map[*Session]struct{} // started and not finished, for Close

	wg                         sync.WaitGroup // handshake goroutines
	running, computing, queued atomic.Int32
}

// PoolStats is a snapshot of a pool, for metrics and tests.
type PoolStats struct {
	Handshakes int // sessions started whose handshake has not ended
	Running    int // of those, sessions with a handshake goroutine (their first record arrived)
	Computing  int // goroutines holding a worker slot
	Queued     int // goroutines waiting for a worker slot
}

// NewPool makes a pool letting workers handshakes compute at once; workers <= 0 means 2×GOMAXPROCS.
func NewPool(workers int) *Pool {
	if workers <= 0 {
		workers = 2 * runtime.GOMAXPROCS(0)
	}
	return &Pool{slots: make(chan struct{}, workers), sessions: make(map[*Session]struct{})}
}

// Close fails every handshake still running with ErrPoolClosed (notifying their loops) and waits for their
// goroutines to exit; sessions started later fail at once. Completed sessions are not affected.
func (p *Pool) Close() {
	p.mu.Lock()
	p.closed = true
	pending := make([]*Session, 0, len(p.sessions))
	for s := range p.sessions {
		pending = append(pending, s)
	}
	p.mu.Unlock()
	for _, s := range pending {
		s.abort(ErrPoolClosed)
	}
	p.wg.Wait()
}

// Stats reads the pool's counters; they are not read atomically together.
func (p *Pool) Stats() PoolStats {
	p.mu.Lock()
	handshakes := len(p.sessions)
	p.mu.Unlock()
	return PoolStats{
		Handshakes: handshakes,
		Running:    int(p.running.Load()),
		Computing:  int(p.computing.Load()),
		Queued:     int(p.queued.Load()),
	}
}

// register records a starting session; false when the pool is closed. Lock order: session.mu, then p.mu.
func (p *Pool) register(s *Session) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.sessions[s] = struct{}{}
	return true
}

func (p *Pool) unregister(s *Session) {
	p.mu.Lock()
	delete(p.sessions, s)
	p.mu.Unlock()
}

// acquire takes a worker slot, waiting in line if none is free; false if abort closes first.
func (p *Pool) acquire(abort <-chan struct{}) bool {
	select {
	case p.slots <- struct{}{}:
		p.computing.Add(1)
		return true
	default:
	}
	p.queued.Add(1)
	defer p.queued.Add(-1)
	select {
	case p.slots <- struct{}{}:
		p.computing.Add(1)
		return true
	case <-abort:
		return false
	}
}

func (p *Pool) release() {
	p.computing.Add(-1)
	<-p.slots
}
