package bench

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// The consumer rows read a file stream that is filled once per server and per run of the matrix, then kept:
// the first repetition against a server fills it untimed (async publish, as the publish rows do), and every
// later repetition, of any consumer row, finds it full and reads it again through a durable consumer of its
// own, made for the run and deleted after it. Messages stay in the stream (limits retention), so every run
// reads the same messages from the first.

const (
	// ConsumeStreamMsgs is how many messages the consumer rows' stream holds.
	ConsumeStreamMsgs = 1_000_000
	// JSConsumeMsgs is what the pull and push rows read per run, from the stream's first message.
	JSConsumeMsgs = 1_000_000
	// JSAckMsgs is what the ack round-trip row fetches and acknowledges per run.
	JSAckMsgs = 5_000
	// KVMsgs is what the KV rows put or get per run, one key each.
	KVMsgs = 10_000
	// PullBatch is the pull consumer row's batch: the most messages nats.go asks for in one pull request.
	PullBatch = 100
)

// consumeStream is the stream of size messages the consumer rows read, and its subject. The size is in
// the name, so that rows of different scales never share a stream.
func consumeStream(size int) (name, subject string) {
	n := strconv.Itoa(size)
	return "CONSUME_" + n, "bench.consume." + n
}

// durableName is the run's consumer, named for its subject (consumer names may not contain dots).
func durableName(subject string) string { return streamName(subject) }

// ensureConsumeStream returns the consumer rows' stream, filling it first when the server does not hold
// it full yet: the fill is untimed and happens once per server.
func ensureConsumeStream(ctx context.Context, cs *clients, srv *Server, row Row) (string, error) {
	name, subject := consumeStream(row.Stream)
	js, err := jsPublisher(cs, srv)
	if err != nil {
		return "", err
	}
	info, err := streamInfo(ctx, js, name)
	switch {
	case err == nil && info.State.Msgs == uint64(row.Stream):
		return name, nil
	case err == nil: // left half-filled by a run that failed: start again
		if err := deleteStream(js, name); err != nil {
			return "", err
		}
	case !errors.Is(err, jetstream.ErrStreamNotFound):
		return "", fmt.Errorf("stream info %s: %w", name, err)
	}
	stream, err := createStream(ctx, js, name, subject, false)
	if err != nil {
		return "", err
	}
	if _, err := watched(ctx, cs, func() (Sample, error) {
		return publishAsync(ctx, js, subject, make([]byte, row.Payload), row.Stream)
	}); err != nil {
		return "", fmt.Errorf("filling %s: %w", name, err)
	}
	return name, checkStored(ctx, stream, row.Stream)
}

func streamInfo(ctx context.Context, js jetstream.JetStream, name string) (*jetstream.StreamInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, setupTimeout)
	defer cancel()
	stream, err := js.Stream(ctx, name)
	if err != nil {
		return nil, err
	}
	return stream.CachedInfo(), nil
}

// deleteStream deletes name on a fresh context: the run's may have ended.
func deleteStream(js jetstream.JetStream, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	if err := js.DeleteStream(ctx, name); err != nil {
		return fmt.Errorf("delete stream %s: %w", name, err)
	}
	return nil
}

// durable makes the run's durable consumer on stream with explicit acks and the servers' other defaults
// (max_ack_pending 1,000 on both); a push consumer when deliverTo is set.
func durable(ctx context.Context, js jetstream.JetStream, stream, name, deliverTo string) (jetstream.Consumer, error) {
	ctx, cancel := context.WithTimeout(ctx, setupTimeout)
	defer cancel()
	cfg := jetstream.ConsumerConfig{Durable: name, AckPolicy: jetstream.AckExplicitPolicy}
	if deliverTo != "" {
		cfg.DeliverSubject = deliverTo
		if _, err := js.CreateOrUpdatePushConsumer(ctx, stream, cfg); err != nil {
			return nil, fmt.Errorf("create push consumer %s: %w", name, err)
		}
		return nil, nil
	}
	cons, err := js.CreateOrUpdateConsumer(ctx, stream, cfg)
	if err != nil {
		return nil, fmt.Errorf("create consumer %s: %w", name, err)
	}
	return cons, nil
}

// deleteConsumer deletes the run's consumer on a fresh context; one left behind costs the server only
// memory, not the result.
func deleteConsumer(js jetstream.JetStream, stream, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	_ = js.DeleteConsumer(ctx, stream, name)
}

// runConsume runs a JSPullConsume, JSPushConsume or JSAckRoundTrip row against srv: it makes sure the
// stream is full, makes the run's durable consumer and reads row.Msgs messages from the stream's first,
// acknowledging each.
func runConsume(ctx context.Context, srv *Server, row Row, subject string) (Sample, error) {
	cs := newClients()
	defer cs.close()
	stream, err := ensureConsumeStream(ctx, cs, srv, row)
	if err != nil {
		return Sample{}, err
	}
	nc, err := cs.connect("js-consumer", srv)
	if err != nil {
		return Sample{}, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return Sample{}, err
	}
	name := durableName(subject)
	defer deleteConsumer(js, stream, name)
	var sample Sample
	switch row.Kind {
	case JSPullConsume:
		sample, err = pullConsume(ctx, cs, js, stream, name, row.Msgs)
	case JSPushConsume:
		sample, err = pushConsume(ctx, cs, nc, js, stream, name, row.Msgs)
	default:
		sample, err = ackRoundTrips(ctx, cs, js, stream, name, row.Msgs)
	}
	if err != nil {
		return Sample{}, err
	}
	return sample, ackedThrough(ctx, js, stream, name, row.Msgs, row.Kind == JSPushConsume)
}

