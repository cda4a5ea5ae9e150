package subtrie

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
	"unsafe"
)

// The match cache maps a literal subject to the Result it last matched, so that the steady-state publish
// path (the same subjects again and again) touches neither the trie nor its lock, and allocates nothing.
//
// It is split into shards, each with its own lock, so that event loops publishing to different subjects do
// not contend: a hit costs one hash of the subject, one shard read lock and one map lookup.
//
// Staleness. A cached Result is a snapshot of the trie at some generation. Two rules keep every entry
// current once Insert or Remove has returned:
//
//  1. The writer changes the trie and bumps the generation under the trie write lock, then drops every
//     cached entry its subscription's subject matches, shard by shard, under each shard's lock.
//  2. Match reads the generation under the trie read lock, together with the trie walk that builds its
//     Result, and stores that Result only if, holding the shard lock, the generation is still the same.
//
// Take one writer and a Match whose subject the writer's subscription matches. The trie locks order the
// Match's walk wholly before or wholly after the writer's change. If after, the Result already includes the
// change and storing it is harmless. If before, the Result may be stale; consider the shard the subject
// falls in. Either Match takes that shard's lock before the writer does, and the writer's drop, which comes
// later, removes whatever Match stored; or Match takes it after, and then the bump, which the writer made
// before taking the shard lock, is visible to Match: the generations differ and Match does not store. So no
// interleaving leaves a Result behind that misses a finished change, and applying the argument to every
// writer in turn covers any number of them. A stale Result can still be returned while the writer is
// running; that Match is concurrent with the Insert or Remove, and either order is correct for it.

// Admission. A subject is cached on its second miss, not its first: a miss records the subject's
// fingerprint in its shard's small "seen" table, and only a miss that finds it there stores the Result.
// Subjects used once (a JetStream ack's reply subject carries the message's sequences, an inbox reply
// its request's token) would otherwise each cost a shard write lock, a key copy and a map insert, and
// evict, a quarter of a shard at a time, the subjects that publishers do repeat. The table is
// small and overwritten, so "seen" means seen recently: a subject repeated within a few thousand
// other misses of its shard's share is admitted; one that comes back rarer than that keeps missing,
// which costs what a miss always cost, a trie walk. A fingerprint collision admits a subject early,
// which is harmless. The table is read and written with atomics and no lock, so a first miss takes no
// shard write lock; racing misses may lose or duplicate a record, which only delays an admission.

const (
	cacheShards     = 32  // a power of two; comfortably more than the event loops of a typical host
	cacheShardLimit = 256 // entries per shard; 8192 subjects in all
	cacheEvict      = cacheShardLimit / 4
	cacheLine       = 64
	seenSets        = 64 // sets of seenWays fingerprints per shard (a power of two): 1 KiB, 32 KiB per Trie
	seenWays        = 4
)

type matchCache struct {
	seed   maphash.Seed
	shards [cacheShards]cacheShard
}

type cacheShard struct {
	shardState
	_ [cacheLine - unsafe.Sizeof(shardState{})%cacheLine]byte // keep shards' locks on separate cache lines
}

type shardState struct {
	mu      sync.RWMutex
	results map[string]*Result // literal subject → Result; guarded by mu
	// seen holds fingerprints of subjects that missed and were not cached, newest first in each set; see
	// Admission. Atomic, no lock.
	seen [seenSets][seenWays]atomic.Uint32
}

func (c *matchCache) init() {
	c.seed = maphash.MakeSeed()
	for i := range c.shards {
		c.shards[i].results = make(map[string]*Result)
	}
}

// shard picks the shard of a subject from its hash. maphash.Bytes and maphash.String agree on equal
// content, so the wire bytes and the stored string of one subject land in the same shard.
func (c *matchCache) shard(subjectHash uint64) *cacheShard {
	return &c.shards[subjectHash&(cacheShards-1)]
}

// hash is the subject's hash, which picks its shard and its admission slot; Match computes it once for
// the lookup and, on a miss, for admit and store.
func (c *matchCache) hash(subject []byte) uint64 { return maphash.Bytes(c.seed, subject) }

// get returns the cached Result for subject, whose hash is subjectHash, or nil.
func (c *matchCache) get(subject []byte, subjectHash uint64) *Result {
	s := c.shard(subjectHash)
	s.mu.RLock()
	r := s.results[string(subject)] // the conversion in the index does not allocate
	s.mu.RUnlock()
	return r
}

// admit reports whether a subject that missed should be stored: true when its fingerprint is already in
// its set of its shard's seen table (its second miss), else it records the fingerprint, first in the set,
// pushing the oldest out, and returns false. The set comes from the hash bits above those that pick the
// shard, the fingerprint from the top half. A set rather than one slot, so that two subjects whose
// fingerprints meet there, repeated in turn, are both admitted instead of pushing each other out forever.
func (c *matchCache) admit(subjectHash uint64) bool {
	set := &c.shard(subjectHash).seen[(subjectHash/cacheShards)&(seenSets-1)]
	fingerprint := uint32(subjectHash >> 32)
	for i := range set {
		if set[i].Load() == fingerprint {
			return true
		}
	}
	for i := seenWays - 1; i > 0; i-- {
		set[i].Store(set[i-1].Load())
	}
	set[0].Store(fingerprint)
	return false
}

// store caches r for subject (whose hash is subjectHash) unless the trie has changed since r was built at
// generation builtAt; see rule 2 above. A full shard first forgets a quarter of its entries, whichever
// the map yields first: cheaper than tracking recency, and a subject evicted by mistake costs one trie
// walk.
func (c *matchCache) store(subject []byte, subjectHash uint64, r *Result, builtAt uint64, generation *atomic.Uint64) {
	s := c.shard(subjectHash)
	s.mu.Lock()
	defer s.mu.Unlock()
	if generation.Load() != builtAt {
		return
	}
	if len(s.results) >= cacheShardLimit {
		evicted := 0
		for key := range s.results {
			delete(s.results, key)
			if evicted++; evicted == cacheEvict {
				break
			}
		}
	}
	s.results[string(subject)] = r
}

// invalidate drops every cached subject that pattern, the subject of a changed subscription, matches; see
// rule 1 above. A literal pattern matches only itself, so it touches one entry in one shard; a wildcard
// pattern has to be tried against every cached subject.
func (c *matchCache) invalidate(pattern string) {
	if !hasWildcard(pattern) {
		s := c.shard(maphash.String(c.seed, pattern))
		s.mu.Lock()
		delete(s.results, pattern)
		s.mu.Unlock()
		return
	}
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		for subject := range s.results {
			if subjectMatches(pattern, subject) {
				delete(s.results, subject)
			}
		}
		s.mu.Unlock()
	}
}
