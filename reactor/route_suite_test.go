package reactor

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// meshKinds are the make-ups every cluster behaviour is checked on. In each, members 2 and 3 list only
// member 1, so the full mesh forms by gossip: in "mixed" reactor forwards a newcomer to nats-server and
// nats-server dials reactor; in "mixed-reference-seed" the other way round.
var meshKinds = []struct {
	name  string
	specs []meshSpec
}{
	{"reactor", []meshSpec{{}, {routes: []int{0}}, {routes: []int{0}}}},
	{"mixed", []meshSpec{{}, {reference: true, routes: []int{0}}, {routes: []int{0}}}},
	{"mixed-reference-seed", []meshSpec{{reference: true}, {routes: []int{0}}, {reference: true, routes: []int{0}}}},
	// nats-server members that want route pooling, s2 compression and a pinned account: between themselves
	// they get them, with reactor they must negotiate down to one plain route per peer.
	{"mixed-pooled-compressed", []meshSpec{
		{reference: true, extra: refRouteFeatures},
		{routes: []int{0}},
		{reference: true, routes: []int{0}, extra: refRouteFeatures},
	}},
}

const refRouteFeatures = "  pool_size: 5\n  compression: s2_fast\n  accounts: [\"$G\"]"

func TestClusterBehaviour(t *testing.T) {
	for _, kind := range meshKinds {
		t.Run(kind.name, func(t *testing.T) {
			nodes := startMesh(t, "C", kind.specs)
			t.Run("interest and wildcards, one hop", func(t *testing.T) { checkInterest(t, nodes) })
			t.Run("headers", func(t *testing.T) { checkHeaders(t, nodes) })
			t.Run("request reply and no responders", func(t *testing.T) { checkRequests(t, nodes) })
			t.Run("queue exactly once", func(t *testing.T) { checkQueueExactlyOnce(t, nodes, 10000) })
			t.Run("order across a hop", func(t *testing.T) { checkOrder(t, nodes[0], nodes[1], 100000) })
			t.Run("order across a hop, reverse", func(t *testing.T) { checkOrder(t, nodes[2], nodes[0], 100000) })
			t.Run("connect urls", func(t *testing.T) { checkConnectURLs(t, nodes) })
		})
	}
}

// waitInterest publishes on subject from pub until sub's node has told pub's node about it, so a test
// does not race the RS+ (nats-server's clients see the same propagation delay).
func waitInterest(t *testing.T, pub *nats.Conn, subject string, sub *nats.Subscription) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_ = pub.Publish(subject, []byte("warmup"))
		_ = pub.Flush()
		if _, err := sub.NextMsg(50 * time.Millisecond); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("interest in %s never arrived", subject)
		}
	}
	for {
		if _, err := sub.NextMsg(50 * time.Millisecond); err != nil {
			return
		}
	}
}

func checkInterest(t *testing.T, nodes []node) {
	pub := dialNode(t, nodes[0])
	subs := map[string]*nats.Subscription{}
	for i, pattern := range []string{"w.b.c", "w.*.c", "w.>", "w.b.*"} {
		nc := dialNode(t, nodes[1+i%2])
		s, err := nc.SubscribeSync(pattern)
		if err != nil {
			t.Fatal(err)
		}
		_ = nc.Flush()
		subs[pattern] = s
	}
	// Warm up until every subscriber's interest has reached member 1, then forget the warm-up messages.
	waitFor(t, "interest of every pattern", 10*time.Second, func() bool {
		_ = pub.Publish("w.b.c", []byte("warmup"))
		_ = pub.Flush()
		time.Sleep(50 * time.Millisecond)
		for _, s := range subs {
			if n, _, _ := s.Pending(); n == 0 {
				return false
			}
		}
		return true
	})
	time.Sleep(100 * time.Millisecond)
	for _, s := range subs {
		for {
			if _, err := s.NextMsg(time.Millisecond); err != nil {
				break
			}
		}
	}
	// One message to w.b.c: every pattern matches it, each subscriber gets it exactly once (a message that
	// came over a route is never forwarded again, so no copy arrives by a second path).
	if err := pub.Publish("w.b.c", []byte("one")); err != nil {
		t.Fatal(err)
	}
	_ = pub.Publish("w.x", []byte("only w.>"))
	_ = pub.Publish("nobody.cares", []byte("dropped"))
	_ = pub.Flush()
	want := map[string][]string{
		"w.b.c": {"one"}, "w.*.c": {"one"}, "w.>": {"one", "only w.>"}, "w.b.*": {"one"},
	}
	for pattern, s := range subs {
		var got []string
		for {
			m, err := s.NextMsg(300 * time.Millisecond)
			if err != nil {
				break
			}
			got = append(got, string(m.Data))
		}
		if fmt.Sprint(got) != fmt.Sprint(want[pattern]) {
			t.Errorf("%s got %q, want %q", pattern, got, want[pattern])
		}
	}
}

