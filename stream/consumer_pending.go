package stream

import (
	"container/heap"
	"slices"
)

// A consumer's deliveries awaiting their ack are kept three ways, one for each question asked of them
// per message, so that an ack and a clock call cost O(1) or O(log pending), never O(pending):
//
//   - pending (a map by stream sequence): the ack's lookup.
//   - pendingOrder (stream sequences, ascending): the ack floor is below the oldest still pending.
//     First deliveries go out in stream order, so a delivery appends; an ack leaves its sequence in
//     place and moveAckFloor drops acknowledged ones from the front, once each. When acknowledged
//     sequences (behind one that stays pending, say past max_deliver) make up most of it, it is
//     compacted.
//   - deadlines (a heap by ack deadline; each pendingAck knows its index): ack_wait, a backoff or a
//     nak's delay. A clock call pops only what is due; an ack removes its delivery in O(log pending).

// pendingAck is one delivered message awaiting its ack.
type pendingAck struct {
	seq        uint64 // stream sequence
	cseq       uint64 // consumer sequence of its latest delivery
	deliveries uint64
	deadline   int64 // unix ns when it is due again
	index      int   // in Consumer.deadlines; -1 when not there (queued for redelivery, or past max_deliver)
	queued     bool  // in Consumer.redeliver
}

// deadlineHeap orders pending deliveries by deadline.
type deadlineHeap []*pendingAck

func (h deadlineHeap) Len() int           { return len(h) }
func (h deadlineHeap) Less(i, j int) bool { return h[i].deadline < h[j].deadline }
func (h deadlineHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *deadlineHeap) Push(x any) {
	p := x.(*pendingAck)
	p.index = len(*h)
	*h = append(*h, p)
}
func (h *deadlineHeap) Pop() any {
	old := *h
	p := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	p.index = -1
	return p
}

// addPending records the first delivery of stream sequence seq as consumer sequence cseq, due again at
// deadline. Under mu.
func (c *Consumer) addPending(seq, cseq uint64, deadline int64) {
	p := &pendingAck{seq: seq, cseq: cseq, deliveries: 1, index: -1}
	c.pending[seq] = p
	c.pendingOrder = append(c.pendingOrder, seq)
	c.setDeadline(p, deadline)
}

// setDeadline makes p due again at (unix ns) and asks the clock for it. Under mu.
func (c *Consumer) setDeadline(p *pendingAck, at int64) {
	p.deadline = at
	if p.index >= 0 {
		heap.Fix(&c.deadlines, p.index)
	} else {
		heap.Push(&c.deadlines, p)
	}
	c.schedule(at)
}

// clearDeadline takes p out of the deadlines: it is due now, or never again. Under mu.
func (c *Consumer) clearDeadline(p *pendingAck) {
	if p.index >= 0 {
		heap.Remove(&c.deadlines, p.index)
	}
}

// removePending forgets p (acknowledged, terminated or gone from the stream); the caller moves the ack
// floor. Under mu.
func (c *Consumer) removePending(p *pendingAck) {
	delete(c.pending, p.seq)
	c.clearDeadline(p)
}

// queueRedelivery makes p due now, behind the other redeliveries. Under mu.
func (c *Consumer) queueRedelivery(p *pendingAck) {
	if p.queued {
		return
	}
	c.clearDeadline(p)
	p.queued = true
	c.redeliver = append(c.redeliver, p.seq)
}

// moveAckFloor sets the ack floor below the oldest pending delivery, or at the last delivery when
// nothing is pending. Under mu.
func (c *Consumer) moveAckFloor() {
	for len(c.pendingOrder) > 0 && c.pending[c.pendingOrder[0]] == nil {
		c.pendingOrder = c.pendingOrder[1:]
	}
	if len(c.pendingOrder) == 0 {
		c.pendingOrder = c.pendingOrder[:0:0] // let the array go
		c.ackFloor.Consumer, c.ackFloor.Stream = c.delivered.Consumer, c.delivered.Stream
		return
	}
	oldest := c.pendingOrder[0]
	c.ackFloor.Consumer, c.ackFloor.Stream = c.pending[oldest].cseq-1, oldest-1
	if len(c.pendingOrder) > 64 && len(c.pendingOrder) > 2*len(c.pending) {
		c.pendingOrder = slices.DeleteFunc(c.pendingOrder, func(seq uint64) bool { return c.pending[seq] == nil })
	}
}

// expireAcks makes every delivery past its deadline due again, lowest stream sequence first among those
// due together (next finds those that reached max_deliver). Under mu.
func (c *Consumer) expireAcks(now int64) {
	first := len(c.redeliver)
	for len(c.deadlines) > 0 && c.deadlines[0].deadline <= now {
		p := heap.Pop(&c.deadlines).(*pendingAck)
		if !p.queued {
			p.queued = true
			c.redeliver = append(c.redeliver, p.seq)
		}
	}
	slices.Sort(c.redeliver[first:])
}

// nextDeadline is the earliest pending deadline, or maxTime. Under mu.
func (c *Consumer) nextDeadline() int64 {
	if len(c.deadlines) == 0 {
		return maxTime
	}
	return c.deadlines[0].deadline
}
