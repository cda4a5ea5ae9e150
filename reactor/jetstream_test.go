package reactor

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/reactor-nats/reactor/stream"
)

// captured is one publish a stream captured, copied off the loop.
type captured struct {
	subject, reply string
	hdr, data      []byte
	origin         int
}

// fakeIngest records what a capture hands a stream and, when host is set, acknowledges every publish that
// has a reply from the loop it came from, as a stream's writer does.
type fakeIngest struct {
	got  chan captured
	host stream.Host
	acct string
}

func newFakeIngest(host stream.Host, acct string) *fakeIngest {
	return &fakeIngest{got: make(chan captured, 1024), host: host, acct: acct}
}

func (f *fakeIngest) Enqueue(subject, reply, hdr, data []byte, origin int) {
	c := captured{subject: string(subject), reply: string(reply), hdr: bytes.Clone(hdr), data: bytes.Clone(data), origin: origin}
	f.got <- c
	if f.host != nil && c.reply != "" {
		go f.host.Send([]stream.Outbound{{Account: f.acct, Subject: c.reply, Data: []byte("ack:" + string(c.data)), Origin: origin}})
	}
}

func (f *fakeIngest) next(t *testing.T) captured {
	t.Helper()
	select {
	case c := <-f.got:
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("nothing captured")
		return captured{}
	}
}

func capture(t *testing.T, s *Server, acct string, subjects []string, in stream.Ingest) func() {
	t.Helper()
	cancel, err := jsHost{s}.Capture(acct, subjects, in)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cancel)
	return cancel
}

