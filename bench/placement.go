package bench

import "strings"

// Placement says which node of a cluster each client of a row connects to, so that the same workload
// code drives one server or a cluster: a publisher on node A and its subscriber on node B make every
// message cross a route. Nodes are indexes into the run's nodes (0 is A). The zero value puts every
// client on node A, which is all a single server has.
type Placement struct {
	Pubs []int // publisher (or requester) i connects to node Pubs[i%len(Pubs)]
	Subs []int // subscriber (or responder) i connects to node Subs[i%len(Subs)]
}

// Pub is the node publisher (or requester) i connects to.
func (p Placement) Pub(i int) int { return pick(p.Pubs, i) }

// Sub is the node subscriber (or responder) i connects to.
func (p Placement) Sub(i int) int { return pick(p.Subs, i) }

func pick(nodes []int, i int) int {
	if len(nodes) == 0 {
		return 0
	}
	return nodes[i%len(nodes)]
}

// Nodes is how many nodes the placement needs: one more than the highest node it names.
func (p Placement) Nodes() int {
	n := 1
	for _, node := range append(append([]int(nil), p.Pubs...), p.Subs...) {
		n = max(n, node+1)
	}
	return n
}

// String names the nodes of pubs and subs by letter, "A→B" or "A→A,B,C,C", as the row names and the
// report's topology note show them.
func (p Placement) String(pubs, subs int) string {
	return nodeLetters(p.Pub, pubs) + "→" + nodeLetters(p.Sub, subs)
}

func nodeLetters(node func(int) int, count int) string {
	letters := make([]string, max(count, 1))
	for i := range letters {
		letters[i] = string(rune('A' + node(i)))
	}
	return strings.Join(letters, ",")
}
