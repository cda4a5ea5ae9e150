package reactor

import (
	"context"
	"sync"

	"github.com/panjf2000/gnet/v2"
)

// outQueue collects the server's own messages for one loop (JetStream's Host.Send: pub-acks, API replies,
// consumer deliveries) from any goroutine until the loop runs them, so that every Send made meanwhile goes
// out in one callback with one write per connection. A push consumer sends one delivery per ack it
// receives: posted one Execute each, every delivery cost the loop a callback and a write(2) of its own.
//
// Order is kept: batches run in the order they were queued, so a loop's pub-acks leave in the order the
// stream wrote them. Only the first batch queued after a run schedules the next run (armed), as loop.post
// does for the batches of other loops.
type outQueue struct {
	l   *loop
	run gnet.Runnable // allocated once: runQueued

	mu      sync.Mutex // guards batches and armed
	batches []*outBatch
	armed   bool // a run is scheduled and has not yet taken batches

	spare []*outBatch // the slice the last run took, for the next queue; the loop's own
}

// queue hands b to the loop. The batch must not be used afterwards.
func (q *outQueue) queue(b *outBatch) {
	q.mu.Lock()
	q.batches = append(q.batches, b)
	arm := !q.armed
	q.armed = true
	q.mu.Unlock()
	if !arm {
		return
	}
	if err := q.l.el.Execute(context.Background(), q.run); err != nil {
		// The loop is stopping: nobody is left to receive them.
		q.mu.Lock()
		batches := q.batches
		q.batches, q.armed = nil, false
		q.mu.Unlock()
		for _, b := range batches {
			b.release()
		}
	}
}

// runQueued publishes every queued batch on the loop, in order, in one callback.
func (q *outQueue) runQueued(context.Context) error {
	q.mu.Lock()
	batches := q.batches
	q.batches = q.spare
	q.armed = false
	q.mu.Unlock()

	l := q.l
	c := l.internalClient()
	l.current = c
	for _, b := range batches {
		b.publish(c)
	}
	l.endCallback()
	l.current = nil
	c.stallOn = stallCause{} // the server's own publishes are never paused
	for _, b := range batches {
		b.release()
	}
	clear(batches)
	q.spare = batches[:0]
	return nil
}
