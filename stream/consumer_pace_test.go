package stream_test

import (
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

var paceCases = []consumerConfigCase{
	{"replay original", "CREATE.F.R1", `{"name":"R1","replay_policy":"original"}`},
	{"replay original push", "CREATE.F.R2", `{"name":"R2","replay_policy":"original","deliver_subject":"dr2"}`},
	{"replay unknown", "CREATE.F.R3", `{"name":"R3","replay_policy":"bogus"}`},
	{"replay update", "CREATE.F.R2", `{"name":"R2","replay_policy":"instant","deliver_subject":"dr2"}|update`},
	{"rate limit pull", "CREATE.F.L1", `{"name":"L1","rate_limit_bps":1000}`},
	{"rate limit push", "CREATE.F.L2", `{"name":"L2","rate_limit_bps":1000,"deliver_subject":"dl2"}`},
	{"rate limit update", "CREATE.F.L2", `{"name":"L2","rate_limit_bps":2000,"deliver_subject":"dl2"}|update`},
}

// Replay policy and rate limit configurations, request by request on reactor and on the reference.
func TestConsumerPaceConfigMatchesReference(t *testing.T) {
	t.Parallel()
	compareConsumerAnswers(t, filterMessages, paceCases)
}

// A consumer replaying "original" delivers four messages stored 300ms apart 300ms apart, pull and push
// (lower bounds only), on reactor as on the reference.
func TestConsumerReplayOriginalSpacesDeliveries(t *testing.T) {
	t.Parallel()
	for _, server := range bothServers(t) {
		js, _ := jetstream.New(server.nc)
		ctx := t.Context()
		s, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "O", Subjects: []string{"o.>"}})
		if err != nil {
			t.Fatal(err)
		}
		const gap = 300 * time.Millisecond
		for i := range 4 {
			if i > 0 {
				time.Sleep(gap) // the messages' stored times, which replay reproduces
			}
			if _, err := js.Publish(ctx, "o.a", []byte("x")); err != nil {
				t.Fatal(err)
			}
		}
		// Pull: one request for all four.
		c, err := s.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "P", ReplayPolicy: jetstream.ReplayOriginalPolicy})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		batch, err := c.Fetch(4, jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		var pulled []time.Duration
		for range batch.Messages() {
			pulled = append(pulled, time.Since(start))
		}
		// Push: a subscription on the deliver subject.
		arrived := make(chan time.Duration, 4)
		sub, err := server.nc.Subscribe("do", func(*nats.Msg) { arrived <- time.Since(start) })
		if err != nil {
			t.Fatal(err)
		}
		start = time.Now()
		if _, err := s.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "Q", ReplayPolicy: jetstream.ReplayOriginalPolicy,
			DeliverSubject: "do"}); err != nil {
			t.Fatal(err)
		}
		var pushed []time.Duration
		for len(pushed) < 4 {
			select {
			case d := <-arrived:
				pushed = append(pushed, d)
			case <-time.After(5 * time.Second):
				t.Fatalf("%s: push replay delivered %d of 4", server.name, len(pushed))
			}
		}
		_ = sub.Unsubscribe()
		t.Logf("%s: pull %v push %v", server.name, pulled, pushed)
		if len(pulled) != 4 {
			t.Fatalf("%s: pull replay delivered %v", server.name, pulled)
		}
		const slack = 50 * time.Millisecond // publish times come from the server's clock after each pub-ack
		for i := 1; i < 4; i++ {
			if pulled[i]-pulled[i-1] < gap-slack || pushed[i]-pushed[i-1] < gap-slack {
				t.Errorf("%s: delivery %d: pull %v push %v after the previous, want at least %v", server.name, i+1,
					pulled[i]-pulled[i-1], pushed[i]-pushed[i-1], gap)
			}
		}
		if err := js.DeleteStream(ctx, "O"); err != nil {
			t.Fatal(err)
		}
	}
}

// A push consumer with rate_limit_bps 8 Mbit/s (1 MB/s) delivers 30 messages of 100 kB: the first
// megabyte at once (the bucket starts full), the rest paced, so all of it takes at least about 2 s,
// on reactor as on the reference (lower bound only).
func TestConsumerRateLimitPacesPushDeliveries(t *testing.T) {
	t.Parallel()
	for _, server := range bothServers(t) {
		js, _ := jetstream.New(server.nc)
		ctx := t.Context()
		s, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "L", Subjects: []string{"l.>"}})
		if err != nil {
			t.Fatal(err)
		}
		payload := make([]byte, 100_000)
		const count = 30
		for range count {
			if _, err := js.Publish(ctx, "l.a", payload); err != nil {
				t.Fatal(err)
			}
		}
		arrived := make(chan time.Duration, count)
		start := time.Now()
		sub, err := server.nc.Subscribe("dl", func(*nats.Msg) { arrived <- time.Since(start) })
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "R", RateLimit: 8_000_000, DeliverSubject: "dl"}); err != nil {
			t.Fatal(err)
		}
		var times []time.Duration
		for len(times) < count {
			select {
			case d := <-arrived:
				times = append(times, d)
			case <-time.After(20 * time.Second):
				t.Fatalf("%s: rate-limited consumer delivered %d of %d", server.name, len(times), count)
			}
		}
		_ = sub.Unsubscribe()
		t.Logf("%s: 10th after %v, 11th after %v, last after %v", server.name, times[9], times[10], times[count-1])
		// 3 MB at 1 MB/s with a 1 MiB burst: the last leaves no sooner than (3e6 - 1048576) / 1e6 s.
		if least := 1900 * time.Millisecond; times[count-1] < least {
			t.Errorf("%s: %d messages of 100 kB at 1 MB/s took %v, want at least %v", server.name, count, times[count-1], least)
		}
		if err := js.DeleteStream(ctx, "L"); err != nil {
			t.Fatal(err)
		}
	}
}
