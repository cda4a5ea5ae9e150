package stream

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestAckFloorMatchesNaiveMinimum drives a consumer through random deliveries, acks, naks and ack_wait
// expiries and checks after each ack that the ack floor, kept in O(1) amortized, is what the naive
// definition gives: below the lowest pending stream sequence (its consumer sequence minus one), or
// the last delivery when nothing is pending; and that a clock call makes due exactly the deliveries
// past their deadline.
func TestAckFloorMatchesNaiveMinimum(t *testing.T) {
	for _, policy := range []string{AckExplicit, AckAll} {
		ts := openTestStream(t, `{"name":"S","subjects":["s.>"]}`, nil)
		for i := 0; i < 400; i++ {
			if _, err := ts.store.Append("s.a", nil, []byte("x"), time.Now().UnixNano(), 0); err != nil {
				t.Fatal(err)
			}
		}
		cfg, e := checkConsumerConfig(ConsumerConfig{Durable: "D", AckPolicy: policy, MaxAckPending: 10000, AckWait: time.Hour}, ts.Config())
		if e != nil {
			t.Fatal(e)
		}
		c := newConsumer(ts.Stream, cfg, time.Now())
		rng := rand.New(rand.NewPCG(1, 2))
		now := time.Now().UnixNano()
		for step := 0; step < 3000; step++ {
			c.mu.Lock()
			seqs := make([]uint64, 0, len(c.pending))
			for seq := range c.pending {
				seqs = append(seqs, seq)
			}
			slices.Sort(seqs)
			c.mu.Unlock()
			acked := false
			switch op := rng.IntN(10); {
			case op < 4 || len(seqs) == 0:
				c.mu.Lock()
				if m, redelivery, ok := c.next(); ok {
					c.take(m, redelivery, now)
				}
				c.mu.Unlock()
			case op < 7:
				c.ack(ackAck, seqs[rng.IntN(len(seqs))], 0, "", nil)
				acked = true
			case op < 8:
				c.ack(ackNak, seqs[rng.IntN(len(seqs))], 0, "", nil)
			case op < 9:
				c.ack(ackNak, seqs[rng.IntN(len(seqs))], time.Duration(rng.IntN(1000)), "", nil)
			default:
				now += int64(rng.IntN(1000))
				c.mu.Lock()
				var want []uint64
				for _, seq := range seqs {
					if p := c.pending[seq]; !p.queued && p.deadline <= now {
						want = append(want, seq)
					}
				}
				before := len(c.redeliver)
				c.expireAcks(now)
				got := slices.Clone(c.redeliver[before:])
				c.mu.Unlock()
				if !slices.Equal(got, want) {
					t.Fatalf("%s step %d: due at %d %v, want %v", policy, step, now, got, want)
				}
			}
			c.mu.Lock()
			floor := c.ackFloor
			want := SequenceInfo{Consumer: c.delivered.Consumer, Stream: c.delivered.Stream}
			lowest := uint64(0)
			for seq := range c.pending {
				if lowest == 0 || seq < lowest {
					lowest = seq
				}
			}
			if lowest != 0 {
				want = SequenceInfo{Consumer: c.pending[lowest].cseq - 1, Stream: lowest - 1}
			}
			heapOK := len(c.deadlines) <= len(c.pending)
			for i, p := range c.deadlines {
				heapOK = heapOK && p.index == i && c.pending[p.seq] == p
			}
			c.mu.Unlock()
			if acked && (floor.Consumer != want.Consumer || floor.Stream != want.Stream) {
				t.Fatalf("%s step %d: ack floor %d/%d, want %d/%d", policy, step, floor.Consumer, floor.Stream, want.Consumer, want.Stream)
			}
			if !heapOK {
				t.Fatalf("%s step %d: deadline heap holds a delivery not pending or out of place", policy, step)
			}
		}
	}
}
