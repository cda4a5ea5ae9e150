package store

import (
	"container/heap"
	"math"
)

// ttlEnd is when a message stored at ts with its own TTL (seconds) expires; math.MaxInt64 for a TTL of
// -1 (never) or one too long to represent.
func ttlEnd(ts, ttl int64) int64 {
	if ttl < 0 || ttl > (math.MaxInt64-ts)/1e9 {
		return math.MaxInt64
	}
	return ts + ttl*1e9
}

// ttlEntry is one message with a TTL of its own in a ttlHeap.
type ttlEntry struct {
	end int64 // ttlEnd of the message
	seq uint64
}

// ttlHeap orders messages with a TTL by when it ends, earliest first. Entries are never removed when
// their message goes some other way (remove, purge, age): the owner checks an entry is still live when it
// reaches the top, so removal stays O(1).
type ttlHeap []ttlEntry

func (h ttlHeap) Len() int           { return len(h) }
func (h ttlHeap) Less(i, j int) bool { return h[i].end < h[j].end }
func (h ttlHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *ttlHeap) Push(x any)        { *h = append(*h, x.(ttlEntry)) }
func (h *ttlHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

func (h *ttlHeap) push(end int64, seq uint64) { heap.Push(h, ttlEntry{end: end, seq: seq}) }

// next drops entries live no longer holds and returns the earliest live one.
func (h *ttlHeap) next(live func(ttlEntry) bool) (ttlEntry, bool) {
	for h.Len() > 0 {
		if e := (*h)[0]; live(e) {
			return e, true
		}
		heap.Pop(h)
	}
	return ttlEntry{}, false
}

// due pops and returns the live entries ending at or before now.
func (h *ttlHeap) due(now int64, live func(ttlEntry) bool) []uint64 {
	var seqs []uint64
	for {
		e, ok := h.next(live)
		if !ok || e.end > now {
			return seqs
		}
		heap.Pop(h)
		seqs = append(seqs, e.seq)
	}
}
