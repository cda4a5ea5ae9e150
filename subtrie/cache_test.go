package subtrie

import (
	"strconv"
	"testing"
)

func mustInsert(t testing.TB, trie *Trie, s *Subscription) {
	t.Helper()
	if err := trie.Insert(s); err != nil {
		t.Fatalf("Insert(%q): %v", s.Subject, err)
	}
}

func mustRemove(t testing.TB, trie *Trie, s *Subscription) {
	t.Helper()
	if err := trie.Remove(s); err != nil {
		t.Fatalf("Remove(%q): %v", s.Subject, err)
	}
}

// cached reports whether subject is in the match cache.
func cached(trie *Trie, subject []byte) bool {
	return trie.cache.get(subject, trie.cache.hash(subject)) != nil
}

func TestMatchCacheHitReturnsCachedResult(t *testing.T) {
	trie := New()
	mustInsert(t, trie, &Subscription{Subject: "foo.*"})
	mustInsert(t, trie, &Subscription{Subject: "foo.>"})
	trie.Match([]byte("foo.bar"))
	second := trie.Match([]byte("foo.bar"))
	misses := trie.Stats().Misses
	if again := trie.Match([]byte("foo.bar")); again != second || trie.Stats().Misses != misses {
		t.Fatalf("third Match missed; the second did not cache its Result")
	}
}

func TestMatchCacheAdmitsOnSecondMiss(t *testing.T) {
	trie := New()
	mustInsert(t, trie, &Subscription{Subject: "foo.*"})
	subject := []byte("foo.bar")
	trie.Match(subject)
	if cached(trie, subject) {
		t.Fatalf("a subject was cached on its first miss")
	}
	trie.Match(subject)
	if !cached(trie, subject) {
		t.Fatalf("a subject was not cached on its second miss")
	}
}

// Subjects used once (JetStream ack subjects are unique per delivery) pass through without evicting the
// subjects that are published again and again, and without allocating when they match one subscription's
// subject.
func TestMatchCacheUniqueSubjectsLeaveItAlone(t *testing.T) {
	trie := New()
	mustInsert(t, trie, &Subscription{Subject: "$JS.ACK.S.C.>"})
	hot := make([][]byte, cacheShards*cacheShardLimit/2)
	for i := range hot {
		hot[i] = []byte("svc." + strconv.Itoa(i))
		mustInsert(t, trie, &Subscription{Subject: string(hot[i])})
		trie.Match(hot[i])
		trie.Match(hot[i])
	}
	before := trie.Stats().Cache
	if before != len(hot) {
		t.Fatalf("%d subjects cached after two Matches of each of %d", before, len(hot))
	}
	subject := make([]byte, 0, 64)
	seq := 0
	ack := func() {
		seq++
		subject = strconv.AppendInt(append(subject[:0], "$JS.ACK.S.C.1."...), int64(seq), 10)
		subject = strconv.AppendInt(append(subject, '.'), int64(seq), 10)
		subject = append(subject, ".1700000000000000000.0"...)
		if r := trie.Match(subject); len(r.Plain) != 1 {
			t.Fatalf("Match(%q) found %d subscriptions, want 1", subject, len(r.Plain))
		}
	}
	if allocs := testing.AllocsPerRun(1000, ack); allocs != 0 {
		t.Errorf("a unique subject's Match allocates %v times", allocs)
	}
	for range 10 * len(hot) {
		ack()
	}
	if after := trie.Stats().Cache; after != before {
		t.Errorf("the cache held %d subjects before %d unique ones and %d after", before, seq, after)
	}
	misses := trie.Stats().Misses
	for _, subject := range hot {
		trie.Match(subject)
	}
	if n := trie.Stats().Misses - misses; n != 0 {
		t.Errorf("%d of %d hot subjects missed after the unique ones", n, len(hot))
	}
}

func TestMatchCacheHitDoesNotAllocate(t *testing.T) {
	trie := New()
	mustInsert(t, trie, &Subscription{Subject: "foo.*"})
	mustInsert(t, trie, &Subscription{Subject: "foo.>", Queue: "q"})
	subject := []byte("foo.bar")
	trie.Match(subject)
	trie.Match(subject)
	if allocs := testing.AllocsPerRun(100, func() { trie.Match(subject) }); allocs != 0 {
		t.Fatalf("cache hit allocates %v times per Match", allocs)
	}
}

