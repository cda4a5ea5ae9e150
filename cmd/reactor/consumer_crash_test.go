package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Consumer state survives kill -9 (issue 10): a durable consumer's delivered and ack floors and its
// pending acks are written within 100 ms of a change, so a daemon killed with SIGKILL a while after the
// last change comes back with the consumer exactly where it was: what was acknowledged never comes
// again, what was delivered and not acknowledged comes again after ack_wait with its delivery count
// raised, and what was never delivered follows. The pull and push tests run on nats-server too, so
// what they expect is the reference's behaviour.

// stateSettle is how long a test lets the daemon keep a consumer's last change before killing it:
// reactor writes state within 100 ms of a change; the rest is slack for a loaded machine. It is the
// test's input (the change must be older than the write delay), not a wait for something to happen.
const stateSettle = time.Second

// consumerCrashBinaries are the daemons the crash tests run on, by name: reactor, and nats-server when
// it is installed.
func consumerCrashBinaries(t *testing.T) map[string]string {
	bins := map[string]string{"reactor": reactorBinary(t)}
	if p := os.Getenv("NATS_SERVER_BIN"); p != "" {
		bins["nats-server"] = p
	} else if _, err := os.Stat(repoBin("nats-server")); err == nil {
		bins["nats-server"] = repoBin("nats-server")
	}
	return bins
}

