package stream_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// CONSUMER.PAUSE through nats.go's PauseConsumer / ResumeConsumer, the same calls on reactor and on the
// reference: the responses, the info's paused and pause_remaining and the configuration's pause_until,
// no delivery while paused (FetchNoWait finds nothing, a Fetch waits) and delivery at pause_until, a
// consumer created paused, a pause in the past, and a missing consumer.
func TestConsumerPauseMatchesReference(t *testing.T) {
	t.Parallel()
	sameSessionOnBoth(t, func(nc *nats.Conn, js jetstream.JetStream) string { return pauseSession(t, js) })
}

func pauseSession(t *testing.T, js jetstream.JetStream) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out := ""
	fail := func(what string, err error) string {
		t.Errorf("%s: %v", what, err)
		return out
	}
	st, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "PS", Subjects: []string{"ps.>"}})
	if err != nil {
		return fail("stream", err)
	}
	for i := 1; i <= 2; i++ {
		if _, err := js.Publish(ctx, "ps.a", []byte(fmt.Sprintf("m%d", i))); err != nil {
			return fail("publish", err)
		}
	}
	c, err := st.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "D", AckPolicy: jetstream.AckExplicitPolicy})
	if err != nil {
		return fail("consumer", err)
	}
	describe := func(what string) {
		info, err := c.Info(ctx)
		if err != nil {
			out += fmt.Sprintf("%s: %v\n", what, err)
			return
		}
		out += fmt.Sprintf("%s: paused %v remaining>0 %v config pause_until set %v delivered %d pending %d\n", what,
			info.Paused, info.PauseRemaining > 0, info.Config.PauseUntil != nil, info.Delivered.Stream, info.NumPending)
	}
	const pause = 1500 * time.Millisecond
	until := time.Now().Add(pause).UTC()
	resp, err := js.PauseConsumer(ctx, "PS", "D", until)
	if err != nil {
		return fail("pause", err)
	}
	out += fmt.Sprintf("pause: paused %v until as asked %v remaining in (0, pause] %v\n", resp.Paused,
		resp.PauseUntil.Equal(until), resp.PauseRemaining > 0 && resp.PauseRemaining <= pause)
	describe("paused")
	batch, err := c.FetchNoWait(1)
	if err != nil {
		return fail("fetch no wait", err)
	}
	n := 0
	for range batch.Messages() {
		n++
	}
	out += fmt.Sprintf("fetch no wait while paused: %d\n", n)
	batch, err = c.Fetch(1, jetstream.FetchMaxWait(10*time.Second))
	if err != nil {
		return fail("fetch", err)
	}
	for m := range batch.Messages() {
		// Delivered at the pause's end, not before (a margin for clocks and scheduling).
		out += fmt.Sprintf("fetch got %s after the pause %v\n", m.Data(), time.Now().After(until.Add(-100*time.Millisecond)))
		_ = m.Ack()
	}
	describe("after the pause")

	if _, err := js.PauseConsumer(ctx, "PS", "D", time.Now().Add(time.Hour)); err != nil {
		return fail("pause", err)
	}
	resp, err = js.ResumeConsumer(ctx, "PS", "D")
	if err != nil {
		return fail("resume", err)
	}
	out += fmt.Sprintf("resume: paused %v until zero %v remaining %v\n", resp.Paused, resp.PauseUntil.IsZero(), resp.PauseRemaining)
	describe("resumed")
	resp, err = js.PauseConsumer(ctx, "PS", "D", time.Now().Add(-time.Hour))
	if err != nil {
		return fail("pause in the past", err)
	}
	out += fmt.Sprintf("pause in the past: paused %v remaining %v\n", resp.Paused, resp.PauseRemaining)
	describe("paused in the past")

	later := time.Now().Add(time.Hour)
	pc, err := st.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "Q", PauseUntil: &later})
	if err != nil {
		return fail("create paused", err)
	}
	info := pc.CachedInfo()
	out += fmt.Sprintf("created paused: paused %v remaining>0 %v\n", info.Paused, info.PauseRemaining > 0)
	_, err = js.PauseConsumer(ctx, "PS", "NOPE", later)
	out += fmt.Sprintf("pause missing: %v\n", err)
	return out
}
