package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
)

// runThroughput runs a PubOnly or PubSub row against nodes, each client on its node of row.Place:
// subscribers first, each confirmed by a Flush and then by probes from every publisher's node (ready.go),
// then the publishers, each sending its share of row.Msgs as fast as nats.go will take them.
func runThroughput(ctx context.Context, nodes []*Server, row Row, subject string) (Sample, error) {
	cs := newClients()
	defer cs.close()

	var arrivals *tally
	var check *deliveryCheck  // queue rows only
	var shares []atomic.Int64 // by subscriber; queue rows only
	ready := newReadiness(row.Pubs, row.Subs)
	if row.Kind == PubSub {
		arrivals = newTally(row.Deliveries())
		if row.Queue {
			if row.Payload < seqBytes {
				return Sample{}, fmt.Errorf("queue rows stamp a %d-byte sequence number: payload %d B is too short", seqBytes, row.Payload)
			}
			check = newDeliveryCheck(row.Msgs)
			shares = make([]atomic.Int64, row.Subs)
		}
		for i := range row.Subs {
			onMsg := arrivals.onMsg
			if check != nil {
				onMsg = func(m *nats.Msg) {
					shares[i].Add(1)
					check.record(m.Data)
					arrivals.onMsg(m)
				}
			}
			node := nodes[row.Place.Sub(i)]
			if err := subscribe(cs, fmt.Sprintf("sub-%d", i), node, subject, row.Queue, onMsg, ready.onProbe(i)); err != nil {
				return Sample{}, err
			}
		}
	}

	pubs := make([]*nats.Conn, row.Pubs)
	for i := range pubs {
		nc, err := cs.connect(fmt.Sprintf("pub-%d", i), nodes[row.Place.Pub(i)])
		if err != nil {
			return Sample{}, err
		}
		pubs[i] = nc
	}
	if err := ready.await(ctx, subject, pubs, setupTimeout); err != nil {
		return Sample{}, err
	}

	published := make(chan struct{})
	var wg sync.WaitGroup
	start := time.Now()
	first := 0
	for i, nc := range pubs {
		share := row.Msgs / row.Pubs
		if i == 0 {
			share += row.Msgs % row.Pubs
		}
		payload := make([]byte, row.Payload) // each publisher's own: a checked row stamps sequence numbers into it
		seq := -1
		if check != nil {
			seq = first
		}
		wg.Go(func() {
			if err := publish(ctx, nc, subject, payload, share, seq); err != nil {
				cs.fail(fmt.Errorf("pub-%d: %w", i, err))
			}
		})
		first += share
	}
	go func() { wg.Wait(); close(published) }()

	if row.Kind == PubOnly {
		if err := cs.wait(ctx, published); err != nil {
			return Sample{}, err
		}
		return Sample{Msgs: row.Msgs, Elapsed: time.Since(start)}, nil
	}
	stallCtx, stopWatch := arrivals.watchStall(ctx, published)
	defer stopWatch()
	if err := cs.wait(stallCtx, arrivals.done); err != nil {
		return Sample{}, fmt.Errorf("%w (received %d of %d)", err, arrivals.received.Load(), arrivals.expected)
	}
	sample := Sample{Msgs: int(arrivals.expected), Elapsed: arrivals.elapsed()}
	if check != nil {
		if err := check.verify(ctx, arrivals); err != nil {
			return Sample{}, err
		}
		for i := range shares {
			sample.Shares = append(sample.Shares, int(shares[i].Load()))
		}
	}
	return sample, nil
}