// awaitConsumer waits until CONSUMER.INFO for stream's consumer answers after a restart.
func awaitConsumer(t *testing.T, d *daemon, js jetstream.JetStream, stream, name string) jetstream.Consumer {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		c, err := js.Consumer(ctx, stream, name)
		cancel()
		if err == nil {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("consumer %s > %s never served after restart: %v\n%s", stream, name, err, d.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// consumerPlace is what a consumer's info says of where it is: the part that must survive a restart.
type consumerPlace struct {
	delivered, ackFloor [2]uint64 // consumer and stream sequence
	ackPending, pending uint64
}

func (p consumerPlace) String() string {
	return fmt.Sprintf("delivered %d/%d, ack floor %d/%d, ack pending %d, pending %d", p.delivered[0], p.delivered[1],
		p.ackFloor[0], p.ackFloor[1], p.ackPending, p.pending)
}

// placeOf asks for the consumer's info now.
func placeOf(t *testing.T, js jetstream.JetStream, stream, name string) consumerPlace {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := js.Consumer(ctx, stream, name)
	if err != nil {
		t.Fatalf("consumer %s > %s: %v", stream, name, err)
	}
	info := c.CachedInfo()
	return consumerPlace{
		delivered:  [2]uint64{info.Delivered.Consumer, info.Delivered.Stream},
		ackFloor:   [2]uint64{info.AckFloor.Consumer, info.AckFloor.Stream},
		ackPending: uint64(info.NumAckPending), pending: info.NumPending,
	}
}

// delivery is one message as a consumer delivered it.
type delivery struct {
	streamSeq, consumerSeq, deliveries uint64
}

// fetchDeliveries fetches up to n messages, waiting at most wait, and acknowledges the first ack of them
// with a double ack (so that the daemon has taken each ack when it returns).
func fetchDeliveries(t *testing.T, c jetstream.Consumer, n, ack int, wait time.Duration) []delivery {
	t.Helper()
	batch, err := c.Fetch(n, jetstream.FetchMaxWait(wait))
	if err != nil {
		t.Fatalf("fetch %d: %v", n, err)
	}
	var got []delivery
	for m := range batch.Messages() {
		md, err := m.Metadata()
		if err != nil {
			t.Fatalf("metadata of %q: %v", m.Subject(), err)
		}
		got = append(got, delivery{md.Sequence.Stream, md.Sequence.Consumer, md.NumDelivered})
		if len(got) <= ack {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err := m.DoubleAck(ctx)
			cancel()
			if err != nil {
				t.Fatalf("ack of %d: %v", md.Sequence.Stream, err)
			}
		}
	}
	if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) {
		t.Fatalf("fetch %d: %v", n, err)
	}
	return got
}

// TestConsumerPullStateSurvivesKill9: a durable pull consumer with explicit acks has 5 messages acked
// and 3 delivered unacked; the daemon is killed with SIGKILL and restarted on the same store. The
// consumer's info is what it was; the next fetch resumes with message 9; 6 to 8 come again after
// ack_wait, each with delivery count 2; 1 to 5 never come again. Once all is acked, another kill -9
// keeps the consumer finished.
func TestConsumerPullStateSurvivesKill9(t *testing.T) {
	for name, bin := range consumerCrashBinaries(t) {
		t.Run(name, func(t *testing.T) {
			j := &jsDaemon{bin: bin, port: freePort(t), storeDir: t.TempDir()}
			d := j.start(t)
			_, js := jsClient(t, d)
			stream := createFileStream(t, js, "CPULL", "cpull.>")
			fillStream(t, js, "cpull.a", 20, 16)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			c, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "WORKER",
				AckPolicy: jetstream.AckExplicitPolicy, AckWait: 2 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if got := fetchDeliveries(t, c, 5, 5, 5*time.Second); len(got) != 5 {
				t.Fatalf("first fetch: %v, want 5 messages", got)
			}
			if got := fetchDeliveries(t, c, 3, 0, 5*time.Second); len(got) != 3 || got[2].streamSeq != 8 {
				t.Fatalf("second fetch: %v, want messages 6 to 8", got)
			}
			before := placeOf(t, js, "CPULL", "WORKER")
			want := consumerPlace{delivered: [2]uint64{8, 8}, ackFloor: [2]uint64{5, 5}, ackPending: 3, pending: 12}
			if before != want {
				t.Fatalf("before the kill: %v, want %v", before, want)
			}
			time.Sleep(stateSettle)
			d.kill(t, syscall.SIGKILL)

			d = j.start(t)
			_, js = jsClient(t, d)
			awaitStream(t, d, js, "CPULL")
			c = awaitConsumer(t, d, js, "CPULL", "WORKER")
			if after := placeOf(t, js, "CPULL", "WORKER"); after != before {
				t.Fatalf("after kill -9: %v, want %v", after, before)
			}
			// The first fetch after the restart takes what was never delivered, from 9 on, at once: the
			// unacked ones are not due again before ack_wait.
			first := fetchDeliveries(t, c, 1, 1, 5*time.Second)
			if len(first) != 1 || first[0] != (delivery{9, 9, 1}) {
				t.Fatalf("first fetch after the restart: %+v, want stream 9, consumer 9, delivered once", first)
			}
			seen := map[uint64]delivery{9: first[0]}
			deadline := time.Now().Add(20 * time.Second)
			for len(seen) < 15 && time.Now().Before(deadline) {
				for _, m := range fetchDeliveries(t, c, 20, 20, time.Second) {
					if prev, again := seen[m.streamSeq]; again {
						t.Fatalf("message %d delivered again (%+v, then %+v) though acked", m.streamSeq, prev, m)
					}
					seen[m.streamSeq] = m
				}
			}
			for seq := uint64(1); seq <= 20; seq++ {
				m, ok := seen[seq]
				switch {
				case seq <= 5 && ok:
					t.Errorf("message %d, acked before the kill, delivered again: %+v", seq, m)
				case seq > 5 && !ok:
					t.Errorf("message %d never delivered after the restart", seq)
				case seq >= 6 && seq <= 8 && m.deliveries != 2:
					t.Errorf("message %d redelivered with delivery count %d, want 2", seq, m.deliveries)
				case seq > 8 && m.deliveries != 1:
					t.Errorf("message %d delivered with delivery count %d, want 1", seq, m.deliveries)
				case seq > 5 && m.consumerSeq <= 8:
					t.Errorf("message %d delivered as consumer sequence %d, not after the 8 before the kill", seq, m.consumerSeq)
				}
			}
			done := consumerPlace{delivered: [2]uint64{23, 20}, ackFloor: [2]uint64{23, 20}}
			if got := placeOf(t, js, "CPULL", "WORKER"); got != done {
				t.Fatalf("after acking everything: %v, want %v", got, done)
			}

			time.Sleep(stateSettle)
			d.kill(t, syscall.SIGKILL)
			d = j.start(t)
			_, js = jsClient(t, d)
			awaitStream(t, d, js, "CPULL")
			c = awaitConsumer(t, d, js, "CPULL", "WORKER")
			if got := placeOf(t, js, "CPULL", "WORKER"); got != done {
				t.Fatalf("after the second kill -9: %v, want %v", got, done)
			}
			if got := fetchDeliveries(t, c, 5, 5, 3*time.Second); len(got) != 0 {
				t.Fatalf("a finished consumer delivered %+v after the second kill", got)
			}
		})
	}
}
