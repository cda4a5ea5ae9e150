package reactor

import (
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

func connByName(t *testing.T, conns []ConnInfo, name string) ConnInfo {
	t.Helper()
	for _, ci := range conns {
		if ci.Name == name {
			return ci
		}
	}
	t.Fatalf("no connection named %q in %d", name, len(conns))
	return ConnInfo{}
}

func TestConnsCountPerConnectionTraffic(t *testing.T) {
	s := runServer(t, Options{})
	sub := connect(t, s, nats.Name("sub"))
	pub := connect(t, s, nats.Name("pub"))
	qs, err := sub.QueueSubscribeSync("orders.*", "workers")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sub.SubscribeSync("audit"); err != nil {
		t.Fatal(err)
	}
	sub.Flush()
	for i := 0; i < 5; i++ {
		if err := pub.Publish("orders.new", []byte("12345")); err != nil {
			t.Fatal(err)
		}
	}
	pub.Flush()
	for i := 0; i < 5; i++ {
		if _, err := qs.NextMsg(5 * time.Second); err != nil {
			t.Fatal(err)
		}
	}

	conns := s.Conns(true)
	if len(conns) != 2 {
		t.Fatalf("%d open connections, want 2", len(conns))
	}
	if conns[0].CID >= conns[1].CID {
		t.Fatalf("not ordered by cid: %d, %d", conns[0].CID, conns[1].CID)
	}
	p, c := connByName(t, conns, "pub"), connByName(t, conns, "sub")
	if p.InMsgs != 5 || p.InBytes != 25 || p.OutMsgs != 0 {
		t.Fatalf("publisher counters: %+v", p)
	}
	if c.OutMsgs != 5 || c.OutBytes != 25 || c.InMsgs != 0 || c.NumSubs != 2 {
		t.Fatalf("subscriber counters: %+v", c)
	}
	if c.Lang != "go" || c.Version == "" || c.Account != "$G" || c.IP != "127.0.0.1" || c.Port == 0 {
		t.Fatalf("identity fields: %+v", c)
	}
	if len(c.Subs) != 2 || c.Subs[0].Subject != "orders.*" || c.Subs[0].Queue != "workers" || c.Subs[0].Msgs != 5 ||
		c.Subs[1].Subject != "audit" || c.Subs[1].Msgs != 0 || c.Subs[0].CID != c.CID {
		t.Fatalf("subscriptions: %+v", c.Subs)
	}
	if !c.LastActivity.After(c.Start) || c.Start.After(time.Now()) {
		t.Fatalf("times: start %v last %v", c.Start, c.LastActivity)
	}
	if len(s.Conns(false)[0].Subs) != 0 {
		t.Fatal("subscriptions listed without being asked for")
	}
	st := s.Stats()
	if st.Total != 2 || st.Connections != 2 || len(st.Loops) == 0 || st.Matches < 5 {
		t.Fatalf("stats: %+v", st)
	}
}

func TestRTTIsMeasuredByTheFirstPing(t *testing.T) {
	s := runServer(t, Options{PingInterval: 50 * time.Millisecond})
	connect(t, s)
	waitFor(t, "an RTT", 5*time.Second, func() bool {
		c := s.Conns(false)
		return len(c) == 1 && c[0].RTT > 0
	})
}

func TestClosedConnectionsKeepTheirReason(t *testing.T) {
	s := runServer(t, Options{PingInterval: 50 * time.Millisecond, MaxPingsOut: 1, MaxClosedClients: 3})

	nc := connect(t, s, nats.Name("leaves"))
	nc.Publish("x", []byte("abc"))
	nc.Flush()
	nc.Close()

	bad, _ := dialRaw(t, s)
	bad.send("FOO\r\n")
	bad.expect("-ERR 'Unknown Protocol Operation'")
	bad.expectClosed()

	big, _ := dialRaw(t, s)
	big.send("PUB a 99999999\r\n")
	big.expect("-ERR 'Maximum Payload Violation'")
	big.expectClosed()

	stale, _ := dialRaw(t, s)
	stale.send(quiet)
	stale.expect("PING", "-ERR 'Stale Connection'")
	stale.expectClosed()

	var closed []ConnInfo
	waitFor(t, "four closed", 5*time.Second, func() bool {
		closed = s.ClosedConns()
		return s.Stats().Total == 4 && len(closed) == 3 && closed[2].Reason == "Stale Connection"
	})
	// The ring holds three: the oldest (the nats.go client) has been forgotten.
	want := []string{"Protocol Violation", "Maximum Message Payload Exceeded", "Stale Connection"}
	for i, ci := range closed {
		if ci.Reason != want[i] || ci.Stop.IsZero() || ci.Stop.Before(ci.Start) {
			t.Fatalf("closed[%d] = %q stop %v, want %q", i, ci.Reason, ci.Stop, want[i])
		}
	}
	if s.Stats().Stale != 1 {
		t.Fatalf("stale count %d", s.Stats().Stale)
	}
}

func TestClientClosedIsTheReasonWhenThePeerLeaves(t *testing.T) {
	s := runServer(t, Options{})
	nc := connect(t, s, nats.Name("leaves"))
	if _, err := nc.SubscribeSync("kept"); err != nil {
		t.Fatal(err)
	}
	nc.Publish("x", []byte("abc"))
	nc.Flush()
	nc.Close()
	waitFor(t, "closed", 5*time.Second, func() bool { return len(s.ClosedConns()) == 1 })
	ci := s.ClosedConns()[0]
	if ci.Reason != "Client Closed" || ci.Name != "leaves" || ci.InMsgs != 1 || ci.InBytes != 3 {
		t.Fatalf("closed: %+v", ci)
	}
	if ci.NumSubs != 1 || len(ci.Subs) != 1 || ci.Subs[0].Subject != "kept" {
		t.Fatalf("closed connection lost its subscriptions: %+v", ci)
	}
}
