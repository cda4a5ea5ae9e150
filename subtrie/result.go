package subtrie

// Result is what a subject matched. It is immutable once Match returns it: the same value is shared by
// every concurrent caller and kept in the match cache, so callers must not modify the slices (copy first).
// The order of subscriptions and of groups is unspecified.
type Result struct {
	Plain []*Subscription
	// Queues holds one slice per queue name, never empty: every member of that name whose subscription
	// matches, merged across subjects. As in nats-server, queue q on foo.* and queue q on foo.> form one
	// group for foo.bar, and one member of the group receives each message.
	Queues [][]*Subscription
}

// emptyResult is what a subject with no interest matches. Shared and never modified.
var emptyResult = &Result{}

// maxQueueScan is how many groups buildResult merges by linear search before switching to a map; a subject
// rarely matches more than a couple of queue names.
const maxQueueScan = 8

// resultOf is the Result of the matched nodes: the node's own when one node matched (node.alone), built
// afresh otherwise. Under Trie.mu held for reading.
func resultOf(matched []*node) *Result {
	if len(matched) != 1 {
		return buildResult(matched)
	}
	n := matched[0]
	if r := n.alone.Load(); r != nil {
		return r
	}
	r := buildResult(matched)
	n.alone.Store(r)
	return r
}

// buildResult copies the subscriptions of the matched nodes into a fresh Result. Copying is what makes a
// Result immutable: the nodes' slices are rewritten in place by later Inserts and Removes.
func buildResult(matched []*node) *Result {
	plainCount, queueNodes := 0, 0
	for _, n := range matched {
		plainCount += len(n.plain)
		if len(n.queues) > 0 {
			queueNodes++
		}
	}
	if plainCount == 0 && queueNodes == 0 {
		return emptyResult
	}
	r := &Result{}
	if plainCount > 0 {
		r.Plain = make([]*Subscription, 0, plainCount)
		for _, n := range matched {
			r.Plain = append(r.Plain, n.plain...)
		}
	}
	if queueNodes == 0 {
		return r
	}
	var groupIndex map[string]int // queue name → index in r.Queues, once linear search gets long
	for _, n := range matched {
		for _, g := range n.queues {
			i := -1
			if groupIndex != nil {
				if at, ok := groupIndex[g.name]; ok {
					i = at
				}
			} else if queueNodes > 1 { // one node's group names are already distinct
				for at, members := range r.Queues {
					if members[0].Queue == g.name {
						i = at
						break
					}
				}
			}
			if i >= 0 {
				r.Queues[i] = append(r.Queues[i], g.members...)
				continue
			}
			r.Queues = append(r.Queues, append([]*Subscription(nil), g.members...))
			if groupIndex == nil && queueNodes > 1 && len(r.Queues) > maxQueueScan {
				groupIndex = make(map[string]int, len(r.Queues))
				for at, members := range r.Queues {
					groupIndex[members[0].Queue] = at
				}
			} else if groupIndex != nil {
				groupIndex[g.name] = len(r.Queues) - 1
			}
		}
	}
	return r
}
