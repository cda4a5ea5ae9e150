package reactor

import (
	"context"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// Producer stalls, as nats-server has them: when a publisher's message goes to a connection whose unsent
// output is above three quarters of max_pending, the publisher's socket is left unread (readpause.go) until
// that subscriber is back below the mark, or stallMax has passed. TCP then slows the publisher to the pace
// of its subscriber. A subscriber that is stuck still passes max_pending (a stall only delays the publisher)
// and is cut off as a slow consumer.
//
// Slow is not stuck: a subscriber that has stopped reading altogether must not hold its publishers back
// (nats-server stalls them anyway, and every other subscriber of those publishers pays until the stuck one
// is cut). So a lagging subscriber whose socket has taken no bytes for stuckAfter stops stalling publishers;
// they run at full speed again and the stuck subscriber reaches max_pending and is cut off soon after.
// stuckAfter is long because a wrong verdict cuts off a healthy subscriber: 50 ms was measured too short, as
// a live nats.go reader in a busy 2-core process (GC, scheduling) can pause that long.
//
// Who knows what:
//   - A subscriber's loop publishes in pendingHigh whether it is behind and not stuck, after each write and,
//     while it is behind, every stallTick (gnet drains sockets without telling us, so the loop re-reads the
//     level and the bytes written since the last tick).
//   - A publisher learns of a lagging subscriber on the same or another loop from pendingHigh as it routes,
//     and from the subscriber's loop, which asks for a stall after draining a batch into a lagging subscriber
//     (the batch names its producer): the second covers what was in flight between loops.
//   - Between loops, a destination loop's inbox may also back up (it is busy, or starved of CPU): a
//     publisher whose batches leave an inbox above inboxHigh bytes stalls until that inbox has drained.
//   - A loop's stall clock ticks every stallTick while the loop has paused publishers, lagging subscribers
//     or held output (client.flush), and is idle otherwise.

const (
	stallMax   = 5 * time.Millisecond   // longest one stall keeps a publisher unread (nats-server: 5ms)
	stallTick  = time.Millisecond       // how often a loop re-checks its stalls and lagging subscribers
	stuckAfter = 200 * time.Millisecond // a lagging subscriber whose socket took nothing this long is stuck
)

// notePending records c's unsent output after a write. Above the stall threshold c joins its loop's lagging
// list, and its publishers are stalled until it drains or is found stuck. Runs on c's loop.
func (c *client) notePending(pending int) {
	if c.lagging || pending <= c.srv.lim().stallThreshold {
		return
	}
	c.lagging = true
	c.lagStuck = false
	c.lagWritten = c.queuedBytes - int64(c.conn.OutboundBuffered())
	c.lagProgressAt = time.Now().UnixNano()
	c.setPendingHigh(true)
	c.loop.lagging = append(c.loop.lagging, c)
	c.loop.startStallClock()
}

func (c *client) setPendingHigh(high bool) {
	if high != c.pendingHighLocal {
		c.pendingHighLocal = high
		c.pendingHigh.Store(high)
	}
}

// checkLag re-reads a lagging subscriber's level and progress; it reports whether c is still lagging.
func (c *client) checkLag(now int64) bool {
	if c.closing || c.gone() {
		c.lagging = false
		c.setPendingHigh(false)
		return false
	}
	pending := c.pending()
	if pending <= c.srv.lim().stallThreshold {
		c.lagging = false
		c.setPendingHigh(false)
		return false
	}
	if written := c.queuedBytes - int64(c.conn.OutboundBuffered()); written > c.lagWritten {
		c.lagWritten, c.lagProgressAt, c.lagStuck = written, now, false
	} else if now-c.lagProgressAt > int64(stuckAfter) {
		c.lagStuck = true
	}
	c.setPendingHigh(!c.lagStuck)
	return true
}

// stallCause is what a publisher waits on while stalled: a subscriber behind on its socket, or a loop
// behind on its inbox. Exactly one is set.
type stallCause struct {
	sub  *client
	loop *loop
}

func (sc stallCause) none() bool { return sc.sub == nil && sc.loop == nil }

// holds reports whether the cause still stands. Safe from any loop.
func (sc stallCause) holds() bool {
	if sc.sub != nil {
		return sc.sub.pendingHigh.Load()
	}
	return sc.loop.inboxBytes.Load() > sc.loop.srv.lim().inboxHigh
}

// fedSlowRecipient returns a recipient of b that is now behind, or nil. Runs on the destination loop after
// its flush, where pendingHighLocal is current.
func (b *batch) fedSlowRecipient() *client {
	for _, it := range b.items {
		if it.sub.client.pendingHighLocal {
			return it.sub.client
		}
	}
	return nil
}

// requestStall asks c's loop, from another loop, to stall c on subscriber on. One request is in flight at a
// time.
func (c *client) requestStall(on *client) {
	if !c.stallRequested.CompareAndSwap(false, true) {
		return
	}
	err := c.loop.el.Execute(context.Background(), gnet.RunnableFunc(func(context.Context) error {
		c.stallRequested.Store(false)
		c.stall(stallCause{sub: on})
		return nil
	}))
	if err != nil {
		c.stallRequested.Store(false)
	}
}

// stall stops reading from c, a publisher, until its cause has cleared or stallMax has passed. Runs on c's
// loop.
func (c *client) stall(on stallCause) {
	l := c.loop
	if l.epollFD <= 0 || c.gone() || c.closing || c.pausedUntil != 0 || !on.holds() {
		return
	}
	if err := c.setReading(false); err != nil {
		return
	}
	l.stats.stalls.Add(1)
	c.pausedUntil = time.Now().Add(stallMax).UnixNano()
	c.stalledOn = on
	l.paused = append(l.paused, c)
	l.startStallClock()
}

func (l *loop) startStallClock() {
	if l.stallClockOn {
		return
	}
	l.stallClockOn = true
	if l.stallTimer == nil {
		l.stallTimer = time.AfterFunc(stallTick, l.fireStallClock)
	} else {
		l.stallTimer.Reset(stallTick)
	}
}

// fireStallClock runs on the timer's goroutine and hands the tick to the loop. It touches no loop state: if
// Execute fails the engine is shutting down and the loop will never run again.
func (l *loop) fireStallClock() {
	_ = l.el.Execute(context.Background(), l.stallTask)
}

// stallClockTick re-reads the level of lagging subscribers and resumes publishers whose subscriber caught
// up or whose stall ran out. Runs on the loop.
func (l *loop) stallClockTick(context.Context) error {
	l.holdTick()
	now := time.Now().UnixNano()
	lagging := l.lagging[:0]
	for _, c := range l.lagging {
		if c.checkLag(now) {
			lagging = append(lagging, c)
		}
	}
	clear(l.lagging[len(lagging):])
	l.lagging = lagging

	paused := l.paused[:0]
	for _, c := range l.paused {
		switch {
		case c.closing || c.gone():
			c.pausedUntil, c.stalledOn = 0, stallCause{}
		case now >= c.pausedUntil || !c.stalledOn.holds():
			c.pausedUntil, c.stalledOn = 0, stallCause{}
			_ = c.setReading(true)
		default:
			paused = append(paused, c)
		}
	}
	clear(l.paused[len(paused):])
	l.paused = paused

	if len(l.paused) > 0 || len(l.lagging) > 0 || len(l.held) > 0 {
		l.stallTimer.Reset(stallTick)
	} else {
		l.stallClockOn = false
	}
	return nil
}

// holdTick hands held output to gnet for every connection whose gnet queue has drained. Runs on the loop,
// between callbacks.
func (l *loop) holdTick() {
	held := l.held[:0]
	for _, c := range l.held {
		if !c.gone() && c.writeOut(false) {
			held = append(held, c)
			continue
		}
		c.held = false
	}
	clear(l.held[len(held):])
	l.held = held
}