func TestCaptureHandsThePublishToTheStreamIntact(t *testing.T) {
	s := runServer(t, Options{})
	in := newFakeIngest(jsHost{s}, globalAccountName)
	capture(t, s, globalAccountName, []string{"orders.>", "audit"}, in)
	nc := connect(t, s)

	msg := nats.NewMsg("orders.eu.1")
	msg.Header.Set("Nats-Msg-Id", "m1")
	msg.Data = []byte("payload one")
	reply, err := nc.RequestMsg(msg, 5*time.Second) // no-responders would fail this at once
	if err != nil {
		t.Fatalf("request to a captured subject: %v", err)
	}
	if string(reply.Data) != "ack:payload one" {
		t.Fatalf("reply %q", reply.Data)
	}
	c := in.next(t)
	if c.subject != "orders.eu.1" || c.reply != reply.Subject {
		t.Fatalf("captured subject %q reply %q", c.subject, c.reply)
	}
	if want := "NATS/1.0\r\nNats-Msg-Id: m1\r\n\r\n"; string(c.hdr) != want {
		t.Fatalf("captured header %q, want %q", c.hdr, want)
	}
	if string(c.data) != "payload one" {
		t.Fatalf("captured payload %q", c.data)
	}

	// Without headers the stream gets hdr nil; a plain publish with no reply is captured too.
	if err := nc.Publish("audit", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if c := in.next(t); c.subject != "audit" || c.hdr != nil || c.reply != "" || string(c.data) != "x" {
		t.Fatalf("captured %+v", c)
	}
	// A subject the stream does not capture still has no responders.
	if _, err := nc.Request("orders", nil, 5*time.Second); !errors.Is(err, nats.ErrNoResponders) {
		t.Fatalf("request outside the stream's subjects: %v, want no responders", err)
	}
}

func TestCaptureCancelStopsIt(t *testing.T) {
	s := runServer(t, Options{})
	in := newFakeIngest(jsHost{s}, globalAccountName)
	cancel := capture(t, s, globalAccountName, []string{"a.*", "b"}, in)
	nc := connect(t, s)
	if _, err := nc.Request("a.1", nil, 5*time.Second); err != nil {
		t.Fatalf("before cancel: %v", err)
	}
	in.next(t)
	cancel()
	cancel() // twice is harmless
	for _, subject := range []string{"a.1", "b"} {
		if _, err := nc.Request(subject, nil, 5*time.Second); !errors.Is(err, nats.ErrNoResponders) {
			t.Fatalf("%s after cancel: %v, want no responders", subject, err)
		}
	}
	if n := len(in.got); n != 0 {
		t.Fatalf("%d publishes captured after cancel", n)
	}
}

// twoLoops connects one client to each of the server's two loops and returns them in loop order.
func twoLoops(t *testing.T, s *Server, opts ...nats.Option) [2]*nats.Conn {
	t.Helper()
	var conns []*nats.Conn
	for range 2 { // least-connections puts them on different loops
		conns = append(conns, connect(t, s, opts...))
	}
	waitFor(t, "two loops", 5*time.Second, func() bool { return len(s.loopList()) == 2 })
	var out [2]*nats.Conn
	for _, nc := range conns {
		before := loopInMsgs(s)
		if err := nc.Publish("probe.loop", nil); err != nil {
			t.Fatal(err)
		}
		if err := nc.Flush(); err != nil {
			t.Fatal(err)
		}
		idx := -1
		waitFor(t, "the probe counted", 5*time.Second, func() bool { // counters are committed after the PONG
			for i, n := range loopInMsgs(s) {
				if n > before[i] {
					idx = i
				}
			}
			return idx >= 0
		})
		if out[idx] != nil {
			t.Fatalf("both clients on loop %d", idx)
		}
		out[idx] = nc
	}
	return out
}

func loopInMsgs(s *Server) []int64 {
	var n []int64
	for _, l := range s.loopList() {
		n = append(n, l.stats.inMsgs.Load())
	}
	return n
}

func loopMatches(s *Server) []int64 {
	var n []int64
	for _, l := range s.loopList() {
		n = append(n, l.stats.matches.Load())
	}
	return n
}

func TestCaptureNamesThePublishersLoop(t *testing.T) {
	s := runServer(t, Options{})
	in := newFakeIngest(nil, globalAccountName)
	capture(t, s, globalAccountName, []string{"s"}, in)
	for idx, nc := range twoLoops(t, s) {
		if err := nc.Publish("s", []byte{byte(idx)}); err != nil {
			t.Fatal(err)
		}
		if c := in.next(t); c.origin != idx || c.data[0] != byte(idx) {
			t.Fatalf("publish from loop %d captured with origin %d", idx, c.origin)
		}
	}
}

func TestSendPublishesFromTheOriginLoopInOrder(t *testing.T) {
	s := runServer(t, Options{})
	conns := twoLoops(t, s)
	host := jsHost{s}
	for origin := range conns {
		for _, withHeaders := range []bool{false, true} {
			inbox := nats.NewInbox()
			sub, err := conns[1-origin].SubscribeSync(inbox) // the requester may be on another loop: acks still leave from origin
			if err != nil {
				t.Fatal(err)
			}
			if err := conns[1-origin].Flush(); err != nil {
				t.Fatal(err)
			}
			const n = 50
			var msgs []stream.Outbound
			for i := range n {
				o := stream.Outbound{Account: globalAccountName, Subject: inbox, Data: fmt.Appendf(nil, `{"seq":%d}`, i), Origin: origin}
				if withHeaders {
					o.Hdr = fmt.Appendf(nil, "NATS/1.0\r\nSeq: %d\r\n\r\n", i)
				}
				msgs = append(msgs, o)
			}
			before := loopMatches(s)
			host.Send(msgs[:n/2])
			host.Send(msgs[n/2:])
			clear(msgs) // Send copied what it needs
			for i := range n {
				m, err := sub.NextMsg(5 * time.Second)
				if err != nil {
					t.Fatalf("origin %d headers %v: message %d: %v", origin, withHeaders, i, err)
				}
				if want := fmt.Sprintf(`{"seq":%d}`, i); string(m.Data) != want {
					t.Fatalf("origin %d: message %d is %q, want %q", origin, i, m.Data, want)
				}
				if got := m.Header.Get("Seq"); withHeaders && got != fmt.Sprint(i) || !withHeaders && m.Header != nil {
					t.Fatalf("origin %d headers %v: message %d header %v", origin, withHeaders, i, m.Header)
				}
			}
			// A loop commits its counters after it has handed the messages on: wait for them.
			waitFor(t, "the origin loop's counters", 5*time.Second, func() bool { return loopMatches(s)[origin]-before[origin] >= n })
			if after := loopMatches(s); after[1-origin] != before[1-origin] {
				t.Fatalf("Send with origin %d matched on the other loop too: %v -> %v", origin, before, after)
			}
			_ = sub.Unsubscribe()
		}
	}
}

func TestListenHandsRequestsToAHandlerThatAnswers(t *testing.T) {
	s := runServer(t, Options{JetStream: nil})
	s.jsAPI.start(jsAPIWorkers) // as startJetStream does
	t.Cleanup(s.jsAPI.stop)
	host := jsHost{s}
	got := make(chan stream.Request, 8)
	cancel, err := host.Listen(globalAccountName, "$JS.API.>", func(req stream.Request) {
		got <- req
		host.Send([]stream.Outbound{{Account: req.Account, Subject: req.Reply, Data: append([]byte("re:"), req.Data...), Origin: -1}})
	})
	if err != nil {
		t.Fatal(err)
	}
	nc := connect(t, s)
	msg := nats.NewMsg("$JS.API.STREAM.INFO.S")
	msg.Header.Set("X", "y")
	msg.Data = []byte(`{"a":1}`)
	reply, err := nc.RequestMsg(msg, 5*time.Second)
	if err != nil || string(reply.Data) != `re:{"a":1}` {
		t.Fatalf("reply %v %v", reply, err)
	}
	req := <-got
	if req.Account != globalAccountName || req.Subject != "$JS.API.STREAM.INFO.S" || req.Reply != reply.Subject ||
		string(req.Hdr) != "NATS/1.0\r\nX: y\r\n\r\n" || string(req.Data) != `{"a":1}` {
		t.Fatalf("request %+v", req)
	}
	if _, err := nc.Request("$JS.API.INFO", nil, 5*time.Second); err != nil { // no headers
		t.Fatal(err)
	}
	if req := <-got; req.Hdr != nil || len(req.Data) != 0 {
		t.Fatalf("request without headers %+v", req)
	}
	cancel()
	if _, err := nc.Request("$JS.API.INFO", nil, 5*time.Second); !errors.Is(err, nats.ErrNoResponders) {
		t.Fatalf("after cancel: %v, want no responders", err)
	}
}

func TestJetStreamAccountsAreApart(t *testing.T) {
	var opts Options
	withAuth(t, `accounts {
  A: { users: [{user: a, password: a}] }
  B: { users: [{user: b, password: b}] }
}`, &opts)
	s := runServer(t, opts)
	host := jsHost{s}
	inA, inB := newFakeIngest(host, "A"), newFakeIngest(host, "B")
	capture(t, s, "A", []string{"orders"}, inA)
	capture(t, s, "B", []string{"orders"}, inB) // the same subject in another account
	ncA := connect(t, s, nats.UserInfo("a", "a"))
	ncB := connect(t, s, nats.UserInfo("b", "b"))
	for _, tc := range []struct {
		nc       *nats.Conn
		in, idle *fakeIngest
	}{{ncA, inA, inB}, {ncB, inB, inA}} {
		if reply, err := tc.nc.Request("orders", []byte(tc.in.acct), 5*time.Second); err != nil || string(reply.Data) != "ack:"+tc.in.acct {
			t.Fatalf("request in %s: %v %v", tc.in.acct, reply, err)
		}
		if c := tc.in.next(t); string(c.data) != tc.in.acct {
			t.Fatalf("account %s captured %q", tc.in.acct, c.data)
		}
		if len(tc.idle.got) != 0 {
			t.Fatalf("account %s captured a publish of account %s", tc.idle.acct, tc.in.acct)
		}
	}
	// Send reaches the named account's subscribers only.
	subB, err := ncB.SubscribeSync("note")
	if err != nil {
		t.Fatal(err)
	}
	subA, err := ncA.SubscribeSync("note")
	if err != nil {
		t.Fatal(err)
	}
	_ = ncA.Flush()
	_ = ncB.Flush()
	host.Send([]stream.Outbound{{Account: "A", Subject: "note", Data: []byte("for A"), Origin: -1},
		{Account: "nonesuch", Subject: "note", Data: []byte("lost"), Origin: -1},
		{Account: "B", Subject: "note", Data: []byte("for B"), Origin: -1}})
	for _, tc := range []struct {
		sub  *nats.Subscription
		want string
	}{{subA, "for A"}, {subB, "for B"}} {
		m, err := tc.sub.NextMsg(5 * time.Second)
		if err != nil || string(m.Data) != tc.want {
			t.Fatalf("got %v %v, want %q", m, err, tc.want)
		}
	}
	if _, err := host.Capture("nonesuch", []string{"x"}, inA); err == nil {
		t.Fatal("capture in an unknown account accepted")
	}
}

func TestCaptureTakesPublishesFromRoutes(t *testing.T) {
	mesh := runMesh(t, 2)
	in := newFakeIngest(jsHost{mesh[1]}, globalAccountName)
	capture(t, mesh[1], globalAccountName, []string{"stored.>"}, in)
	waitFor(t, "capture interest across the route", 5*time.Second, func() bool {
		for _, p := range mesh[0].cluster.peerList() {
			if p.route.interest.HasInterest([]byte("$G"), []byte("stored.x")) {
				return true
			}
		}
		return false
	})
	nc := connect(t, mesh[0])
	msg := nats.NewMsg("stored.x")
	msg.Header.Set("H", "v")
	msg.Data = []byte("over the route")
	reply, err := nc.RequestMsg(msg, 5*time.Second)
	if err != nil || string(reply.Data) != "ack:over the route" {
		t.Fatalf("request through the route: %v %v", reply, err)
	}
	if c := in.next(t); c.subject != "stored.x" || string(c.hdr) != "NATS/1.0\r\nH: v\r\n\r\n" || string(c.data) != "over the route" {
		t.Fatalf("captured %+v", c)
	}
}

func TestJetStreamAccountsChosenAsNatsServer(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.jetStreamAccounts(); len(got) != 1 || got[0].name != globalAccountName || got[0].limits != stream.Unlimited {
		t.Fatalf("no accounts configured: %+v", got)
	}
	var opts Options
	withAuth(t, `accounts {
  A: {}
  B: { jetstream: enabled }
  C: { jetstream { max_mem: 1K, max_streams: 3 } }
}
authorization { users: [{user: g, password: g}] }`, &opts)
	if s, err = New(opts); err != nil {
		t.Fatal(err)
	}
	c := stream.Unlimited
	c.MaxMemory, c.MaxStreams = 1000, 3
	want := []jsAccountLimits{{"B", stream.Unlimited}, {"C", c}}
	if got := s.jetStreamAccounts(); !slices.Equal(got, want) {
		t.Fatalf("accounts configured: %+v, want %+v", got, want)
	}
}

func TestJetStreamStartsAndStopsWithTheServer(t *testing.T) {
	s := runServer(t, Options{JetStream: &JetStreamOptions{StoreDir: t.TempDir()}})
	if s.JetStream() == nil {
		t.Fatal("JetStream() is nil with JetStream on")
	}
	nc := connect(t, s)
	if err := nc.Publish("x", nil); err != nil {
		t.Fatal(err)
	}
	s.Shutdown()
	if off := runServer(t, Options{}); off.JetStream() != nil {
		t.Fatal("JetStream() is not nil with JetStream off")
	}
}

// countingIngest counts captured publishes and keeps nothing, so the benchmark measures the server's
// side of capture only.
type countingIngest struct{ n atomic.Int64 }

func (c *countingIngest) Enqueue(subject, reply, hdr, data []byte, origin int) { c.n.Add(1) }

// BenchmarkPublishToCapture publishes 128-byte messages into a stream's capture: parse, match, Enqueue.
func BenchmarkPublishToCapture(b *testing.B) {
	s := runServer(b, Options{})
	var in countingIngest
	cancel, err := jsHost{s}.Capture(globalAccountName, []string{"bench"}, &in)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(cancel)
	pub, err := net.Dial("tcp", s.Addr())
	if err != nil {
		b.Fatal(err)
	}
	defer pub.Close()
	go io.Copy(io.Discard, pub) // INFO
	fmt.Fprint(pub, quiet)

	const payloadSize = 128
	frame := []byte(fmt.Sprintf("PUB bench %d\r\n%s\r\n", payloadSize, bytes.Repeat([]byte("x"), payloadSize)))
	const perWrite = 256
	chunk := bytes.Repeat(frame, perWrite)
	b.SetBytes(payloadSize)
	b.ReportAllocs()
	b.ResetTimer()
	for sent := 0; sent < b.N; sent += perWrite {
		n := min(perWrite, b.N-sent)
		if _, err := pub.Write(chunk[:n*len(frame)]); err != nil {
			b.Fatal(err)
		}
	}
	waitFor(b, "every publish captured", 30*time.Second, func() bool { return in.n.Load() >= int64(b.N) })
}

// A delivery (MsgSubject set) reaches the subscribers of its Subject, a pull request's inbox, on any loop,
// showing the stored message's subject and carrying its ack reply; nothing else subscribed to the shown
// subject gets it.
func TestSendDeliversShowingTheMessagesSubject(t *testing.T) {
	s := runServer(t, Options{})
	conns := twoLoops(t, s)
	inbox := nats.NewInbox()
	sub, err := conns[1].SubscribeSync(inbox)
	if err != nil {
		t.Fatal(err)
	}
	bystander, err := conns[0].SubscribeSync("orders.>")
	if err != nil {
		t.Fatal(err)
	}
	for _, nc := range conns {
		if err := nc.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	jsHost{s}.Send([]stream.Outbound{{Account: globalAccountName, Subject: inbox, MsgSubject: "orders.new",
		Reply: "$JS.ACK.S.C.1.7.1.0.0", Hdr: []byte("NATS/1.0\r\nK: v\r\n\r\n"), Data: []byte("m7"), Origin: 0}})
	m, err := sub.NextMsg(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "orders.new" || m.Reply != "$JS.ACK.S.C.1.7.1.0.0" || string(m.Data) != "m7" || m.Header.Get("K") != "v" {
		t.Fatalf("delivered %q reply %q data %q header %v", m.Subject, m.Reply, m.Data, m.Header)
	}
	if got, err := bystander.NextMsg(100 * time.Millisecond); err == nil {
		t.Fatalf("a subscriber of the shown subject got the delivery: %q", got.Subject)
	}
}

// A delivery to a subject a queue group subscribes to (a push consumer's deliver group) reaches one member.
func TestSendDeliversToOneMemberOfADeliverGroup(t *testing.T) {
	s := runServer(t, Options{})
	conns := twoLoops(t, s)
	var subs []*nats.Subscription
	for _, nc := range conns {
		for range 2 {
			sub, err := nc.QueueSubscribeSync("deliver.here", "workers")
			if err != nil {
				t.Fatal(err)
			}
			subs = append(subs, sub)
		}
		if err := nc.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	const n = 20
	for i := range n {
		jsHost{s}.Send([]stream.Outbound{{Account: globalAccountName, Subject: "deliver.here", MsgSubject: "orders.new",
			Data: fmt.Appendf(nil, "m%d", i), Origin: -1}})
	}
	got := 0
	waitFor(t, "every delivery", 5*time.Second, func() bool {
		for _, sub := range subs {
			for {
				m, err := sub.NextMsg(time.Millisecond)
				if err != nil {
					break
				}
				if m.Subject != "orders.new" {
					t.Fatalf("delivered as %q", m.Subject)
				}
				got++
			}
		}
		return got >= n
	})
	for _, sub := range subs { // a duplicate would have arrived with the rest
		if m, err := sub.NextMsg(20 * time.Millisecond); err == nil {
			got++
			t.Fatalf("a delivery reached two members (%d of %d): %q", got, n, m.Data)
		}
	}
}

// A message the server sends without an origin loop (an API reply, a consumer's delivery) goes out from
// the loop of the client subscribing to its subject: homeLoop finds it for either loop, and says -1 for
// a subject nobody subscribes to.
func TestHomeLoopIsTheSubscribersLoop(t *testing.T) {
	s := runServer(t, Options{})
	conns := twoLoops(t, s)
	for i, nc := range conns {
		subject := fmt.Sprintf("home.%d", i)
		if _, err := nc.SubscribeSync(subject); err != nil {
			t.Fatal(err)
		}
		if err := nc.Flush(); err != nil {
			t.Fatal(err)
		}
		if got := homeLoop(s.global, subject); got != i {
			t.Errorf("homeLoop(%s) = %d, want the subscriber's loop %d", subject, got, i)
		}
	}
	if got := homeLoop(s.global, "home.nobody"); got != -1 {
		t.Errorf("homeLoop of a subject without subscribers = %d, want -1", got)
	}
}
