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

func TestMatchCacheHitReturnsCachedResult(t *testing.T) {
	trie := New()
	mustInsert(t, trie, &Subscription{Subject: "foo.*"})
	first := trie.Match([]byte("foo.bar"))
	if again := trie.Match([]byte("foo.bar")); again != first {
		t.Fatalf("second Match built a new Result; the cache did not serve it")
	}
}

func TestMatchCacheHitDoesNotAllocate(t *testing.T) {
	trie := New()
	mustInsert(t, trie, &Subscription{Subject: "foo.*"})
	mustInsert(t, trie, &Subscription{Subject: "foo.>", Queue: "q"})
	subject := []byte("foo.bar")
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
	cached := trie.Match([]byte("a.b"))
	for _, subject := range []string{"a.c", "a.*.c", "b.*", "a.b.>", "*.c"} {
		mustInsert(t, trie, &Subscription{Subject: subject})
		if trie.Match([]byte("a.b")) != cached {
			t.Fatalf("inserting %q dropped the cached Result of a.b", subject)
		}
	}
	mustInsert(t, trie, &Subscription{Subject: "a.*"})
	if trie.Match([]byte("a.b")) == cached {
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
		trie.cache.store(subject, stale, builtAt, &trie.generation)
		if trie.cache.get(subject) == stale {
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
		if trie.cache.get([]byte(subject)) != nil {
			t.Errorf("malformed subject %q was cached", subject)
		}
	}
}
