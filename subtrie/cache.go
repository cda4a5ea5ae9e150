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

const (
	cacheShards     = 32  // a power of two; comfortably more than the event loops of a typical host
	cacheShardLimit = 256 // entries per shard; 8192 subjects in all
	cacheEvict      = cacheShardLimit / 4
	cacheLine       = 64
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

// get returns the cached Result for subject, or nil.
func (c *matchCache) get(subject []byte) *Result {
	s := c.shard(maphash.Bytes(c.seed, subject))
	s.mu.RLock()
	r := s.results[string(subject)] // the conversion in the index does not allocate
	s.mu.RUnlock()
	return r
}

// store caches r for subject unless the trie has changed since r was built at generation builtAt; see rule
// 2 above. A full shard first forgets a quarter of its entries, whichever the map yields first: cheaper
// than tracking recency, and a subject evicted by mistake costs one trie walk.
func (c *matchCache) store(subject []byte, r *Result, builtAt uint64, generation *atomic.Uint64) {
	s := c.shard(maphash.Bytes(c.seed, subject))
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
