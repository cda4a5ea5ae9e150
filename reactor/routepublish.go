package reactor

import (
	"math/rand/v2"

	"github.com/reactor-nats/reactor/cluster"
	"github.com/reactor-nats/reactor/codec"
	"github.com/reactor-nats/reactor/subtrie"
)

// Publishing across the mesh (ROUTES.md §5). A message a client published goes to each peer that announced
// matching interest, once, naming the queue groups that peer is to serve; each queue group gets one member
// cluster-wide, drawn at random over the local members and the peers' RS+ weights. A message that came in
// over a route goes to local subscribers only, and to a local member of exactly the queue groups its RMSG
// names: routes are one hop.

// routeScratch is a loop's reusable state for one clustered publish, so it allocates nothing.
type routeScratch struct {
	matches []*subtrie.Result // by peer: the peer's interest matching the subject
	queues  [][][]byte        // by peer: the queue groups it is to serve
	weights []int             // by peer: its weight in the group being drawn
}

func (sc *routeScratch) reset(n int) {
	if cap(sc.matches) < n {
		sc.matches = make([]*subtrie.Result, n)
		sc.queues = make([][][]byte, n)
		sc.weights = make([]int, n)
	}
	sc.matches = sc.matches[:n]
	sc.queues = sc.queues[:n]
	sc.weights = sc.weights[:n]
	for i := range sc.queues {
		sc.queues[i] = sc.queues[i][:0]
	}
}

// routePeers is the routes c's publishes cross: none for a message that came over a route.
func (c *client) routePeers() []*client {
	cs := c.srv.cluster
	if cs == nil || c.kind == kindRoute {
		return nil
	}
	return cs.peerList()
}

// publishClustered delivers one member per queue group cluster-wide and forwards m to every peer that
// wants it. r is the local match. It returns how many deliveries it made (a peer counts as one).
func (c *client) publishClustered(acct *account, m *message, r *subtrie.Result, peers []*client) (delivered int) {
	l := c.loop
	sc := &l.routes
	sc.reset(len(peers))
	for i, p := range peers {
		sc.matches[i] = p.route.interest.Match(acct.wireName, m.subject)
	}
	for _, group := range r.Queues {
		name := group[0].Queue
		for i := range peers {
			sc.weights[i] = namedGroupWeight(sc.matches[i].Queues, name)
		}
		pick := cluster.PickQueue(len(group), sc.weights, false, rand.Uint64())
		switch {
		case pick.Local:
			if s := c.pickMemberFrom(group, pick.Index, m.subject); s != nil {
				l.route(s, m)
				c.noteRecipient(s.client)
				delivered++
			}
		case pick.Index >= 0:
			sc.queues[pick.Index] = append(sc.queues[pick.Index], bytesOf(name))
		}
	}
	// Groups with no local member: drawn among the peers that have them.
	for i := range peers {
		for _, group := range sc.matches[i].Queues {
			name := group[0].Queue
			if hasGroup(r.Queues, name) || seenBefore(sc.matches[:i], name) {
				continue
			}
			for j := range peers {
				sc.weights[j] = 0
				if j >= i {
					sc.weights[j] = namedGroupWeight(sc.matches[j].Queues, name)
				}
			}
			if pick := cluster.PickQueue(0, sc.weights, false, rand.Uint64()); pick.Index >= 0 {
				sc.queues[pick.Index] = append(sc.queues[pick.Index], bytesOf(name))
			}
		}
	}
	for i, p := range peers {
		if len(sc.matches[i].Plain) == 0 && len(sc.queues[i]) == 0 {
			continue
		}
		l.sendRouted(p, acct, m, sc.queues[i])
		c.noteRecipient(p)
		delivered++
	}
	return delivered
}

// namedGroupWeight is the peer's weight in queue group name: 0 when it has no such group.
func namedGroupWeight(groups [][]*subtrie.Subscription, name string) int {
	for _, g := range groups {
		if g[0].Queue == name {
			return cluster.GroupWeight(g)
		}
	}
	return 0
}

func hasGroup(groups [][]*subtrie.Subscription, name string) bool {
	for _, g := range groups {
		if g[0].Queue == name {
			return true
		}
	}
	return false
}

func seenBefore(matches []*subtrie.Result, name string) bool {
	for _, m := range matches {
		if hasGroup(m.Queues, name) {
			return true
		}
	}
	return false
}

// listedQueue reports whether queue group name is among those the RMSG being applied names.
func (rc *routeConn) listedQueue(name string) bool {
	for q, rest := codec.NextQueue(rc.queues); q != nil; q, rest = codec.NextQueue(rest) {
		if string(q) == name {
			return true
		}
	}
	return false
}

// pickMemberFrom chooses a member of group starting at index start (a uniformly drawn index), skipping the
// members pickMember skips.
func (c *client) pickMemberFrom(group []*subtrie.Subscription, start int, subject []byte) *subscription {
	n := len(group)
	for i := 0; i < n; i++ {
		s := group[(start+i)%n].Owner.(*subscription)
		if (s.client == c && !c.opts.Echo) || !s.filter.Load().Allows(subject) {
			continue
		}
		return s
	}
	return nil
}
