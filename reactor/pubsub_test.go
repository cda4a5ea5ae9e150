package reactor

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

func TestPublishSubscribeDeliversToEveryMatchingSubscription(t *testing.T) {
	s := runServer(t, Options{})
	pub, sub := connect(t, s), connect(t, s)

	type want struct {
		subject string
		got     []string
	}
	subs := map[string]*want{
		"foo.bar":   {got: nil},
		"foo.*":     {got: nil},
		"foo.>":     {got: nil},
		">":         {got: nil},
		"*.bar.baz": {got: nil},
		"foo.bar.*": {got: nil},
		"other":     {got: nil},
	}
	var mu sync.Mutex
	for subj, w := range subs {
		w := w
		if _, err := sub.Subscribe(subj, func(m *nats.Msg) {
			mu.Lock()
			w.got = append(w.got, m.Subject)
			mu.Unlock()
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sub.Flush(); err != nil {
		t.Fatal(err)
	}
	for _, subj := range []string{"foo.bar", "foo.bar.baz", "foo", "x.bar.baz"} {
		if err := pub.Publish(subj, []byte(subj)); err != nil {
			t.Fatal(err)
		}
	}
	if err := pub.Flush(); err != nil {
		t.Fatal(err)
	}
	expected := map[string][]string{
		"foo.bar":   {"foo.bar"},
		"foo.*":     {"foo.bar"},
		"foo.>":     {"foo.bar", "foo.bar.baz"},
		">":         {"foo.bar", "foo.bar.baz", "foo", "x.bar.baz"},
		"*.bar.baz": {"foo.bar.baz", "x.bar.baz"},
		"foo.bar.*": {"foo.bar.baz"},
		"other":     nil,
	}
	waitFor(t, "deliveries", 5*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(subs[">"].got) == 4 && len(subs["*.bar.baz"].got) == 2 && len(subs["foo.>"].got) == 2
	})
	time.Sleep(50 * time.Millisecond) // let any wrong extra delivery arrive before comparing
	mu.Lock()
	defer mu.Unlock()
	for subj, w := range expected {
		if fmt.Sprint(subs[subj].got) != fmt.Sprint(w) {
			t.Errorf("subscription %q got %v, want %v", subj, subs[subj].got, w)
		}
	}
}

func TestQueueGroupDeliversEachMessageToExactlyOneMemberAndSpreads(t *testing.T) {
	s := runServer(t, Options{})
	const members, msgs = 4, 2000
	var counts [members]atomic.Int64
	var total atomic.Int64
	for i := 0; i < members; i++ {
		nc := connect(t, s)
		i := i
		if _, err := nc.QueueSubscribe("work", "workers", func(*nats.Msg) {
			counts[i].Add(1)
			total.Add(1)
		}); err != nil {
			t.Fatal(err)
		}
		if err := nc.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	// A plain subscriber on the same subject gets every message regardless of the group.
	plain := connect(t, s)
	var plainCount atomic.Int64
	if _, err := plain.Subscribe("work", func(*nats.Msg) { plainCount.Add(1) }); err != nil {
		t.Fatal(err)
	}
	plain.Flush()

	pub := connect(t, s)
	for i := 0; i < msgs; i++ {
		if err := pub.Publish("work", []byte("job")); err != nil {
			t.Fatal(err)
		}
	}
	pub.Flush()
	waitFor(t, "queue deliveries", 10*time.Second, func() bool {
		return total.Load() == msgs && plainCount.Load() == msgs
	})
	time.Sleep(50 * time.Millisecond)
	if total.Load() != msgs {
		t.Fatalf("queue members got %d messages in all, want exactly %d", total.Load(), msgs)
	}
	for i := range counts {
		// Uniform choice: each member expects 500; 300 is more than 9 standard deviations below.
		if c := counts[i].Load(); c < 300 {
			t.Errorf("member %d got %d of %d messages: not spread", i, c, msgs)
		}
	}
}

func TestRequestReply(t *testing.T) {
	s := runServer(t, Options{})
	responder, requester := connect(t, s), connect(t, s)
	if _, err := responder.Subscribe("svc.echo", func(m *nats.Msg) {
		_ = m.Respond(append([]byte("echo:"), m.Data...))
	}); err != nil {
		t.Fatal(err)
	}
	responder.Flush()
	for i := 0; i < 100; i++ {
		body := fmt.Sprintf("req-%d", i)
		resp, err := requester.Request("svc.echo", []byte(body), 5*time.Second)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if string(resp.Data) != "echo:"+body {
			t.Fatalf("reply %q to %q", resp.Data, body)
		}
	}
}

func TestNoRespondersAnswersRequestsToNobody(t *testing.T) {
	s := runServer(t, Options{})
	nc := connect(t, s)
	start := time.Now()
	_, err := nc.Request("nobody.home", []byte("hi"), 5*time.Second)
	if !errors.Is(err, nats.ErrNoResponders) {
		t.Fatalf("got %v, want nats.ErrNoResponders", err)
	}
	if time.Since(start) > 4*time.Second {
		t.Fatalf("no-responders came only after the timeout")
	}
}

func TestHeadersRoundTrip(t *testing.T) {
	s := runServer(t, Options{})
	pub, sub := connect(t, s), connect(t, s)
	ch := make(chan *nats.Msg, 1)
	if _, err := sub.ChanSubscribe("hdr", ch); err != nil {
		t.Fatal(err)
	}
	sub.Flush()
	m := nats.NewMsg("hdr")
	m.Header.Set("X-Trace", "abc")
	m.Header.Add("X-Multi", "1")
	m.Header.Add("X-Multi", "2")
	m.Data = []byte("payload")
	if err := pub.PublishMsg(m); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-ch:
		if got.Header.Get("X-Trace") != "abc" || fmt.Sprint(got.Header.Values("X-Multi")) != "[1 2]" ||
			string(got.Data) != "payload" {
			t.Fatalf("got header %v data %q", got.Header, got.Data)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no message")
	}
}

func TestAutoUnsubscribeStopsAfterMax(t *testing.T) {
	s := runServer(t, Options{})
	pub, sub := connect(t, s), connect(t, s)
	var got atomic.Int64
	sb, err := sub.Subscribe("auto", func(*nats.Msg) { got.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.AutoUnsubscribe(10); err != nil {
		t.Fatal(err)
	}
	sub.Flush()
	for i := 0; i < 50; i++ {
		pub.Publish("auto", []byte("x"))
	}
	pub.Flush()
	waitFor(t, "10 messages", 5*time.Second, func() bool { return got.Load() >= 10 })
	// The server must have dropped the interest, not merely the client its callback.
	waitFor(t, "server-side unsubscribe", 5*time.Second, func() bool { return s.Stats().Subscriptions == 0 })
	if s.Stats().OutMsgs != 10 {
		t.Fatalf("server sent %d messages, want 10", s.Stats().OutMsgs)
	}
}

func TestEchoOffSkipsOwnMessagesOnly(t *testing.T) {
	s := runServer(t, Options{})
	self := connect(t, s, nats.NoEcho())
	other := connect(t, s)
	var selfGot, otherGot atomic.Int64
	self.Subscribe("echo", func(*nats.Msg) { selfGot.Add(1) })
	other.Subscribe("echo", func(*nats.Msg) { otherGot.Add(1) })
	self.Flush()
	other.Flush()
	self.Publish("echo", []byte("mine"))
	self.Flush()
	waitFor(t, "other subscriber", 5*time.Second, func() bool { return otherGot.Load() == 1 })
	other.Publish("echo", []byte("theirs"))
	other.Flush()
	waitFor(t, "own subscriber gets others' messages", 5*time.Second, func() bool { return selfGot.Load() == 1 })
	time.Sleep(50 * time.Millisecond)
	if selfGot.Load() != 1 || otherGot.Load() != 2 {
		t.Fatalf("self got %d (want 1), other got %d (want 2)", selfGot.Load(), otherGot.Load())
	}
}

func TestOneMiBPayloadsArriveIntact(t *testing.T) {
	s := runServer(t, Options{})
	pub, sub := connect(t, s), connect(t, s)
	if mp := pub.MaxPayload(); mp != DefaultMaxPayload {
		t.Fatalf("max_payload in INFO = %d", mp)
	}
	ch := make(chan *nats.Msg, 8)
	sub.ChanSubscribe("big", ch)
	sub.Flush()
	rng := rand.New(rand.NewPCG(1, 2))
	var sent [][]byte
	for i := 0; i < 5; i++ {
		p := make([]byte, DefaultMaxPayload)
		for j := range p {
			p[j] = byte(rng.Uint32())
		}
		sent = append(sent, p)
		if err := pub.Publish("big", p); err != nil {
			t.Fatal(err)
		}
	}
	pub.Flush()
	for i := range sent {
		select {
		case m := <-ch:
			if !bytes.Equal(m.Data, sent[i]) {
				t.Fatalf("payload %d corrupted (len %d)", i, len(m.Data))
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("payload %d missing", i)
		}
	}
}

func TestHundredThousandMessagesArriveInOrder(t *testing.T) {
	s := runServer(t, Options{})
	pub, sub := connect(t, s), connect(t, s)
	const n = 100_000
	var next atomic.Int64
	var bad atomic.Value
	sb, err := sub.Subscribe("seq", func(m *nats.Msg) {
		want := next.Load()
		if string(m.Data) != fmt.Sprint(want) && bad.Load() == nil {
			bad.Store(fmt.Sprintf("message %d has payload %q", want, m.Data))
		}
		next.Add(1)
	})
	if err != nil {
		t.Fatal(err)
	}
	sb.SetPendingLimits(-1, -1)
	sub.Flush()
	for i := 0; i < n; i++ {
		if err := pub.Publish("seq", []byte(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	pub.Flush()
	waitFor(t, "all messages", 30*time.Second, func() bool { return next.Load() == n || bad.Load() != nil })
	if b := bad.Load(); b != nil {
		t.Fatal(b)
	}
}

func TestFanOutToHundredConnections(t *testing.T) {
	s := runServer(t, Options{})
	const conns, msgs = 100, 50
	var got [conns]atomic.Int64
	for i := 0; i < conns; i++ {
		nc := connect(t, s)
		i := i
		nc.Subscribe("fan", func(*nats.Msg) { got[i].Add(1) })
		nc.Flush()
	}
	pub := connect(t, s)
	for i := 0; i < msgs; i++ {
		pub.Publish("fan", []byte("x"))
	}
	pub.Flush()
	waitFor(t, "fan-out", 10*time.Second, func() bool {
		for i := range got {
			if got[i].Load() != msgs {
				return false
			}
		}
		return true
	})
}

func TestDrainDeliversPendingThenCloses(t *testing.T) {
	s := runServer(t, Options{})
	pub, sub := connect(t, s), connect(t, s)
	var got atomic.Int64
	sub.Subscribe("drain", func(*nats.Msg) {
		time.Sleep(time.Millisecond)
		got.Add(1)
	})
	sub.Flush()
	for i := 0; i < 200; i++ {
		pub.Publish("drain", []byte("x"))
	}
	pub.Flush()
	waitFor(t, "first message", 5*time.Second, func() bool { return got.Load() > 0 })
	if err := sub.Drain(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "drained connection closed", 10*time.Second, sub.IsClosed)
	if got.Load() != 200 {
		t.Fatalf("drain delivered %d of 200", got.Load())
	}
	waitFor(t, "server saw the close", 5*time.Second, func() bool { return s.NumClients() == 1 })
}
