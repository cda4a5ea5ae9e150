package stream_test

import (
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// consumerAdvisories makes a delivery exhaust max_deliver and terminates two others (with and without a
// reason), and returns the advisories seen on $JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.> and
// MSG_TERMINATED.>, subject and JSON, with id and timestamp checked and masked.
func consumerAdvisories(t *testing.T, nc *nats.Conn) []string {
	t.Helper()
	js, _ := jetstream.New(nc)
	ctx := t.Context()
	events := make(chan *nats.Msg, 16)
	for _, subject := range []string{"$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.>", "$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.>"} {
		sub, err := nc.ChanSubscribe(subject, events)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = sub.Unsubscribe() })
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	s, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "A", Subjects: []string{"a.>"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, subject := range []string{"a.x", "a.y", "a.z"} {
		if _, err := js.Publish(ctx, subject, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	fetchOne := func(c jetstream.Consumer) jetstream.Msg {
		t.Helper()
		batch, err := c.Fetch(1, jetstream.FetchMaxWait(3*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		for m := range batch.Messages() {
			return m
		}
		t.Fatal("no message")
		return nil
	}
	consumer := func(cfg jetstream.ConsumerConfig) jetstream.Consumer {
		t.Helper()
		c, err := s.CreateOrUpdateConsumer(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	var seen []string
	next := func() {
		t.Helper()
		select {
		case m := <-events:
			seen = append(seen, m.Subject+" "+maskAdvisory(t, m.Data))
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no advisory after %v", nc.ConnectedUrl(), seen)
		}
	}
	m := consumer(jetstream.ConsumerConfig{Durable: "M", AckPolicy: jetstream.AckExplicitPolicy, AckWait: 300 * time.Millisecond,
		MaxDeliver: 2, FilterSubject: "a.x"})
	fetchOne(m)
	fetchOne(m)
	// nats-server announces max_deliver when the message's turn to be redelivered comes: for a pull
	// consumer, while a request waits. This one gets nothing.
	batch, err := m.Fetch(1, jetstream.FetchMaxWait(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for msg := range batch.Messages() {
		t.Fatalf("delivered past max_deliver: %v", msg.Subject())
	}
	next()
	if err := fetchOne(consumer(jetstream.ConsumerConfig{Durable: "T", AckPolicy: jetstream.AckExplicitPolicy, FilterSubject: "a.y"})).TermWithReason("because"); err != nil {
		t.Fatal(err)
	}
	next()
	if err := fetchOne(consumer(jetstream.ConsumerConfig{Durable: "U", AckPolicy: jetstream.AckExplicitPolicy, FilterSubject: "a.z"})).Term(); err != nil {
		t.Fatal(err)
	}
	next()
	return seen
}

var (
	advisoryID   = regexp.MustCompile(`"id":"[^"]*"`)
	advisoryTime = regexp.MustCompile(`"timestamp":"[^"]*"`)
)

// maskAdvisory checks an advisory's id (22 characters) and timestamp (within the last minute) and
// returns its JSON with both masked.
func maskAdvisory(t *testing.T, data []byte) string {
	t.Helper()
	var head struct {
		ID   string    `json:"id"`
		Time time.Time `json:"timestamp"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		t.Fatalf("advisory %s: %v", data, err)
	}
	if len(head.ID) != 22 || time.Since(head.Time) > time.Minute || head.Time.Location() != time.UTC {
		t.Fatalf("advisory %s: id or timestamp", data)
	}
	return advisoryTime.ReplaceAllString(advisoryID.ReplaceAllString(string(data), `"id":"-"`), `"timestamp":"-"`)
}

// The max_deliver and +TERM advisories, on reactor as on the reference: subjects and JSON field by field
// (id and timestamp masked).
func TestConsumerAdvisoriesMatchReference(t *testing.T) {
	t.Parallel()
	ncOurs, _ := runJetStream(t)
	ncTheirs, _ := referenceJetStream(t)
	ours, theirs := consumerAdvisories(t, ncOurs), consumerAdvisories(t, ncTheirs)
	if len(ours) != 3 || len(theirs) != 3 {
		t.Fatalf("reactor %v\nnats-server %v", ours, theirs)
	}
	for i := range ours {
		if ours[i] != theirs[i] {
			t.Errorf("advisory %d\n  reactor:     %s\n  nats-server: %s", i, ours[i], theirs[i])
		}
	}
	t.Logf("%q", ours)
}
