package reactor

import (
	"testing"
	"time"
)

// Five members, each listing only the first: the mesh forms by gossip alone, and every message crosses
// exactly one hop.

// meshOfFive lists member 1 as the only route of members 2 to 5; reference marks the nats-server members.
func meshOfFive(reference ...int) []meshSpec {
	specs := []meshSpec{{}, {routes: []int{0}}, {routes: []int{0}}, {routes: []int{0}}, {routes: []int{0}}}
	for _, i := range reference {
		specs[i].reference = true
	}
	return specs
}

func TestRouteFiveMembersMeshByGossip(t *testing.T) {
	for _, kind := range []struct {
		name       string
		specs      []meshSpec
		withdrawal int // the member whose withdrawn interest member 1 is checked to stop forwarding to
	}{
		{"reactor", meshOfFive(), 4},
		{"mixed, 3 reactor and 2 nats-server", meshOfFive(1, 3), 1},
	} {
		t.Run(kind.name, func(t *testing.T) {
			start := time.Now()
			nodes := startMesh(t, "C", kind.specs)
			// Every reactor member ends with exactly one route to each other member: none missing, no
			// duplicate left over from members dialing each other at once.
			waitFor(t, "a full mesh of five", max(0, 15*time.Second-time.Since(start)), func() bool {
				for _, n := range nodes {
					if rn, ok := n.(*reactorNode); ok && len(rn.server().cluster.peerList()) != len(nodes)-1 {
						return false
					}
				}
				return true
			})
			for _, n := range nodes {
				if rn, ok := n.(*reactorNode); ok {
					seen := map[string]bool{}
					for _, r := range rn.server().Routes(false) {
						if seen[r.RemoteName] || r.RemoteName == n.name() {
							t.Fatalf("%s routes: %+v", n.name(), rn.server().Routes(false))
						}
						seen[r.RemoteName] = true
					}
				}
			}
			t.Run("queue exactly once", func(t *testing.T) { checkQueueExactlyOnce(t, nodes, 10000) })
			t.Run("interest withdrawn", func(t *testing.T) {
				checkWithdrawal(t, nodes[0].(*reactorNode), nodes[kind.withdrawal])
			})
		})
	}
}

// checkWithdrawal subscribes on member sub (a plain subscription and a queue group), then unsubscribes:
// once pub, a reactor member, has taken the RS-, it forwards nothing more on those subjects to sub's
// member. A marker subject that stays subscribed shows the route itself still carries messages, and that
// nothing was merely in flight when the counters were read (one route keeps one publisher's order).
func checkWithdrawal(t *testing.T, pub *reactorNode, sub node) {
	s := pub.server()
	subc := dialNode(t, sub)
	marker, err := subc.SubscribeSync("withdraw.marker")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := subc.SubscribeSync("withdraw.me")
	if err != nil {
		t.Fatal(err)
	}
	queue, err := subc.QueueSubscribeSync("withdraw.q", "g")
	if err != nil {
		t.Fatal(err)
	}
	_ = subc.Flush()
	pubc := dialNode(t, pub)
	waitInterest(t, pubc, "withdraw.me", plain)
	waitInterest(t, pubc, "withdraw.q", queue)
	waitInterest(t, pubc, "withdraw.marker", marker)
	if !announced(s, sub.name(), "withdraw.me", "") || !announced(s, sub.name(), "withdraw.q", "g") {
		t.Fatalf("%s does not list %s's interest: %+v", pub.name(), sub.name(), s.Routes(true))
	}

	if err := plain.Unsubscribe(); err != nil {
		t.Fatal(err)
	}
	if err := queue.Unsubscribe(); err != nil {
		t.Fatal(err)
	}
	_ = subc.Flush()
	waitFor(t, "the RS- to reach "+pub.name(), 10*time.Second, func() bool {
		return !announced(s, sub.name(), "withdraw.me", "") && !announced(s, sub.name(), "withdraw.q", "g")
	})
	before := routeOutMsgs(t, s, sub.name())
	for range 100 {
		_ = pubc.Publish("withdraw.me", []byte("nobody"))
		_ = pubc.Publish("withdraw.q", []byte("nobody"))
	}
	_ = pubc.Publish("withdraw.marker", []byte("marker"))
	_ = pubc.Flush()
	if m, err := marker.NextMsg(5 * time.Second); err != nil || string(m.Data) != "marker" {
		t.Fatalf("marker: %v", err)
	}
	if sent := routeOutMsgs(t, s, sub.name()) - before; sent != 1 {
		t.Fatalf("%s sent %d messages to %s after the interest was withdrawn, want only the marker",
			pub.name(), sent, sub.name())
	}
}

// announced reports whether s's route to the member named peer lists interest in subject (and queue).
func announced(s *Server, peer, subject, queue string) bool {
	for _, r := range s.Routes(true) {
		if r.RemoteName != peer {
			continue
		}
		for _, sub := range r.Subs {
			if sub.Account == "$G" && sub.Subject == subject && sub.Queue == queue {
				return true
			}
		}
	}
	return false
}

// routeOutMsgs is how many messages s has sent on its route to the member named peer.
func routeOutMsgs(t *testing.T, s *Server, peer string) int64 {
	t.Helper()
	r, ok := routeNamed(s, peer)
	if !ok {
		t.Fatalf("no route to %s", peer)
	}
	return r.OutMsgs
}
