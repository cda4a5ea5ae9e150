package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
)

// runThroughput runs a PubOnly or PubSub row: subscribers first, each confirmed by a Flush (the server has
// processed its SUB before anything is published), then the publishers, each sending its share of row.Msgs
// as fast as nats.go will take them.
func runThroughput(ctx context.Context, srv *Server, row Row, subject string) (Sample, error) {
	cs := newClients(srv)
	defer cs.close()

	var arrivals *tally
	if row.Kind == PubSub {
		arrivals = newTally(row.Deliveries())
		for i := range row.Subs {
			if err := subscribe(cs, fmt.Sprintf("sub-%d", i), subject, row.Queue, arrivals.onMsg); err != nil {
				return Sample{}, err
			}
		}
	}

	pubs := make([]*nats.Conn, row.Pubs)
	for i := range pubs {
		nc, err := cs.connect(fmt.Sprintf("pub-%d", i))
		if err != nil {
			return Sample{}, err
		}
		pubs[i] = nc
	}

	payload := make([]byte, row.Payload)
	published := make(chan struct{})
	var wg sync.WaitGroup
	start := time.Now()
	for i, nc := range pubs {
		share := row.Msgs / row.Pubs
		if i == 0 {
			share += row.Msgs % row.Pubs
		}
		wg.Go(func() {
			if err := publish(ctx, nc, subject, payload, share); err != nil {
				cs.fail(fmt.Errorf("pub-%d: %w", i, err))
			}
		})
	}
	go func() { wg.Wait(); close(published) }()

	if row.Kind == PubOnly {
		if err := cs.wait(ctx, published); err != nil {
			return Sample{}, err
		}
		return Sample{Msgs: row.Msgs, Elapsed: time.Since(start)}, nil
	}
	if err := cs.wait(ctx, arrivals.done); err != nil {
		return Sample{}, fmt.Errorf("%w (received %d of %d)", err, arrivals.received.Load(), arrivals.expected)
	}
	return Sample{Msgs: int(arrivals.expected), Elapsed: arrivals.elapsed()}, nil
}

// subscribe opens a subscriber connection whose every message goes to onMsg, and returns once the server
// has the subscription. Its pending limits are lifted: by default a nats.go subscription drops messages
// past 512 Ki of them or 64 MiB, which would measure the client library rather than the server.
func subscribe(cs *clients, name, subject string, queue bool, onMsg nats.MsgHandler) error {
	nc, err := cs.connect(name)
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
	if err := nc.FlushTimeout(setupTimeout); err != nil {
		return fmt.Errorf("%s: confirm subscription: %w", name, err)
	}
	return nil
}

// publish sends count messages and then flushes, so that it returns only once the server has read them
// all (the PONG comes after them).
func publish(ctx context.Context, nc *nats.Conn, subject string, payload []byte, count int) error {
	for i := range count {
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

// elapsed is the time from the first message to the last; valid once done is closed.
func (t *tally) elapsed() time.Duration {
	return time.Duration(t.last.Load() - t.first.Load())
}
