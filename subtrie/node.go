package subtrie

import "sync/atomic"

// node is one level of the trie: the subscriptions whose subject ends here and the children for the next
// token. A node is reached by consuming tokens from the root, so the token that leads to it is not stored.
//
// Ownership: nodes are mutated only under Trie.mu held for writing and read only under Trie.mu held for
// reading. The slices here are rewritten in place (swap-remove), which is why Match copies them into a
// fresh Result rather than aliasing them.
type node struct {
	literal map[string]*node // child per literal token; nil until the first one
	one     *node            // child for the '*' token
	all     *node            // child for the '>' token; a leaf by the grammar

	plain  []*Subscription
	queues []queueGroup // one per queue name subscribed at exactly this subject; usually zero or one

	// alone is the Result of a subject that matches this node and no other, built by the first Match
	// that needs it (under Trie.mu held for reading, hence atomic: readers race to set it, with equal
	// Results) and dropped by every change to the node's subscriptions (under Trie.mu held for writing,
	// so no reader is building one then). It makes a miss on a subject seen once, such as a JetStream
	// ack subject under $JS.ACK.<stream>.<consumer>.>, allocate nothing; it costs one Result per node
	// matched alone, no more than the subscriptions it copies.
	alone atomic.Pointer[Result]
}

type queueGroup struct {
	name    string
	members []*Subscription
}

// child returns the child for token, creating it if create is set; nil if absent and not created.
func (n *node) child(token string, create bool) *node {
	var next *node
	switch token {
	case oneWildcard:
		if n.one == nil && create {
			n.one = &node{}
		}
		next = n.one
	case allWildcard:
		if n.all == nil && create {
			n.all = &node{}
		}
		next = n.all
	default:
		next = n.literal[token]
		if next == nil && create {
			if n.literal == nil {
				n.literal = make(map[string]*node)
			}
			next = &node{}
			n.literal[token] = next
		}
	}
	return next
}

// dropChild detaches the child for token; called once that child is empty so dead branches do not pile up
// under churn (inbox subjects are unique and short-lived).
func (n *node) dropChild(token string) {
	switch token {
	case oneWildcard:
		n.one = nil
	case allWildcard:
		n.all = nil
	default:
		delete(n.literal, token)
		if len(n.literal) == 0 {
			n.literal = nil
		}
	}
}

func (n *node) empty() bool {
	return len(n.plain) == 0 && len(n.queues) == 0 && len(n.literal) == 0 && n.one == nil && n.all == nil
}

// add appends s to the plain list or its queue group and returns its slot: its index there, which the Trie
// keeps so that remove is O(1) however many subscriptions share the subject.
func (n *node) add(s *Subscription) int {
	if s.Queue == "" {
		n.plain = append(n.plain, s)
		return len(n.plain) - 1
	}
	for i := range n.queues {
		if n.queues[i].name == s.Queue {
			n.queues[i].members = append(n.queues[i].members, s)
			return len(n.queues[i].members) - 1
		}
	}
	n.queues = append(n.queues, queueGroup{name: s.Queue, members: []*Subscription{s}})
	return 0
}

// remove takes s out of its slot by moving the last entry into it. It returns the subscription that moved
// (nil if none did), whose slot is now the one s had, and false if s is not at that slot.
func (n *node) remove(s *Subscription, slot int) (moved *Subscription, ok bool) {
	if s.Queue == "" {
		n.plain, moved, ok = swapRemove(n.plain, s, slot)
		return moved, ok
	}
	for i := range n.queues {
		if n.queues[i].name != s.Queue {
			continue
		}
		n.queues[i].members, moved, ok = swapRemove(n.queues[i].members, s, slot)
		if len(n.queues[i].members) == 0 {
			last := len(n.queues) - 1
			n.queues[i] = n.queues[last]
			n.queues[last] = queueGroup{}
			n.queues = n.queues[:last]
			if last == 0 {
				n.queues = nil
			}
		}
		return moved, ok
	}
	return nil, false
}

func swapRemove(subs []*Subscription, s *Subscription, slot int) (rest []*Subscription, moved *Subscription, ok bool) {
	if slot < 0 || slot >= len(subs) || subs[slot] != s {
		return subs, nil, false
	}
	last := len(subs) - 1
	if slot != last {
		moved = subs[last]
		subs[slot] = moved
	}
	subs[last] = nil // let the removed subscription be collected
	if last == 0 {
		return nil, moved, true
	}
	return subs[:last], moved, true
}
