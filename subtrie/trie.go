package subtrie

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// Subscription is one interest. The index stores the pointer: the caller owns the value and must not change
// Subject or Queue while it is inserted, because Remove finds it again by them. Owner is opaque to the
// index; the engine keeps its per-subscription state there.
type Subscription struct {
	Subject string
	Queue   string // "" for a plain subscription
	Owner   any
}

// Trie is the subject index of one account. All methods are safe for concurrent use; see doc.go for how
// Match stays lock-free of the trie on a cache hit.
type Trie struct {
	mu    sync.RWMutex
	root  *node                 // guarded by mu
	slots map[*Subscription]int // every inserted subscription → its index in its node; guarded by mu

	// generation counts changes to the trie. Bumped with mu held for writing, read with mu held for
	// reading, and re-read by the cache under a shard lock; see cache.go for why that keeps the cache exact.
	generation atomic.Uint64

	cache matchCache

	inserts, removes uint64        // guarded by mu
	misses           atomic.Uint64 // cache misses: the slow path only, so never contended per message

	// afterWalk, if set, runs between a cache miss's trie walk and its store. Tests set it to yield there,
	// widening the window in which a writer can overtake the Match; nil otherwise.
	afterWalk func()
}

// New returns an empty index.
func New() *Trie {
	t := &Trie{root: &node{}, slots: make(map[*Subscription]int)}
	t.cache.init()
	return t
}

// Insert adds s, which must not be nil. It fails with ErrInvalidSubject, ErrInvalidQueue or ErrDuplicate
// (wrapped) and leaves the index unchanged.
func (t *Trie) Insert(s *Subscription) error {
	if !validSubject(s.Subject, true) {
		return fmt.Errorf("insert %q: %w", s.Subject, ErrInvalidSubject)
	}
	if s.Queue != "" && !validQueue(s.Queue) {
		return fmt.Errorf("insert %q queue %q: %w", s.Subject, s.Queue, ErrInvalidQueue)
	}
	t.mu.Lock()
	if _, ok := t.slots[s]; ok {
		t.mu.Unlock()
		return fmt.Errorf("insert %q: %w", s.Subject, ErrDuplicate)
	}
	n := t.root
	for subject, more := s.Subject, true; more; {
		var token string
		token, subject, more = cutToken(subject)
		n = n.child(token, true)
	}
	t.slots[s] = n.add(s)
	n.alone.Store(nil)
	t.inserts++
	t.generation.Add(1)
	t.mu.Unlock()

	t.cache.invalidate(s.Subject)
	return nil
}

// Remove takes s out of the index; ErrNotFound (wrapped) if this pointer is not in it.
func (t *Trie) Remove(s *Subscription) error {
	t.mu.Lock()
	slot, ok := t.slots[s]
	if !ok {
		t.mu.Unlock()
		return fmt.Errorf("remove %p: %w", s, ErrNotFound)
	}
	// The path is kept so that nodes left empty can be detached on the way back up.
	type step struct {
		parent *node
		token  string
	}
	var pathBuf [16]step
	path := pathBuf[:0]
	n := t.root
	for subject, more := s.Subject, true; more && n != nil; {
		var token string
		token, subject, more = cutToken(subject)
		path = append(path, step{n, token})
		n = n.child(token, false)
	}
	var moved *Subscription
	if n != nil {
		moved, ok = n.remove(s, slot)
		n.alone.Store(nil)
	}
	if n == nil || !ok {
		t.mu.Unlock()
		return fmt.Errorf("remove %q: subject or queue changed after insert: %w", s.Subject, ErrNotFound)
	}
	delete(t.slots, s)
	t.removes++
	if moved != nil {
		t.slots[moved] = slot
	}
	for i := len(path) - 1; i >= 0 && n.empty(); i-- {
		path[i].parent.dropChild(path[i].token)
		n = path[i].parent
	}
	t.generation.Add(1)
	t.mu.Unlock()

	t.cache.invalidate(s.Subject)
	return nil
}

// Match returns the subscriptions interested in the literal subject. The Result is never nil, is shared,
// and must not be modified. A hit in the cache takes no trie lock and allocates nothing.
//
// A subject with an empty token (leading, trailing or doubled '.') matches nothing and is not cached.
// Wildcard tokens in subject are not rejected; they match only subscriptions whose own wildcards cover them.
//
// A subject is cached from its second miss on (cache.go, Admission), so a subject used once, such as a
// JetStream ack's reply subject, walks the trie and leaves the cache as it was.
func (t *Trie) Match(subject []byte) *Result {
	subjectHash := t.cache.hash(subject)
	if r := t.cache.get(subject, subjectHash); r != nil {
		return r
	}
	return t.matchMiss(subject, subjectHash)
}

// matchMiss walks the trie and caches what it found if the cache admits the subject; separate from Match
// so benchmarks can time a miss.
func (t *Trie) matchMiss(subject []byte, subjectHash uint64) *Result {
	t.misses.Add(1)
	if !wellFormed(subject) {
		return emptyResult
	}
	var matchedBuf [16]*node
	t.mu.RLock()
	builtAt := t.generation.Load()
	r := resultOf(collect(t.root, subject, matchedBuf[:0]))
	t.mu.RUnlock()

	if t.afterWalk != nil {
		t.afterWalk()
	}
	if t.cache.admit(subjectHash) {
		t.cache.store(subject, subjectHash, r, builtAt, &t.generation)
	}
	return r
}

// HasInterest reports whether anything matches subject.
func (t *Trie) HasInterest(subject []byte) bool {
	r := t.Match(subject)
	return len(r.Plain) > 0 || len(r.Queues) > 0
}

// Count returns the number of subscriptions in the index.
func (t *Trie) Count() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.slots)
}