func checkHeaders(t *testing.T, nodes []node) {
	for _, pair := range [][2]int{{0, 1}, {1, 2}, {2, 0}} {
		pub, subc := dialNode(t, nodes[pair[0]]), dialNode(t, nodes[pair[1]])
		subject := fmt.Sprintf("hdr.%d.%d", pair[0], pair[1])
		s, err := subc.SubscribeSync(subject)
		if err != nil {
			t.Fatal(err)
		}
		_ = subc.Flush()
		waitInterest(t, pub, subject, s)
		m := nats.NewMsg(subject)
		m.Header.Set("X-One", "1")
		m.Header.Add("X-Two", "a")
		m.Header.Add("X-Two", "b")
		m.Data = []byte("with headers")
		m.Reply = "reply.to"
		if err := pub.PublishMsg(m); err != nil {
			t.Fatal(err)
		}
		got, err := s.NextMsg(5 * time.Second)
		if err != nil {
			t.Fatalf("%s→%s: %v", nodes[pair[0]].name(), nodes[pair[1]].name(), err)
		}
		if string(got.Data) != "with headers" || got.Header.Get("X-One") != "1" ||
			fmt.Sprint(got.Header.Values("X-Two")) != "[a b]" || got.Reply != "reply.to" {
			t.Errorf("%s→%s: got %q %v reply %q", nodes[pair[0]].name(), nodes[pair[1]].name(), got.Data, got.Header, got.Reply)
		}
	}
}

