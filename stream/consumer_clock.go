package stream

import (
	"container/heap"
	"sync"
	"time"
)

// clock is a stream's one timer for all its consumers: request expiries, ack_wait deadlines and
// ephemeral inactivity. A consumer asks to be called at a time (Consumer.schedule); the clock keeps the
// calls in a heap and one time.Timer for the earliest, so consumers cost no goroutine or timer each.
// A call a consumer no longer needs is harmless: tick looks at its state and reschedules.
type clock struct {
	mu      sync.Mutex
	calls   clockHeap
	timer   *time.Timer
	armed   int64 // when timer fires (0: not armed)
	stopped bool
}

type clockCall struct {
	at int64
	c  *Consumer
}

type clockHeap []clockCall

func (h clockHeap) Len() int           { return len(h) }
func (h clockHeap) Less(i, j int) bool { return h[i].at < h[j].at }
func (h clockHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *clockHeap) Push(x any)        { *h = append(*h, x.(clockCall)) }
func (h *clockHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// at asks for c.tick at (unix ns).
func (k *clock) at(at int64, c *Consumer) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.stopped {
		return
	}
	heap.Push(&k.calls, clockCall{at: at, c: c})
	k.arm()
}

// arm sets the timer for the earliest call. Under mu.
func (k *clock) arm() {
	if len(k.calls) == 0 {
		return
	}
	first := k.calls[0].at
	if k.armed != 0 && k.armed <= first {
		return
	}
	k.armed = first
	d := time.Duration(first - time.Now().UnixNano())
	if k.timer == nil {
		k.timer = time.AfterFunc(d, k.fire)
	} else {
		k.timer.Reset(d)
	}
}

// fire calls every consumer whose time has come, outside the clock's lock.
func (k *clock) fire() {
	now := time.Now().UnixNano()
	k.mu.Lock()
	k.armed = 0
	var due []*Consumer
	for len(k.calls) > 0 && k.calls[0].at <= now {
		due = append(due, heap.Pop(&k.calls).(clockCall).c)
	}
	if !k.stopped {
		k.arm()
	}
	k.mu.Unlock()
	for _, c := range due {
		c.tick(now)
	}
}

// stop ends the clock: no call is made after it returns, except one already running.
func (k *clock) stop() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.stopped = true
	k.calls = nil
	if k.timer != nil {
		k.timer.Stop()
	}
}
