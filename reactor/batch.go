package reactor

import "sync"

// batch carries the deliveries one loop decided for subscribers owned by another loop, from one source
// callback to one destination loop. Each message is copied into data once per destination loop, however many
// of that loop's subscribers it goes to; items then name the subscriber and the message.
//
// A batch is filled by exactly one loop, handed over whole under the destination's inbox lock, read by the
// destination loop and returned to the pool; it is never shared while being written.
type batch struct {
	data    []byte
	msgs    []batchMsg
	items   []batchItem
	frames  []batchFrame // messages already framed for a route (routeout.go)
	lastSeq uint64       // the source loop's sequence of the message last copied in; dedupes fan-out

	// producer is the publisher whose callback filled this batch (a batch is posted at the end of one
	// callback, so it has one), or nil. The destination loop asks it to stall when a recipient falls behind.
	producer *client
}

// span locates bytes inside batch.data.
type span struct{ off, n int }

type batchMsg struct {
	subject, reply, msg span
	hdrLen              int // -1: no header block
}

type batchItem struct {
	sub *subscription
	msg int // index in msgs
}

// batchFrame is a message framed on the source loop for one route: RMSG frames differ per peer (account,
// queue groups), so they are not shared like msgs.
type batchFrame struct {
	to   *client
	data span
	size int // the message's length, for the counters
}

var batchPool = sync.Pool{New: func() any { return new(batch) }}

func getBatch() *batch { return batchPool.Get().(*batch) }

func putBatch(b *batch) {
	// A batch that carried one huge message should not pin that memory in the pool.
	if cap(b.data) > 4<<20 {
		b.data = nil
	}
	b.data = b.data[:0]
	b.msgs = b.msgs[:0]
	clear(b.items) // drop subscription pointers so closed clients can be collected
	b.items = b.items[:0]
	clear(b.frames)
	b.frames = b.frames[:0]
	b.lastSeq = 0
	b.producer = nil
	batchPool.Put(b)
}

// size is what the batch holds, as counted against its destination loop's inbox.
func (b *batch) size() int64 { return int64(len(b.data)) }

func (b *batch) store(p []byte) span {
	s := span{off: len(b.data), n: len(p)}
	b.data = append(b.data, p...)
	return s
}

func (b *batch) bytes(s span) []byte {
	if s.n == 0 {
		return nil
	}
	return b.data[s.off : s.off+s.n]
}

// add queues one delivery. seq identifies the message on the source loop: consecutive adds with the same seq
// share one copy of the message.
func (b *batch) add(seq uint64, s *subscription, m *message) {
	if b.lastSeq != seq || len(b.msgs) == 0 {
		b.msgs = append(b.msgs, batchMsg{
			subject: b.store(m.subject),
			reply:   b.store(m.reply),
			msg:     b.store(m.msg),
			hdrLen:  m.hdrLen,
		})
		b.lastSeq = seq
	}
	b.items = append(b.items, batchItem{sub: s, msg: len(b.msgs) - 1})
}

// message returns the i-th message, aliasing b.data.
func (b *batch) message(i int) message {
	bm := &b.msgs[i]
	return message{subject: b.bytes(bm.subject), reply: b.bytes(bm.reply), msg: b.bytes(bm.msg), hdrLen: bm.hdrLen}
}