// subscribe opens a subscriber connection to srv whose every message goes to onMsg, and returns once srv
// has the subscription and, after it, the subscription to the ready subject, whose probes go to onProbe.
// Its pending limits are lifted: by default a nats.go subscription drops messages past 512 Ki of them or
// 64 MiB, which would measure the client library rather than the server.
func subscribe(cs *clients, name string, srv *Server, subject string, queue bool, onMsg, onProbe nats.MsgHandler) error {
	nc, err := cs.connect(name, srv)
	if err != nil {
		return err
	}
	var sub *nats.Subscription
	if queue {
		sub, err = nc.QueueSubscribe(subject, "workers", onMsg)
	} else {
		sub, err = nc.Subscribe(subject, onMsg)
	}
	if err != nil {
		return fmt.Errorf("%s: subscribe: %w", name, err)
	}
	if err := sub.SetPendingLimits(-1, -1); err != nil {
		return fmt.Errorf("%s: pending limits: %w", name, err)
	}
	if _, err := nc.Subscribe(readySubject(subject), onProbe); err != nil {
		return fmt.Errorf("%s: subscribe to probes: %w", name, err)
	}
	if err := nc.FlushTimeout(setupTimeout); err != nil {
		return fmt.Errorf("%s: confirm subscription: %w", name, err)
	}
	return nil
}

// publish sends count messages and then flushes, so that it returns only once the server has read them
// all (the PONG comes after them). With seq at 0 or more, each message's payload starts with its sequence
// number, seq, seq+1, ..., for the subscribers' exactly-once check; with -1 the payload is sent as is.
func publish(ctx context.Context, nc *nats.Conn, subject string, payload []byte, count, seq int) error {
	for i := range count {
		if seq >= 0 {
			stampSeq(payload, seq+i)
		}
		if err := nc.Publish(subject, payload); err != nil {
			return err
		}
		if i%4096 == 0 && ctx.Err() != nil {
			return context.Cause(ctx)
		}
	}
	return nc.FlushWithContext(ctx)
}

// tally counts what all the subscribers of a run receive, and when the first and the last arrived. Each
// subscription calls onMsg from its own goroutine.
type tally struct {
	expected int64
	origin   time.Time     // instants below are nanoseconds since origin, so they keep monotonic time
	received atomic.Int64  // messages so far, over all subscribers
	first    atomic.Int64  // when received became 1
	last     atomic.Int64  // when received reached expected
	done     chan struct{} // closed when received reaches expected
}

func newTally(expected int) *tally {
	return &tally{expected: int64(expected), origin: time.Now(), done: make(chan struct{})}
}

func (t *tally) onMsg(*nats.Msg) {
	switch t.received.Add(1) {
	case 1:
		t.first.Store(int64(time.Since(t.origin)))
		if t.expected == 1 {
			t.last.Store(t.first.Load())
			close(t.done)
		}
	case t.expected:
		t.last.Store(int64(time.Since(t.origin)))
		close(t.done)
	}
}

// stallTimeout bounds a run that has lost messages: once the publishers have flushed, subscribers that
// receive nothing for this long never will (a message dropped between nodes leaves the count short for
// good), and the run fails then rather than at its timeout.
const stallTimeout = 3 * time.Second

// watchStall returns ctx, cancelled once published is closed and then nothing arrives for stallTimeout.
// stop ends the watch.
func (t *tally) watchStall(ctx context.Context, published <-chan struct{}) (watched context.Context, stop func()) {
	watched, cancel := context.WithCancelCause(ctx)
	go func() {
		select {
		case <-published:
		case <-watched.Done():
			return
		}
		tick := time.NewTicker(stallTimeout / 30)
		defer tick.Stop()
		last, moved := t.received.Load(), time.Now()
		for {
			select {
			case <-watched.Done():
				return
			case <-tick.C:
			}
			if n := t.received.Load(); n != last {
				last, moved = n, time.Now()
			} else if time.Since(moved) >= stallTimeout {
				cancel(fmt.Errorf("stalled: nothing received for %v after the publishers flushed", stallTimeout))
				return
			}
		}
	}()
	return watched, func() { cancel(nil) }
}

// elapsed is the time from the first message to the last; valid once done is closed.
func (t *tally) elapsed() time.Duration {
	return time.Duration(t.last.Load() - t.first.Load())
}