func checkRequests(t *testing.T, nodes []node) {
	for i := range nodes {
		server := dialNode(t, nodes[i])
		subject := fmt.Sprintf("svc.%d", i)
		if _, err := server.Subscribe(subject, func(m *nats.Msg) { _ = m.Respond(append([]byte("re:"), m.Data...)) }); err != nil {
			t.Fatal(err)
		}
		_ = server.Flush()
		client := dialNode(t, nodes[(i+1)%len(nodes)])
		deadline := time.Now().Add(10 * time.Second)
		for {
			// Until the service's RS+ has arrived, the request may find nobody: that answer must be 503.
			reply, err := client.Request(subject, []byte("ping"), 2*time.Second)
			if err == nil {
				if string(reply.Data) != "re:ping" {
					t.Fatalf("reply %q", reply.Data)
				}
				break
			}
			if !errors.Is(err, nats.ErrNoResponders) || time.Now().After(deadline) {
				t.Fatalf("request %s from %s: %v", subject, nodes[(i+1)%len(nodes)].name(), err)
			}
			time.Sleep(20 * time.Millisecond)
		}
		// Many requests in a row: each one's reply subject must be known to the responder's node in time.
		for k := range 50 {
			reply, err := client.Request(subject, []byte(fmt.Sprint(k)), 5*time.Second)
			if err != nil || string(reply.Data) != fmt.Sprintf("re:%d", k) {
				t.Fatalf("request %d: %v %q", k, err, replyData(reply))
			}
		}
	}
	nc := dialNode(t, nodes[1])
	start := time.Now()
	if _, err := nc.Request("nobody.home", nil, 5*time.Second); !errors.Is(err, nats.ErrNoResponders) {
		t.Fatalf("request to nobody: %v, want no responders", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatalf("no responders took %v", time.Since(start))
	}
}

func replyData(m *nats.Msg) []byte {
	if m == nil {
		return nil
	}
	return m.Data
}

// checkQueueExactlyOnce spreads a queue group over every member (two members each) and publishes n
// messages from member 1: each message is delivered exactly once cluster-wide, and every member serves
// some (the draw is weighted, not local-first).
func checkQueueExactlyOnce(t *testing.T, nodes []node, n int) {
	var mu sync.Mutex
	seen := make(map[uint32]int, n)
	perNode := make([]int, len(nodes))
	var subs []*nats.Subscription
	for i, nd := range nodes {
		for range 2 {
			nc := dialNode(t, nd)
			s, err := nc.QueueSubscribe("work.items", "workers", func(m *nats.Msg) {
				if len(m.Data) != 4 {
					return // warm-up
				}
				mu.Lock()
				seen[binary.BigEndian.Uint32(m.Data)]++
				perNode[i]++
				mu.Unlock()
			})
			if err != nil {
				t.Fatal(err)
			}
			_ = nc.Flush()
			subs = append(subs, s)
		}
	}
	pub := dialNode(t, nodes[0])
	// Until each peer's RS+ with its full weight has arrived, the draw cannot reach its members: wait for
	// every member to have served one warm-up message.
	waitFor(t, "queue interest everywhere", 10*time.Second, func() bool {
		for range 20 {
			_ = pub.Publish("work.items", []byte("warm-up"))
		}
		_ = pub.Flush()
		for _, s := range subs {
			if d, _ := s.Delivered(); d == 0 {
				return false
			}
		}
		return true
	})
	var buf [4]byte
	for k := range n {
		binary.BigEndian.PutUint32(buf[:], uint32(k))
		if err := pub.Publish("work.items", buf[:]); err != nil {
			t.Fatal(err)
		}
	}
	_ = pub.Flush()
	waitFor(t, "all queue messages", 20*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(seen) == n
	})
	time.Sleep(200 * time.Millisecond) // a duplicate would arrive within this
	mu.Lock()
	defer mu.Unlock()
	for k, c := range seen {
		if c != 1 {
			t.Fatalf("message %d delivered %d times", k, c)
		}
	}
	for i, c := range perNode {
		// Each member holds a third of the lots: far fewer than a tenth means the draw is not cluster-wide.
		if c < n/10 {
			t.Errorf("%s served %d of %d messages: %v", nodes[i].name(), c, n, perNode)
		}
	}
}

// checkOrder publishes n numbered messages on from and checks that a subscriber on to gets them all, in
// order.
func checkOrder(t *testing.T, from, to node, n int) {
	subc := dialNode(t, to)
	subject := "ordered." + from.name() + "." + to.name()
	probe, err := subc.SubscribeSync(subject + ".probe")
	if err != nil {
		t.Fatal(err)
	}
	// An asynchronous subscription with no pending limit: the check must not drop what a fast hop sends.
	got := make(chan uint64, 1)
	var next uint64
	s, err := subc.Subscribe(subject, func(m *nats.Msg) {
		k := binary.BigEndian.Uint64(m.Data)
		if k != next {
			select {
			case got <- k:
			default:
			}
			return
		}
		next++
		if next == uint64(n) {
			got <- k
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetPendingLimits(-1, -1); err != nil {
		t.Fatal(err)
	}
	_ = subc.Flush()
	pub := dialNode(t, from)
	waitInterest(t, pub, subject+".probe", probe)
	go func() {
		var buf [8]byte
		for k := range n {
			binary.BigEndian.PutUint64(buf[:], uint64(k))
			if pub.Publish(subject, buf[:]) != nil {
				return
			}
		}
		_ = pub.Flush()
	}()
	select {
	case k := <-got:
		if k != uint64(n-1) {
			t.Fatalf("after %d messages in order, number %d arrived", next, k)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("only %d of %d messages arrived", next, n)
	}
}

// checkConnectURLs: a client of any member learns every member's client URL.
func checkConnectURLs(t *testing.T, nodes []node) {
	for _, nd := range nodes {
		nc := dialNode(t, nd)
		waitFor(t, "connect_urls of "+nd.name(), 10*time.Second, func() bool {
			known := map[string]bool{strings.TrimPrefix(nd.clientURL(), "nats://"): true}
			for _, u := range nc.DiscoveredServers() {
				known[strings.TrimPrefix(u, "nats://")] = true
			}
			for _, other := range nodes {
				if !known[strings.TrimPrefix(other.clientURL(), "nats://")] {
					return false
				}
			}
			return true
		})
	}
}
