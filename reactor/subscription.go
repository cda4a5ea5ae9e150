package reactor

import (
	"sync/atomic"

	"github.com/reactor-nats/reactor/auth"
	"github.com/reactor-nats/reactor/subtrie"
)

// subscription is one SUB of one connection. entry is what the account's index holds; entry.Owner points
// back here so a match leads straight to the subscriber.
//
// Fields other than entry, client and sid are owned by the client's loop: deliveries decided on another loop
// are counted here only when they are applied on the owner's loop, which is what makes auto-unsubscribe
// exact (a message that arrives after the max was reached is dropped, never delivered).
type subscription struct {
	entry  subtrie.Subscription
	client *client
	sid    []byte // copied out of the inbound buffer at SUB

	// filter drops messages its permissions deny although the subscription was allowed (nil: none). Read by
	// publishers on any loop; replaced only when a reload changes the permissions.
	filter atomic.Pointer[auth.DeliverFilter]

	max       int64 // auto-unsubscribe after this many deliveries; 0 = no limit
	delivered int64
	removed   bool // no longer in the index; late deliveries are dropped
}

// subIndex maps sids to a connection's subscriptions. Most connections hold a handful of subscriptions, for
// which a slice is both smaller and faster than a map; past smallSubs it switches to a map.
type subIndex struct {
	few  []*subscription
	many map[string]*subscription
}

const smallSubs = 16

func (x *subIndex) len() int {
	if x.many != nil {
		return len(x.many)
	}
	return len(x.few)
}

func (x *subIndex) get(sid []byte) *subscription {
	if x.many != nil {
		return x.many[string(sid)]
	}
	for _, s := range x.few {
		if string(s.sid) == string(sid) {
			return s
		}
	}
	return nil
}

func (x *subIndex) add(s *subscription) {
	if x.many == nil && len(x.few) < smallSubs {
		x.few = append(x.few, s)
		return
	}
	if x.many == nil {
		x.many = make(map[string]*subscription, 2*smallSubs)
		for _, f := range x.few {
			x.many[string(f.sid)] = f
		}
		x.few = nil
	}
	x.many[string(s.sid)] = s
}

func (x *subIndex) remove(s *subscription) {
	if x.many != nil {
		delete(x.many, string(s.sid))
		return
	}
	for i, f := range x.few {
		if f == s {
			last := len(x.few) - 1
			x.few[i] = x.few[last]
			x.few[last] = nil
			x.few = x.few[:last]
			return
		}
	}
}

// each calls fn for every subscription; fn must not add or remove.
func (x *subIndex) each(fn func(*subscription)) {
	if x.many != nil {
		for _, s := range x.many {
			fn(s)
		}
		return
	}
	for _, s := range x.few {
		fn(s)
	}
}
