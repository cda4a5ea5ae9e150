package bench

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync/atomic"
	"time"
)

// A queue group must deliver each message to exactly one member, and across a cluster that rests on the
// nodes agreeing who draws: a node that delivers to its own member and also forwards the message to a
// peer's member duplicates it, one that forwards to a peer that no longer has the group loses it. A count
// alone would let one duplicate hide one loss, so queue rows number their messages: the publisher writes
// a sequence number into the first seqBytes of each payload and the subscribers mark each number seen.

// seqBytes is the size of the sequence number at the start of a checked message's payload.
const seqBytes = 8

// exactlyOnceLinger is how long a checked run keeps listening after the last expected message, so that a
// duplicate still on its way shows up in the count.
const exactlyOnceLinger = 250 * time.Millisecond

// stampSeq writes seq into the start of payload, which must hold seqBytes.
func stampSeq(payload []byte, seq int) { binary.BigEndian.PutUint64(payload, uint64(seq)) }

// deliveryCheck marks the sequence numbers subscribers receive; record may be called from every
// subscriber's goroutine at once.
type deliveryCheck struct {
	seen       []atomic.Uint64 // bit seq%64 of word seq/64: seq was received
	count      int             // messages published, numbered 0 to count-1
	duplicates atomic.Int64    // messages whose number had been received before
	strays     atomic.Int64    // messages with no number or one never published
}

func newDeliveryCheck(count int) *deliveryCheck {
	return &deliveryCheck{seen: make([]atomic.Uint64, (count+63)/64), count: count}
}

// record marks the sequence number data starts with.
func (d *deliveryCheck) record(data []byte) {
	if len(data) < seqBytes {
		d.strays.Add(1)
		return
	}
	seq := binary.BigEndian.Uint64(data)
	if seq >= uint64(d.count) {
		d.strays.Add(1)
		return
	}
	bit := uint64(1) << (seq % 64)
	if d.seen[seq/64].Or(bit)&bit != 0 {
		d.duplicates.Add(1)
	}
}

// verify waits exactlyOnceLinger for latecomers, then reports whether every published message was
// received exactly once. arrivals must have counted every message recorded.
func (d *deliveryCheck) verify(ctx context.Context, arrivals *tally) error {
	select {
	case <-time.After(exactlyOnceLinger):
	case <-ctx.Done():
		return fmt.Errorf("exactly-once check: %w", context.Cause(ctx))
	}
	return d.judge(arrivals.received.Load())
}

// judge is verify's verdict on received messages: exactly once when as many arrived as were published
// and each carried a number published and not yet seen, which leaves no number unseen.
func (d *deliveryCheck) judge(received int64) error {
	dups, strays := d.duplicates.Load(), d.strays.Load()
	if received == int64(d.count) && dups == 0 && strays == 0 {
		return nil
	}
	missing := int64(d.count) - (received - dups - strays)
	return fmt.Errorf("not exactly once: %d published, %d received, %d duplicates, %d missing, %d unnumbered or unknown",
		d.count, received, dups, missing, strays)
}