// pullConsume reads count messages as `nats bench js consume --batch 100` does: Consume with a callback,
// at most PullBatch messages asked for at a time, each acknowledged with Ack (no reply awaited). It is
// timed from the Consume call until the last message has arrived.
func pullConsume(ctx context.Context, cs *clients, js jetstream.JetStream, stream, name string, count int) (Sample, error) {
	cons, err := durable(ctx, js, stream, name, "")
	if err != nil {
		return Sample{}, err
	}
	var received atomic.Int64
	finished := make(chan struct{})
	start := time.Now()
	consuming, err := cons.Consume(func(msg jetstream.Msg) {
		if err := msg.Ack(); err != nil {
			cs.fail(fmt.Errorf("js-consumer: ack: %w", err))
		}
		if received.Add(1) == int64(count) {
			close(finished)
		}
	}, jetstream.PullMaxMessages(PullBatch), jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
		cs.fail(fmt.Errorf("js-consumer: consume: %w", err))
	}))
	if err != nil {
		return Sample{}, fmt.Errorf("js-consumer: consume: %w", err)
	}
	defer consuming.Stop()
	if err := cs.wait(ctx, finished); err != nil {
		return Sample{}, fmt.Errorf("%w (%d of %d received)", err, received.Load(), count)
	}
	return Sample{Msgs: count, Elapsed: time.Since(start)}, nil
}

// pushConsume reads count messages through a push consumer: a plain subscription on a deliver subject,
// made before the consumer (so it delivers at once), acknowledging each message with Ack. It is timed from
// the consumer's creation until the last message has arrived.
func pushConsume(ctx context.Context, cs *clients, nc *nats.Conn, js jetstream.JetStream, stream, name string, count int) (Sample, error) {
	deliverTo := nc.NewInbox()
	var received atomic.Int64
	finished := make(chan struct{})
	sub, err := nc.Subscribe(deliverTo, func(msg *nats.Msg) {
		if err := msg.Ack(); err != nil {
			cs.fail(fmt.Errorf("js-consumer: ack: %w", err))
		}
		if received.Add(1) == int64(count) {
			close(finished)
		}
	})
	if err != nil {
		return Sample{}, err
	}
	defer sub.Unsubscribe()
	if err := sub.SetPendingLimits(-1, -1); err != nil {
		return Sample{}, err
	}
	if err := nc.FlushTimeout(setupTimeout); err != nil {
		return Sample{}, err
	}
	start := time.Now()
	if _, err := durable(ctx, js, stream, name, deliverTo); err != nil {
		return Sample{}, err
	}
	if err := cs.wait(ctx, finished); err != nil {
		return Sample{}, fmt.Errorf("%w (%d of %d received)", err, received.Load(), count)
	}
	return Sample{Msgs: count, Elapsed: time.Since(start)}, nil
}

// ackRoundTrips fetches count messages one at a time (Next, a pull request for one message) and
// acknowledges each with DoubleAck (AckSync: the ack is a request the server answers), timing each
// fetch-and-ack.
func ackRoundTrips(ctx context.Context, cs *clients, js jetstream.JetStream, stream, name string, count int) (Sample, error) {
	cons, err := durable(ctx, js, stream, name, "")
	if err != nil {
		return Sample{}, err
	}
	return watched(ctx, cs, func() (Sample, error) {
		latencies := make([]time.Duration, 0, count)
		start := time.Now()
		for i := range count {
			sent := time.Now()
			msg, err := cons.Next(jetstream.FetchMaxWait(requestTimeout))
			if err != nil {
				return Sample{}, fmt.Errorf("js-consumer: fetch %d: %w", i+1, err)
			}
			if err := msg.DoubleAck(ctx); err != nil {
				return Sample{}, fmt.Errorf("js-consumer: ack %d: %w", i+1, err)
			}
			latencies = append(latencies, time.Since(sent))
		}
		elapsed := time.Since(start)
		slices.Sort(latencies)
		return Sample{Msgs: count, Elapsed: elapsed, P50: Percentile(latencies, 50), P99: Percentile(latencies, 99)}, nil
	})
}

// ackedThrough waits, untimed, until the consumer's ack floor reaches count: every ack the run sent was
// taken, and none was lost.
func ackedThrough(ctx context.Context, js jetstream.JetStream, stream, name string, count int, push bool) error {
	ctx, cancel := context.WithTimeout(ctx, setupTimeout)
	defer cancel()
	var floor uint64
	for {
		var info *jetstream.ConsumerInfo
		var err error
		if push { // nats.go asks which kind it is, and refuses the other
			var cons jetstream.PushConsumer
			if cons, err = js.PushConsumer(ctx, stream, name); err == nil {
				info = cons.CachedInfo()
			}
		} else {
			var cons jetstream.Consumer
			if cons, err = js.Consumer(ctx, stream, name); err == nil {
				info = cons.CachedInfo()
			}
		}
		if err == nil {
			if floor = info.AckFloor.Consumer; floor >= uint64(count) {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("consumer %s: ack floor %d after %d acks (%v)", name, floor, count, err)
		case <-time.After(10 * time.Millisecond):
		}
	}
}
