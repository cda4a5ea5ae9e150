package stream_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

var backoffCases = []consumerConfigCase{
	{"backoff", "CREATE.F.B1", `{"name":"B1","ack_policy":"explicit","backoff":[1000000000,2000000000]}`},
	{"backoff over ack_wait", "CREATE.F.B2", `{"name":"B2","ack_policy":"explicit","ack_wait":5000000000,"backoff":[1000000000,2000000000],"max_deliver":3}`},
	{"max_deliver as long", "CREATE.F.B3", `{"name":"B3","ack_policy":"explicit","backoff":[1000000000,2000000000],"max_deliver":2}`},
	{"max_deliver shorter", "CREATE.F.B4", `{"name":"B4","ack_policy":"explicit","backoff":[1000000000,2000000000,3000000000],"max_deliver":2}`},
	{"negative", "CREATE.F.B5", `{"name":"B5","ack_policy":"explicit","backoff":[-1]}`},
	{"zero", "CREATE.F.B6", `{"name":"B6","ack_policy":"explicit","backoff":[0,1000000000]}`},
	{"ack none", "CREATE.F.B7", `{"name":"B7","backoff":[1000000000],"max_deliver":3}`},
	{"ack all", "CREATE.F.B8", `{"name":"B8","ack_policy":"all","backoff":[1000000000]}`},
	{"update backoff", "CREATE.F.B1", `{"name":"B1","ack_policy":"explicit","backoff":[3000000000]}|update`},
	{"update without backoff", "CREATE.F.B1", `{"name":"B1","ack_policy":"explicit"}|update`},
	{"update max_deliver short", "CREATE.F.B3", `{"name":"B3","ack_policy":"explicit","backoff":[1000000000,2000000000],"max_deliver":1}|update`},
}

// Backoff configurations, request by request on reactor and on the reference: the ack_wait shown, the
// errors for a negative delay and a max_deliver shorter than the list, and updates.
func TestConsumerBackoffConfigMatchesReference(t *testing.T) {
	t.Parallel()
	compareConsumerAnswers(t, filterMessages, backoffCases)
}

// backoffRedeliveries delivers one message to a consumer with backoff [200ms, 600ms] and max_deliver 4,
// never acknowledging it, and returns each delivery's count and when it came after the first.
func backoffRedeliveries(t *testing.T, nc *nats.Conn) ([]uint64, []time.Duration) {
	t.Helper()
	js, _ := jetstream.New(nc)
	ctx := t.Context()
	s, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "K", Subjects: []string{"k.>"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.Publish(ctx, "k.a", []byte("x")); err != nil {
		t.Fatal(err)
	}
	c, err := s.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "D", AckPolicy: jetstream.AckExplicitPolicy,
		BackOff: []time.Duration{200 * time.Millisecond, 600 * time.Millisecond}, MaxDeliver: 4})
	if err != nil {
		t.Fatal(err)
	}
	var counts []uint64
	var after []time.Duration
	var first time.Time
	deadline := time.Now().Add(15 * time.Second)
	for len(counts) < 4 && time.Now().Before(deadline) {
		batch, err := c.Fetch(1, jetstream.FetchMaxWait(3*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		for m := range batch.Messages() {
			md, _ := m.Metadata()
			if first.IsZero() {
				first = time.Now()
			}
			counts = append(counts, md.NumDelivered)
			after = append(after, time.Since(first))
		}
	}
	return counts, after
}

// A consumer with backoff [200ms, 600ms] redelivers an unacknowledged message 200ms after its first
// delivery, then 600ms after each later one, up to max_deliver, on reactor as on the reference (lower
// bounds only: a busy machine may be late, never early).
func TestConsumerBackoffSpacesRedeliveries(t *testing.T) {
	t.Parallel()
	for _, server := range bothServers(t) {
		counts, after := backoffRedeliveries(t, server.nc)
		t.Logf("%s: deliveries %v at %v", server.name, counts, after)
		if fmt.Sprint(counts) != "[1 2 3 4]" {
			t.Fatalf("%s: deliveries %v, want [1 2 3 4]", server.name, counts)
		}
		// The first redelivery waits 200ms; the next ones 600ms each. A little slack below for the
		// two clocks (the server's deadline starts before the client sees the message).
		const slack = 30 * time.Millisecond
		for i, least := range []time.Duration{0, 200 * time.Millisecond, 800 * time.Millisecond, 1400 * time.Millisecond} {
			if after[i] < least-slack {
				t.Errorf("%s: delivery %d came %v after the first, want at least %v", server.name, i+1, after[i], least)
			}
		}
	}
}
