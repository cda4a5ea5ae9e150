package stream_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// What a MSG.NEXT request is answered with, message by message, on reactor and on the reference
// nats-server: pull idle heartbeats (and their 400 when larger than half the expiry), 408 with what was
// still wanted, no_wait's 404 / 408 Requests Pending / silence while max_ack_pending holds deliveries
// back, 409 for a push consumer, for a message larger than max_bytes (with its pending headers) and for
// a consumer deleted under a waiting request.
func TestPullRequestStatusMatchesReference(t *testing.T) {
	t.Parallel()
	ncOurs, jsOurs := runJetStream(t)
	ncTheirs, jsTheirs := referenceJetStream(t)
	type result struct{ lines []string }
	done := make(chan result, 1)
	go func() { done <- result{pullStatusSession(t, ncTheirs, jsTheirs)} }()
	ours := pullStatusSession(t, ncOurs, jsOurs)
	theirs := (<-done).lines
	t.Logf("nats-server:\n%s", strings.Join(theirs, "\n"))
	if len(ours) != len(theirs) {
		t.Errorf("reactor answered %d steps, nats-server %d", len(ours), len(theirs))
	}
	for i := range min(len(ours), len(theirs)) {
		if ours[i] != theirs[i] {
			t.Errorf("step %d:\nreactor:     %s\nnats-server: %s", i, ours[i], theirs[i])
		}
	}
}

// pullStatusSession makes the requests and returns, per request, what its reply subject received.
func pullStatusSession(t *testing.T, nc *nats.Conn, js jetstream.JetStream) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "S", Subjects: []string{"s.>"}})
	if err != nil {
		t.Error(err)
		return nil
	}
	for _, cfg := range []jetstream.ConsumerConfig{
		{Durable: "C", AckPolicy: jetstream.AckExplicitPolicy},
		{Durable: "M", AckPolicy: jetstream.AckExplicitPolicy, MaxAckPending: 1},
		{Durable: "P", AckPolicy: jetstream.AckExplicitPolicy, DeliverSubject: "deliver.p"},
	} {
		if _, err := js.CreateOrUpdateConsumer(ctx, "S", cfg); err != nil {
			t.Error(err)
			return nil
		}
	}
	var lines []string
	next := func(consumer, body string, window time.Duration) {
		lines = append(lines, consumer+" "+body+" -> "+pullAnswers(t, nc, consumer, body, window, nil))
	}
	ms := func(d time.Duration) int64 { return int64(d) }
	next("C", fmt.Sprintf(`{"batch":2,"expires":%d,"idle_heartbeat":%d}`, ms(2*time.Second), ms(400*time.Millisecond)), 3*time.Second)
	next("C", fmt.Sprintf(`{"batch":2,"idle_heartbeat":%d}`, ms(time.Second)), 500*time.Millisecond)
	next("C", fmt.Sprintf(`{"batch":2,"expires":%d,"idle_heartbeat":%d}`, ms(time.Second), ms(600*time.Millisecond)), 500*time.Millisecond)
	next("C", fmt.Sprintf(`{"batch":2,"expires":%d,"idle_heartbeat":-5}`, ms(500*time.Millisecond)), 1500*time.Millisecond)
	next("P", `{"batch":1}`, 500*time.Millisecond)
	next("C", `{"batch":2,"no_wait":true}`, 500*time.Millisecond)
	next("C", fmt.Sprintf(`{"batch":2,"no_wait":true,"expires":%d}`, ms(500*time.Millisecond)), 1500*time.Millisecond)
	for i := 1; i <= 3; i++ {
		if _, err := js.Publish(ctx, fmt.Sprintf("s.%d", i), []byte(fmt.Sprintf("m%d", i))); err != nil {
			t.Error(err)
			return nil
		}
	}
	next("C", fmt.Sprintf(`{"batch":1,"max_bytes":3,"expires":%d}`, ms(time.Second)), 500*time.Millisecond)
	next("C", fmt.Sprintf(`{"batch":5,"no_wait":true,"expires":%d}`, ms(time.Second)), 500*time.Millisecond)
	next("M", `{"batch":1,"no_wait":true}`, 500*time.Millisecond)
	// max_ack_pending is reached: a no_wait request is not answered at once (nats-server queues it).
	next("M", `{"batch":1,"no_wait":true}`, 500*time.Millisecond)
	// A waiting request wants more than the consumer has to deliver: a no_wait one is told so.
	waitingInbox := nats.NewInbox()
	if _, err := nc.SubscribeSync(waitingInbox); err != nil { // kept: a request nobody listens to may be dropped
		t.Fatal(err)
	}
	if err := nc.PublishRequest("$JS.API.CONSUMER.MSG.NEXT.S.M", waitingInbox,
		[]byte(fmt.Sprintf(`{"batch":5,"expires":%d}`, ms(5*time.Second)))); err != nil {
		t.Fatal(err)
	}
	next("M", `{"batch":1,"no_wait":true}`, 500*time.Millisecond)
	lines = append(lines, "C deleted -> "+pullAnswers(t, nc, "C", fmt.Sprintf(`{"batch":1,"expires":%d}`, ms(10*time.Second)),
		2*time.Second, func() {
			if err := js.DeleteConsumer(ctx, "S", "C"); err != nil {
				t.Error(err)
			}
		}))
	return lines
}

// pullAnswers sends one MSG.NEXT request and describes what its reply subject receives within window
// (after during ran, if given): statuses with their headers, deliveries with their ack subjects' tokens
// but the time; repeats of the same line are shown once.
func pullAnswers(t *testing.T, nc *nats.Conn, consumer, body string, window time.Duration, during func()) string {
	t.Helper()
	inbox := nats.NewInbox()
	sub, err := nc.SubscribeSync(inbox)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sub.Unsubscribe() }()
	if err := nc.PublishRequest("$JS.API.CONSUMER.MSG.NEXT.S."+consumer, inbox, []byte(body)); err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	if during != nil {
		time.Sleep(200 * time.Millisecond) // the request waits on the server before during acts
		during()
	}
	var seen []string
	for deadline := time.Now().Add(window); ; {
		m, err := sub.NextMsg(time.Until(deadline))
		if err != nil {
			break
		}
		line := describeDelivery(m)
		if len(seen) == 0 || seen[len(seen)-1] != line {
			seen = append(seen, line)
		}
	}
	if len(seen) == 0 {
		return "nothing"
	}
	return strings.Join(seen, " | ")
}

// describeDelivery is a message as the pull tests compare it: a status with its sorted headers, or a
// delivery's subject, payload and ack tokens without the timestamp.
func describeDelivery(m *nats.Msg) string {
	if status := m.Header.Get("Status"); status != "" {
		var hdrs []string
		for k, v := range m.Header {
			if k != "Status" && k != "Description" {
				hdrs = append(hdrs, k+"="+strings.Join(v, ","))
			}
		}
		slices.Sort(hdrs)
		return strings.TrimSpace(status + " " + m.Header.Get("Description") + " " + strings.Join(hdrs, " "))
	}
	tokens := strings.Split(m.Reply, ".")
	if len(tokens) == 9 {
		tokens[7] = "<ts>"
	}
	return fmt.Sprintf("%s %q %s", m.Subject, m.Data, strings.Join(tokens, "."))
}
