package cluster

import (
	"sort"
	"sync"

	"github.com/reactor-nats/reactor/codec"
)

// Change is one interest line to send to every peer: RS+ when Remove is false (Weight is the
// group's local member count for a queue, 0 for plain), RS- when it is true.
type Change struct {
	Account, Subject, Queue string
	Weight                  int
	Remove                  bool
}

// Append appends the RS+ or RS- line for c. RS- repeats RS+'s fields byte for byte, as nats-server
// needs to find the interest again.
func (c Change) Append(dst []byte) []byte {
	if c.Remove {
		return codec.AppendRSMinus(dst, []byte(c.Account), []byte(c.Subject), []byte(c.Queue))
	}
	return codec.AppendRSPlus(dst, []byte(c.Account), []byte(c.Subject), []byte(c.Queue), c.Weight)
}

// Announcer turns local subscriptions coming and going into the RS+/RS- lines peers must see
// (ROUTES.md §5): a plain subject is announced once, when its first local subscriber appears, and
// withdrawn when its last one goes; a queue group is announced with its local member count as weight
// and re-announced on every change of that count, since a repeated RS+ replaces the peer's weight.
//
// Any loop may call it. emit runs with the Announcer's lock held so that the order of Changes is the
// order of the counts they describe: two loops racing on one subject can never make a peer see RS-
// after the RS+ that followed it. emit must therefore only append to route buffers, never block or
// call back into the Announcer.
type Announcer struct {
	mu     sync.Mutex
	counts map[interestKey]int // local subscriptions per (account, subject, queue); guarded by mu
}

// NewAnnouncer returns an Announcer with no local interest.
func NewAnnouncer() *Announcer {
	return &Announcer{counts: make(map[interestKey]int)}
}

// Subscribe counts one more local subscription and emits the Change peers need, if any.
func (a *Announcer) Subscribe(account, subject, queue string, emit func(Change)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	key := interestKey{account, subject, queue}
	n := a.counts[key] + 1
	a.counts[key] = n
	switch {
	case queue != "":
		emit(Change{Account: account, Subject: subject, Queue: queue, Weight: n})
	case n == 1:
		emit(Change{Account: account, Subject: subject})
	}
}

// Unsubscribe counts one local subscription fewer and emits the Change peers need, if any. It reports
// false, and emits nothing, if no such subscription was counted.
func (a *Announcer) Unsubscribe(account, subject, queue string, emit func(Change)) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	key := interestKey{account, subject, queue}
	n, ok := a.counts[key]
	if !ok {
		return false
	}
	n--
	if n == 0 {
		delete(a.counts, key)
		emit(Change{Account: account, Subject: subject, Queue: queue, Remove: true})
		return true
	}
	a.counts[key] = n
	if queue != "" {
		emit(Change{Account: account, Subject: subject, Queue: queue, Weight: n})
	}
	return true
}

// Join brings a newly registered route up to date without a gap: with the lock held it calls attach
// (where the engine adds the route to the set emit writes to) and then emits an RS+ for every current
// interest, sorted, so that every later Change reaches the route after its full snapshot and none is
// missed or doubled.
func (a *Announcer) Join(attach func(), emit func(Change)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	attach()
	keys := make([]interestKey, 0, len(a.counts))
	for key := range a.counts {
		keys = append(keys, key)
	}
	sort.Slice(keys, func(i, j int) bool {
		x, y := keys[i], keys[j]
		if x.account != y.account {
			return x.account < y.account
		}
		if x.subject != y.subject {
			return x.subject < y.subject
		}
		return x.queue < y.queue
	})
	for _, key := range keys {
		c := Change{Account: key.account, Subject: key.subject, Queue: key.queue}
		if key.queue != "" {
			c.Weight = a.counts[key]
		}
		emit(c)
	}
}

// Leave removes a route from the broadcast set under the same lock, so no Change is emitted to it
// afterwards.
func (a *Announcer) Leave(detach func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	detach()
}
