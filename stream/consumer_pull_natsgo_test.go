package stream_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// nats.go's pull APIs that rely on pull idle heartbeats and status messages, the same calls on reactor
// and on the reference: Consume through idle time (heartbeats, no error) then messages, the Messages
// iterator, Fetch and FetchNoWait, an ordered consumer, and a Consume whose consumer is deleted under it
// (ErrConsumerDeleted reported).
func TestPullConsumeThroughNatsGoMatchesReference(t *testing.T) {
	t.Parallel()
	sameSessionOnBoth(t, func(nc *nats.Conn, js jetstream.JetStream) string { return pullConsumeSession(t, nc, js) })
}

// pullConsumeSession runs the story on js and tells what the application saw.
func pullConsumeSession(t *testing.T, nc *nats.Conn, js jetstream.JetStream) string {
	t.Helper()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out strings.Builder
	fail := func(what string, err error) string {
		t.Errorf("%s: %v", what, err)
		return out.String()
	}
	st, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "PC", Subjects: []string{"pc.>"}})
	if err != nil {
		return fail("stream", err)
	}
	publish := func(subject string, n int) error {
		for i := 1; i <= n; i++ {
			if _, err := js.Publish(ctx, subject, []byte(fmt.Sprintf("%s-%d", subject, i))); err != nil {
				return err
			}
		}
		return nil
	}
	c, err := st.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "D", AckPolicy: jetstream.AckExplicitPolicy})
	if err != nil {
		return fail("consumer", err)
	}
	// nats.go unsubscribes a stopped Consume or Messages on its own goroutine; a step waits for that, so
	// that its messages do not go to the previous step's last request. (The count includes the
	// JetStream context's response subscription, made by now.)
	subs := nc.NumSubscriptions()
	unsubscribed := func() { eventually(t, 10*time.Second, func() bool { return nc.NumSubscriptions() == subs }) }

	// Consume: 2.5 s of nothing (heartbeats every 500 ms, a request expiring every second), then messages.
	var mu sync.Mutex
	var got, errs []string
	cc, err := c.Consume(func(m jetstream.Msg) {
		mu.Lock()
		got = append(got, string(m.Data()))
		mu.Unlock()
		_ = m.Ack()
	}, jetstream.PullExpiry(time.Second), jetstream.PullHeartbeat(500*time.Millisecond),
		jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
			mu.Lock()
			errs = append(errs, err.Error())
			mu.Unlock()
		}))
	if err != nil {
		return fail("consume", err)
	}
	time.Sleep(2500 * time.Millisecond)
	if err := publish("pc.a", 3); err != nil {
		return fail("publish", err)
	}
	eventually(t, 10*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return len(got) >= 3 })
	cc.Stop()
	unsubscribed()
	mu.Lock()
	fmt.Fprintf(&out, "consume got %v errors %v\n", got, errs)
	mu.Unlock()

	// Messages: two messages, then Next waits (heartbeats) until the iterator is stopped.
	if err := publish("pc.b", 2); err != nil {
		return fail("publish", err)
	}
	it, err := c.Messages(jetstream.PullExpiry(time.Second), jetstream.PullHeartbeat(500*time.Millisecond))
	if err != nil {
		return fail("messages", err)
	}
	for range 2 {
		m, err := it.Next()
		if err != nil {
			return fail("next", err)
		}
		fmt.Fprintf(&out, "messages got %s\n", m.Data())
		_ = m.Ack()
	}
	time.AfterFunc(1500*time.Millisecond, it.Stop)
	_, err = it.Next()
	fmt.Fprintf(&out, "messages after stop: %v\n", errors.Is(err, jetstream.ErrMsgIteratorClosed))
	unsubscribed()

	// Fetch with messages, then FetchNoWait without.
	if err := publish("pc.c", 2); err != nil {
		return fail("publish", err)
	}
	batch, err := c.Fetch(5, jetstream.FetchMaxWait(2*time.Second), jetstream.FetchHeartbeat(500*time.Millisecond))
	if err != nil {
		return fail("fetch", err)
	}
	for m := range batch.Messages() {
		fmt.Fprintf(&out, "fetch got %s\n", m.Data())
		_ = m.Ack()
	}
	fmt.Fprintf(&out, "fetch error %v\n", batch.Error())
	batch, err = c.FetchNoWait(5)
	if err != nil {
		return fail("fetch no wait", err)
	}
	n := 0
	for range batch.Messages() {
		n++
	}
	fmt.Fprintf(&out, "fetch no wait got %d error %v\n", n, batch.Error())
	info, err := c.Info(ctx)
	if err != nil {
		return fail("info", err)
	}
	fmt.Fprintf(&out, "info delivered %d/%d ack floor %d/%d pending %d ack pending %d redelivered %d waiting %d\n",
		info.Delivered.Consumer, info.Delivered.Stream, info.AckFloor.Consumer, info.AckFloor.Stream, info.NumPending,
		info.NumAckPending, info.NumRedelivered, info.NumWaiting)

	// Ordered consumers on one subject: one fetches, another consumes everything and what comes next.
	oc, err := js.OrderedConsumer(ctx, "PC", jetstream.OrderedConsumerConfig{FilterSubjects: []string{"pc.a"}})
	if err != nil {
		return fail("ordered", err)
	}
	batch, err = oc.Fetch(2, jetstream.FetchMaxWait(time.Second))
	if err != nil {
		return fail("ordered fetch", err)
	}
	for m := range batch.Messages() {
		fmt.Fprintf(&out, "ordered fetch got %s\n", m.Data())
	}
	got = nil
	oc, err = js.OrderedConsumer(ctx, "PC", jetstream.OrderedConsumerConfig{FilterSubjects: []string{"pc.a"}})
	if err != nil {
		return fail("ordered", err)
	}
	occ, err := oc.Consume(func(m jetstream.Msg) {
		mu.Lock()
		got = append(got, string(m.Data()))
		mu.Unlock()
	}, jetstream.PullHeartbeat(500*time.Millisecond))
	if err != nil {
		return fail("ordered consume", err)
	}
	if err := publish("pc.a", 1); err != nil {
		return fail("publish", err)
	}
	eventually(t, 10*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return len(got) >= 4 })
	occ.Stop()
	unsubscribed()
	mu.Lock()
	fmt.Fprintf(&out, "ordered consume got %v\n", got)
	mu.Unlock()

	// Consume while the consumer is deleted: nats.go reports ErrConsumerDeleted.
	x, err := st.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "X", AckPolicy: jetstream.AckExplicitPolicy,
		DeliverPolicy: jetstream.DeliverNewPolicy})
	if err != nil {
		return fail("consumer X", err)
	}
	deleted := make(chan struct{})
	var once sync.Once
	xc, err := x.Consume(func(jetstream.Msg) {}, jetstream.PullExpiry(5*time.Second),
		jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
			if errors.Is(err, jetstream.ErrConsumerDeleted) {
				once.Do(func() { close(deleted) })
			}
		}))
	if err != nil {
		return fail("consume X", err)
	}
	defer xc.Stop()
	time.Sleep(300 * time.Millisecond)
	if err := st.DeleteConsumer(ctx, "X"); err != nil {
		return fail("delete X", err)
	}
	select {
	case <-deleted:
		fmt.Fprintf(&out, "consume told the consumer was deleted\n")
	case <-time.After(10 * time.Second):
		fmt.Fprintf(&out, "consume not told the consumer was deleted\n")
	}
	return out.String()
}

// eventually polls cond until it holds or wait has passed.
func eventually(t *testing.T, wait time.Duration, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(wait); !cond(); {
		if time.Now().After(deadline) {
			t.Errorf("condition not met within %v", wait)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}
