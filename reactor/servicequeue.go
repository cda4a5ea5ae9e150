package reactor

import (
	"sync"

	"github.com/reactor-nats/reactor/stream"
)

// serviceQueue runs internal subscriptions' handlers (internal.go: the system account's services, the
// JetStream API, acks and flow-control answers) on a fixed number of goroutines of its own, never on a
// loop: a handler may touch the disk. A loop queues a message and goes on; submitting never blocks.
//
// Messages of one publisher are handled in the order it published them, one at a time, as nats-server
// handles a client's requests in its read loop: a pull request followed by another, or an ack followed
// by a nak, must not be reordered by two workers. A worker takes the oldest message whose publisher no
// other worker is serving, together with the messages queued right behind it for the same handler (a
// run, at most maxServiceRun), and hands them over one after another, each but the last marked more;
// their publishers are busy until the run ends. A client that acknowledges a burst of deliveries thus
// costs the handler one wake-up, and the handler may apply the run's acks first and deliver what they
// freed once, at its end (stream's Request.More). Messages for other handlers, or of other publishers,
// stay queued for the next worker, so a slow request (a stream deleting its files) holds up only its
// own run and its own publisher.
//
// Only the submit that finds the queue empty, or finds a worker asleep beside messages it could not
// take (their publishers were busy), wakes a worker; a worker that leaves messages behind wakes another,
// and so does one ending a run. So a burst queued while the workers are busy costs no wake-up per message.
type serviceQueue struct {
	mu      sync.Mutex
	cond    sync.Cond
	queue   []queuedMsg // waiting: queue[head:], oldest first; a message taken out of order is left with sub nil
	head    int
	holes   int             // messages taken out of order since the queue was last closed up: at most this many nil in queue[head:]
	busy    map[*client]int // publishers a worker is serving, with that worker's number
	blocked int             // workers asleep though messages wait (every one's publisher busy)
	closed  bool
	workers int
	wg      sync.WaitGroup
}

// queuedMsg is a message for sub's handler, published by from.
type queuedMsg struct {
	sub  *internalSub
	from *client
	req  internalMsg
}

// maxServiceRun bounds a run, so that what a handler defers to the end of one (a push consumer's
// deliveries) is not put off for long.
const maxServiceRun = 256

func (q *serviceQueue) start(workers int) {
	q.cond.L = &q.mu
	q.busy = map[*client]int{}
	for range workers {
		q.workers++
		q.wg.Add(1)
		go q.work(q.workers)
	}
}

// submit queues req, published by from, for sub's handler. Safe from any goroutine; never waits for the
// workers.
func (q *serviceQueue) submit(sub *internalSub, from *client, req internalMsg) {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	wake := q.head == len(q.queue) || q.blocked > 0
	q.queue = append(q.queue, queuedMsg{sub: sub, from: from, req: req})
	q.mu.Unlock()
	if wake {
		q.cond.Signal()
	}
}

// stop ends the workers once they finish the runs they hold; queued messages are dropped.
func (q *serviceQueue) stop() {
	q.mu.Lock()
	q.closed = true
	q.queue, q.head = nil, 0
	q.mu.Unlock()
	q.cond.Broadcast()
	q.wg.Wait()
}

// work is worker number me (from 1).
func (q *serviceQueue) work(me int) {
	defer q.wg.Done()
	var (
		run   []queuedMsg // this worker's, reused
		jsRun stream.Run  // what a JetStream handler puts off until a run's end
	)
	for {
		q.mu.Lock()
		for {
			if q.closed {
				q.mu.Unlock()
				return
			}
			if run = q.takeRun(run[:0], me); len(run) > 0 {
				break
			}
			waiting := q.head < len(q.queue)
			if waiting {
				q.blocked++
			}
			q.cond.Wait()
			if waiting {
				q.blocked--
			}
		}
		left := q.head < len(q.queue)
		q.mu.Unlock()
		if left {
			q.cond.Signal()
		}
		for i := range run {
			if len(run) > 1 {
				run[i].req.more, run[i].req.run = i < len(run)-1, &jsRun
			}
			run[i].sub.handle(run[i].req)
		}
		q.mu.Lock()
		for _, m := range run {
			delete(q.busy, m.from)
		}
		left = q.head < len(q.queue)
		q.mu.Unlock()
		if left { // messages of the publishers just freed may wait with every other worker asleep
			q.cond.Signal()
		}
		clear(run) // drop the messages' buffers
	}
}

// takeRun moves into run the oldest message whose publisher no other worker serves and those right behind
// it for the same handler, up to one whose publisher another worker serves; their publishers become
// worker me's. run stays empty when no message can be taken. Under mu.
func (q *serviceQueue) takeRun(run []queuedMsg, me int) []queuedMsg {
	waiting := q.queue[q.head:]
	first := -1
	for i := range waiting {
		if m := &waiting[i]; m.sub != nil && q.free(m.from, me) {
			first = i
			break
		}
	}
	if first < 0 {
		return run
	}
	sub := waiting[first].sub
	for i := first; i < len(waiting) && len(run) < maxServiceRun; i++ {
		m := &waiting[i]
		if m.sub == nil { // taken already, by another worker
			continue
		}
		if m.sub != sub || !q.free(m.from, me) {
			break
		}
		q.busy[m.from] = me
		run = append(run, *m)
		*m = queuedMsg{}
		if i > 0 {
			q.holes++
		}
	}
	for q.head < len(q.queue) && q.queue[q.head].sub == nil {
		q.head++
	}
	switch {
	case q.head == len(q.queue):
		q.queue, q.head, q.holes = q.queue[:0], 0, 0
	case q.holes >= 256 && 2*q.holes >= len(q.queue)-q.head:
		// Mostly holes behind a busy publisher's messages: close them up, so that taking the next
		// message does not step over them all again.
		kept := q.queue[:q.head]
		for _, m := range q.queue[q.head:] {
			if m.sub != nil {
				kept = append(kept, m)
			}
		}
		clear(q.queue[len(kept):])
		q.queue, q.holes = kept, 0
	case q.head >= 1024 && 2*q.head >= len(q.queue): // mostly consumed: move the rest to the front
		kept := copy(q.queue, q.queue[q.head:])
		clear(q.queue[kept:])
		q.queue, q.head = q.queue[:kept], 0
	}
	return run
}

// free reports whether worker me may take a message published by from: no other worker serves from.
// Under mu.
func (q *serviceQueue) free(from *client, me int) bool {
	w, busy := q.busy[from]
	return !busy || w == me
}
