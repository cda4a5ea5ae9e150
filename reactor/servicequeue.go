package reactor

import (
	"sync"

	"github.com/reactor-nats/reactor/stream"
)

// serviceQueue runs internal subscriptions' handlers (internal.go: the system account's services, the
// JetStream API, acks and flow-control answers) on a fixed number of goroutines of its own, never on a
// loop: a handler may touch the disk. A loop queues a message and goes on; submitting never blocks.
//
// A worker takes the oldest message together with the messages queued right behind it for the same
// handler (a run, at most maxServiceRun), and hands them over one after another, each but the last
// marked more. A client that acknowledges a burst of deliveries thus costs the handler one wake-up, and
// the handler may apply the run's acks first and deliver what they freed once, at its end (stream's
// Request.More). Messages for other handlers stay queued for the next worker, so a slow request (a stream
// deleting its files) holds up only its own run.
//
// Only the submit that finds the queue empty wakes a worker; a worker that leaves messages behind wakes
// another. So a burst queued while the workers are busy costs no wake-up per message.
type serviceQueue struct {
	mu     sync.Mutex
	cond   sync.Cond
	queue  []queuedMsg // waiting: queue[head:]
	head   int
	closed bool
	wg     sync.WaitGroup
}

// queuedMsg is a message for sub's handler.
type queuedMsg struct {
	sub *internalSub
	req internalMsg
}

// maxServiceRun bounds a run, so that what a handler defers to the end of one (a push consumer's
// deliveries) is not put off for long.
const maxServiceRun = 256

func (q *serviceQueue) start(workers int) {
	q.cond.L = &q.mu
	for range workers {
		q.wg.Add(1)
		go q.work()
	}
}

// submit queues req for sub's handler. Safe from any goroutine; never waits for the workers.
func (q *serviceQueue) submit(sub *internalSub, req internalMsg) {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	wake := q.head == len(q.queue)
	q.queue = append(q.queue, queuedMsg{sub: sub, req: req})
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

func (q *serviceQueue) work() {
	defer q.wg.Done()
	var (
		run   []queuedMsg // this worker's, reused
		jsRun stream.Run  // what a JetStream handler puts off until a run's end
	)
	for {
		q.mu.Lock()
		for q.head == len(q.queue) && !q.closed {
			q.cond.Wait()
		}
		if q.closed {
			q.mu.Unlock()
			return
		}
		run = q.takeRun(run[:0])
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
		clear(run) // drop the messages' buffers
	}
}

// takeRun moves the oldest message and those right behind it for the same handler into run. Under mu.
func (q *serviceQueue) takeRun(run []queuedMsg) []queuedMsg {
	waiting := q.queue[q.head:]
	sub := waiting[0].sub
	n := 1
	for n < len(waiting) && n < maxServiceRun && waiting[n].sub == sub {
		n++
	}
	run = append(run, waiting[:n]...)
	clear(waiting[:n])
	q.head += n
	switch {
	case q.head == len(q.queue):
		q.queue, q.head = q.queue[:0], 0
	case q.head >= 1024 && 2*q.head >= len(q.queue): // mostly consumed: move the rest to the front
		kept := copy(q.queue, q.queue[q.head:])
		clear(q.queue[kept:])
		q.queue, q.head = q.queue[:kept], 0
	}
	return run
}
