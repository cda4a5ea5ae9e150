package cluster

import (
	"fmt"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/reactor-nats/reactor/subtrie"
)

// RemoteInterest is what one peer has subscribed to, as its RS+ and RS- lines said: one subtrie.Trie
// per account, holding one subscription per (subject, queue) the peer announced. The engine keeps one
// RemoteInterest per route and drops it whole when the route closes.
//
// Writers are the route's own loop (Add, Remove), serialised by mu. Readers are every loop that
// publishes (Match, HasInterest): they load the account map through an atomic pointer and ask the
// account's Trie, whose cache hit takes no trie lock and allocates nothing.
type RemoteInterest struct {
	// accounts maps account name → its Trie. Copy-on-write: replaced (never modified) by writers
	// under mu when an account first appears, loaded without a lock by readers.
	accounts atomic.Pointer[map[string]*subtrie.Trie]

	mu      sync.Mutex
	entries map[interestKey]*subtrie.Subscription // guarded by mu
}

// interestKey names one announced interest; queue is "" for a plain subscription.
type interestKey struct{ account, subject, queue string }

// remoteSub is the Owner of every subscription in a RemoteInterest. The weight lives here, outside
// the trie, so that a weight update is one atomic store: no trie write, no cache invalidation, and
// Results already handed out see the new weight.
type remoteSub struct {
	weight atomic.Int32
}

// noInterest is what a lookup in an account the peer never mentioned returns. Shared, never modified.
var noInterest = &subtrie.Result{}

// NewRemoteInterest returns an empty table.
func NewRemoteInterest() *RemoteInterest {
	r := &RemoteInterest{entries: make(map[interestKey]*subtrie.Subscription)}
	empty := map[string]*subtrie.Trie{}
	r.accounts.Store(&empty)
	return r
}

// Add applies RS+ <account> <subject> [<queue> <weight>]. A repeat for the same (account, subject,
// queue) replaces the weight; a repeat of a plain interest changes nothing. A weight below 1 counts
// as 1, as nats-server counts it. created reports whether the interest is new. The arguments are
// copied, so they may alias a read buffer.
func (r *RemoteInterest) Add(account, subject, queue []byte, weight int) (created bool, err error) {
	if weight < 1 || len(queue) == 0 {
		weight = 1
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if s, ok := r.entries[interestKey{string(account), string(subject), string(queue)}]; ok {
		s.Owner.(*remoteSub).weight.Store(int32(min(weight, 1<<31-1)))
		return false, nil
	}
	key := interestKey{string(account), string(subject), string(queue)}
	owner := &remoteSub{}
	owner.weight.Store(int32(min(weight, 1<<31-1)))
	s := &subtrie.Subscription{Subject: key.subject, Queue: key.queue, Owner: owner}
	if err := r.trieFor(key.account).Insert(s); err != nil {
		return false, fmt.Errorf("RS+ %s %s: %w", key.account, key.subject, err)
	}
	r.entries[key] = s
	return true, nil
}

// Remove applies RS- <account> <subject> [<queue>]; it reports whether there was such an interest
// (nats-server ignores an RS- for nothing, and so may the engine).
func (r *RemoteInterest) Remove(account, subject, queue []byte) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := interestKey{string(account), string(subject), string(queue)}
	s, ok := r.entries[key]
	if !ok {
		return false
	}
	delete(r.entries, key)
	// The trie of an account is kept when it empties: accounts are few and a peer's interest in one
	// tends to come back.
	_ = (*r.accounts.Load())[key.account].Remove(s)
	return true
}

// trieFor returns the account's Trie, publishing a new account map if it is the first interest in
// that account. Caller holds mu.
func (r *RemoteInterest) trieFor(account string) *subtrie.Trie {
	old := *r.accounts.Load()
	if t, ok := old[account]; ok {
		return t
	}
	next := make(map[string]*subtrie.Trie, len(old)+1)
	for name, t := range old {
		next[name] = t
	}
	t := subtrie.New()
	next[account] = t
	r.accounts.Store(&next)
	return t
}

// Match returns the peer's subscriptions matching a literal subject in account: Plain non-empty means
// the peer wants every message; each of Queues is one queue group of the peer, its members' weights
// given by Weight (GroupWeight sums them). Shared and immutable, as subtrie.Result is. Safe from any
// goroutine; allocation-free on a cache hit.
func (r *RemoteInterest) Match(account, subject []byte) *subtrie.Result {
	t, ok := (*r.accounts.Load())[string(account)]
	if !ok {
		return noInterest
	}
	return t.Match(subject)
}

// HasInterest reports whether a message on account/subject must cross to this peer at all, for a
// plain subscriber or for a queue group.
func (r *RemoteInterest) HasInterest(account, subject []byte) bool {
	m := r.Match(account, subject)
	return len(m.Plain) > 0 || len(m.Queues) > 0
}

// Weight is the number of the peer's members behind one of its queue subscriptions (1 for a plain
// one). It is read atomically: a concurrent RS+ may change it between two calls.
func Weight(s *subtrie.Subscription) int {
	if owner, ok := s.Owner.(*remoteSub); ok {
		return int(owner.weight.Load())
	}
	return 1
}

// GroupWeight is the weight of one of the peer's queue groups for a subject: the sum over the group's
// matching subscriptions (queue q on foo.* with weight 2 and q on foo.> with weight 1 give 3 for
// foo.bar), which is how many lots the peer holds when a member is drawn across the cluster.
func GroupWeight(members []*subtrie.Subscription) int {
	total := 0
	for _, s := range members {
		total += Weight(s)
	}
	return total
}

// Len returns how many interests the peer has announced (RS+ lines net of RS-), for /routez num_subs.
func (r *RemoteInterest) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.entries)
}

// RemoteSub is one announced interest, as listed by Subs.
type RemoteSub struct {
	Account, Subject, Queue string
	Weight                  int
}

// Subs lists the peer's interests sorted by account, subject and queue, for /routez subs.
func (r *RemoteInterest) Subs() []RemoteSub {
	r.mu.Lock()
	subs := make([]RemoteSub, 0, len(r.entries))
	for key, s := range r.entries {
		subs = append(subs, RemoteSub{key.account, key.subject, key.queue, Weight(s)})
	}
	r.mu.Unlock()
	sort.Slice(subs, func(i, j int) bool {
		a, b := subs[i], subs[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Subject != b.Subject {
			return a.Subject < b.Subject
		}
		return a.Queue < b.Queue
	})
	return subs
}
