package reactor

import "sync"

// workQueue runs functions on a fixed number of goroutines of its own, for work that must not run on an
// event loop (credential checks; internal services have serviceQueue). Its queue is a slice under a
// mutex rather than a channel so that submitting, which loops do, never blocks.
type workQueue struct {
	mu     sync.Mutex
	cond   sync.Cond
	queue  []func()
	closed bool
	wg     sync.WaitGroup
}

func (q *workQueue) start(workers int) {
	q.cond.L = &q.mu
	for range workers {
		q.wg.Add(1)
		go q.work()
	}
}

// submit queues fn. Safe from any goroutine; never waits for the workers.
func (q *workQueue) submit(fn func()) {
	q.mu.Lock()
	q.queue = append(q.queue, fn)
	q.mu.Unlock()
	q.cond.Signal()
}

// stop ends the workers once they finish what they hold; queued work is dropped.
func (q *workQueue) stop() {
	q.mu.Lock()
	q.closed = true
	q.queue = nil
	q.mu.Unlock()
	q.cond.Broadcast()
	q.wg.Wait()
}

func (q *workQueue) work() {
	defer q.wg.Done()
	for {
		q.mu.Lock()
		for len(q.queue) == 0 && !q.closed {
			q.cond.Wait()
		}
		if q.closed {
			q.mu.Unlock()
			return
		}
		fn := q.queue[0]
		q.queue[0] = nil
		q.queue = q.queue[1:]
		q.mu.Unlock()
		fn()
	}
}
