package stream_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// A pull consumer through nats.go's jetstream package, the same calls on reactor and on the reference
// nats-server: what Fetch returns (subjects, payloads, delivery metadata), and the consumer's counters after
// acks, a nak and a term.
func TestPullConsumerThroughNatsGoMatchesReference(t *testing.T) {
	_, ours := runJetStream(t)
	_, theirs := referenceJetStream(t)
	if got, want := pullSession(t, ours), pullSession(t, theirs); got != want {
		t.Fatalf("reactor:\n%s\nnats-server:\n%s", got, want)
	}
}

// pullSession runs the consumer story on js and tells what it saw.
func pullSession(t *testing.T, js jetstream.JetStream) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "PULL", Subjects: []string{"pull.>"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		if _, err := js.Publish(ctx, fmt.Sprintf("pull.%d", i), []byte(fmt.Sprintf("m%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	c, err := st.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "D", AckPolicy: jetstream.AckExplicitPolicy,
		AckWait: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var out string
	batch, err := c.Fetch(3, jetstream.FetchMaxWait(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var msgs []jetstream.Msg
	for m := range batch.Messages() {
		md, err := m.Metadata()
		if err != nil {
			t.Fatalf("metadata of %s: %v", m.Subject(), err)
		}
		out += fmt.Sprintf("got %s %q stream seq %d consumer seq %d delivered %d pending %d\n", m.Subject(), m.Data(),
			md.Sequence.Stream, md.Sequence.Consumer, md.NumDelivered, md.NumPending)
		msgs = append(msgs, m)
	}
	if len(msgs) != 3 {
		t.Fatalf("fetched %d: %s", len(msgs), out)
	}
	if err := msgs[0].DoubleAck(ctx); err != nil {
		t.Fatalf("double ack: %v", err)
	}
	if err := msgs[1].Term(); err != nil {
		t.Fatal(err)
	}
	// A nak with a delay, so that the order of what the next fetch gets does not depend on when the
	// server handles the nak.
	if err := msgs[2].NakWithDelay(300 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	batch, err = c.Fetch(3, jetstream.FetchMaxWait(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for m := range batch.Messages() {
		md, _ := m.Metadata()
		out += fmt.Sprintf("then %s %q consumer seq %d delivered %d\n", m.Subject(), m.Data(), md.Sequence.Consumer,
			md.NumDelivered)
		if err := m.DoubleAck(ctx); err != nil {
			t.Fatalf("double ack: %v", err)
		}
	}
	info, err := c.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out += fmt.Sprintf("info delivered %d/%d ack floor %d/%d pending %d ack pending %d redelivered %d waiting %d\n",
		info.Delivered.Consumer, info.Delivered.Stream, info.AckFloor.Consumer, info.AckFloor.Stream, info.NumPending,
		info.NumAckPending, info.NumRedelivered, info.NumWaiting)
	empty, err := c.FetchNoWait(1)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for range empty.Messages() {
		n++
	}
	out += fmt.Sprintf("no wait: %d messages, error %v\n", n, empty.Error())
	return out
}

// A durable pull consumer keeps its place across a server shutdown: a new server on the same store
// directory delivers what was not acknowledged, then what was published after, and nothing acknowledged.
func TestDurableConsumerKeepsAckFloorAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	srv, _, js := runJetStreamAt(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "DUR", Subjects: []string{"dur.>"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 4; i++ {
		if _, err := js.Publish(ctx, fmt.Sprintf("dur.%d", i), []byte(fmt.Sprintf("m%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	c, err := st.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "D", AckPolicy: jetstream.AckExplicitPolicy,
		AckWait: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := c.Fetch(3, jetstream.FetchMaxWait(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var got []jetstream.Msg
	for m := range batch.Messages() {
		got = append(got, m)
	}
	if len(got) != 3 {
		t.Fatalf("fetched %d, want 3", len(got))
	}
	for _, m := range got[:2] {
		if err := m.DoubleAck(ctx); err != nil {
			t.Fatal(err)
		}
	}
	srv.Shutdown()

	_, _, js = runJetStreamAt(t, dir)
	c, err = js.Consumer(ctx, "DUR", "D")
	if err != nil {
		t.Fatal(err)
	}
	info := c.CachedInfo()
	if info.AckFloor.Stream != 2 || info.Delivered.Stream != 3 || info.NumAckPending != 1 || info.NumPending != 1 {
		t.Fatalf("after restart: ack floor %+v, delivered %+v, ack pending %d, pending %d", info.AckFloor, info.Delivered,
			info.NumAckPending, info.NumPending)
	}
	var seen []string
	for len(seen) < 2 {
		batch, err := c.Fetch(2-len(seen), jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		n := len(seen)
		for m := range batch.Messages() {
			md, _ := m.Metadata()
			seen = append(seen, fmt.Sprintf("%s#%d", m.Data(), md.NumDelivered))
			_ = m.Ack()
		}
		if len(seen) == n {
			t.Fatalf("nothing more after %v", seen)
		}
	}
	if seen[0] != "m4#1" || seen[1] != "m3#2" {
		t.Fatalf("after restart delivered %v, want m4 then m3 redelivered", seen)
	}
}

// A push consumer whose deliver subject nobody subscribes to holds its messages, as on nats-server, and
// delivers them once a subscriber comes.
func TestPushConsumerWaitsForASubscriber(t *testing.T) {
	nc, js := runJetStream(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "HOLD", Subjects: []string{"hold.>"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		if _, err := js.Publish(ctx, fmt.Sprintf("hold.%d", i), []byte(fmt.Sprintf("h%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	c, err := st.CreateOrUpdatePushConsumer(ctx, jetstream.ConsumerConfig{Durable: "P", DeliverSubject: "deliver.hold",
		AckPolicy: jetstream.AckNonePolicy})
	if err != nil {
		t.Fatal(err)
	}
	// Nobody listens: after a few of the consumer's looks, nothing has been delivered (and so lost).
	time.Sleep(600 * time.Millisecond)
	if info, err := c.Info(ctx); err != nil || info.Delivered.Stream != 0 {
		t.Fatalf("delivered without a subscriber: %+v %v", info, err)
	}
	sub, err := nc.SubscribeSync("deliver.hold")
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		m, err := sub.NextMsg(5 * time.Second)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if want := fmt.Sprintf("hold.%d", i); m.Subject != want {
			t.Fatalf("message %d on %q, want %q", i, m.Subject, want)
		}
	}
}