// Every kind of change must reach subjects already cached, including cached "no interest".
func TestMatchCacheSeesChanges(t *testing.T) {
	subjects := []string{"foo", "foo.bar", "foo.baz", "foo.bar.baz", "bar"}
	changes := []string{"foo", "foo.bar", "foo.*", "foo.>", "*", ">", "*.bar", "foo.bar.baz"}
	for _, subject := range changes {
		for _, queue := range []string{"", "q"} {
			trie := New()
			ref := &reference{}
			s := &Subscription{Subject: subject, Queue: queue, Owner: subject + " " + queue}
			warm := func() {
				for _, subject := range subjects {
					trie.Match([]byte(subject))
				}
			}
			warm()
			mustInsert(t, trie, s)
			ref.insert(s)
			for _, subject := range subjects {
				checkMatch(t, trie, ref, subject)
			}
			warm()
			mustRemove(t, trie, s)
			ref.remove(s)
			for _, subject := range subjects {
				checkMatch(t, trie, ref, subject)
			}
		}
	}
}

// Invalidation is exact, not a flush: a change leaves cached subjects it does not match alone.
func TestMatchCacheKeepsUnaffectedSubjects(t *testing.T) {
	trie := New()
	mustInsert(t, trie, &Subscription{Subject: "a.b"})
	trie.Match([]byte("a.b"))
	cachedResult := trie.Match([]byte("a.b"))
	for _, subject := range []string{"a.c", "a.*.c", "b.*", "a.b.>", "*.c"} {
		mustInsert(t, trie, &Subscription{Subject: subject})
		if trie.Match([]byte("a.b")) != cachedResult {
			t.Fatalf("inserting %q dropped the cached Result of a.b", subject)
		}
	}
	mustInsert(t, trie, &Subscription{Subject: "a.*"})
	if trie.Match([]byte("a.b")) == cachedResult {
		t.Fatalf("inserting a.* kept the cached Result of a.b")
	}
}

// The half of the staleness argument that a test can pin down deterministically: a Result built before a
// change is not stored after it.
func TestMatchCacheRefusesResultBuiltBeforeChange(t *testing.T) {
	trie := New()
	subject := []byte("foo.bar")
	s := &Subscription{Subject: "foo.*", Owner: "s0"}
	for _, change := range []struct {
		name  string
		apply func()
	}{
		{"Insert", func() { mustInsert(t, trie, s) }},
		{"Remove", func() { mustRemove(t, trie, s) }},
	} {
		builtAt := trie.generation.Load()
		stale := &Result{} // stands for a Result walked before the change whose store is delayed past it
		change.apply()
		subjectHash := trie.cache.hash(subject)
		trie.cache.store(subject, subjectHash, stale, builtAt, &trie.generation)
		if trie.cache.get(subject, subjectHash) == stale {
			t.Fatalf("a Result built before %s was stored after it", change.name)
		}
	}
}

func TestMatchCacheIsBounded(t *testing.T) {
	trie := New()
	mustInsert(t, trie, &Subscription{Subject: "s.>"})
	matches := 5 * cacheShards * cacheShardLimit
	for i := range matches {
		trie.Match([]byte("s." + strconv.Itoa(i)))
		trie.Match([]byte("s." + strconv.Itoa(i))) // the second miss caches it
	}
	total := 0
	for i := range trie.cache.shards {
		n := len(trie.cache.shards[i].results)
		if n > cacheShardLimit {
			t.Errorf("shard %d holds %d entries, limit %d", i, n, cacheShardLimit)
		}
		total += n
	}
	if total == 0 {
		t.Fatalf("cache is empty after %d Matches", matches)
	}
}

func TestMatchDoesNotCacheMalformedSubjects(t *testing.T) {
	trie := New()
	mustInsert(t, trie, &Subscription{Subject: ">"})
	for _, subject := range []string{"", ".", "a..b", ".a", "a."} {
		trie.Match([]byte(subject))
		trie.Match([]byte(subject))
		if cached(trie, []byte(subject)) {
			t.Errorf("malformed subject %q was cached", subject)
		}
	}
}
