package subtrie

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestConcurrentMatchDuringChanges runs matchers against writers on a small subject space, so that
// cached subjects are constantly recomputed while they are being invalidated. While it runs, every Match
// must contain the stable subscriptions (inserted before and never removed); once everything has stopped,
// every Match must equal the reference built from what is left, which a stale cache entry would break.
func TestConcurrentMatchDuringChanges(t *testing.T) {
	const (
		writers       = 3
		matchers      = 4
		opsPerWriter  = 3000
		stableRecords = 20
	)
	trie := New()
	trie.afterWalk = runtime.Gosched // give writers the chance to change the trie before the store
	rng := rand.New(rand.NewPCG(42, 42))
	var stable []*Subscription
	for i := range stableRecords {
		s := &Subscription{Subject: randomPattern(rng), Owner: "stable" + strconv.Itoa(i)}
		if i%3 == 0 {
			s.Queue = "q"
		}
		mustInsert(t, trie, s)
		stable = append(stable, s)
	}
	subjects := allLiterals(4)

	var writersDone atomic.Bool
	var matchersWG, writersWG sync.WaitGroup
	for m := range matchers {
		matchersWG.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(m), 7))
			for !writersDone.Load() {
				subject := subjects[rng.IntN(len(subjects))]
				got, err := resultSet(trie.Match([]byte(subject)))
				if err != nil {
					t.Errorf("Match(%q): %v", subject, err)
					return
				}
				for _, s := range stable {
					if referenceMatches(s.Subject, subject) && !got.contains(s) {
						t.Errorf("Match(%q) lost stable %s (%q)", subject, label(s), s.Subject)
						return
					}
				}
			}
		})
	}
	// Each writer also checks that it reads its own writes: once its Insert of s has returned, every
	// subject s matches must include s until it removes s, and none may include s after that, whatever the
	// others are doing. A stale cache entry breaks one or the other.
	live := make([][]*Subscription, writers) // live[w] is written by writer w only until writersWG.Wait
	for w := range writers {
		writersWG.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 99))
			var removed []*Subscription
			for op := range opsPerWriter {
				if len(live[w]) > 0 && rng.IntN(2) == 0 {
					i := rng.IntN(len(live[w]))
					if err := trie.Remove(live[w][i]); err != nil {
						t.Errorf("writer %d: Remove: %v", w, err)
						return
					}
					removed = append(removed, live[w][i])
					live[w] = slices.Delete(live[w], i, i+1)
				} else {
					s := &Subscription{Subject: randomPattern(rng), Owner: "w" + strconv.Itoa(w) + "." + strconv.Itoa(op)}
					if rng.IntN(3) == 0 {
						s.Queue = "q"
					}
					if err := trie.Insert(s); err != nil {
						t.Errorf("writer %d: Insert: %v", w, err)
						return
					}
					live[w] = append(live[w], s)
				}
				if len(live[w]) > 0 {
					s := live[w][rng.IntN(len(live[w]))]
					subject := instantiate(rng, s.Subject)
					if got, _ := resultSet(trie.Match([]byte(subject))); !got.contains(s) {
						t.Errorf("writer %d: Match(%q) lacks its inserted %s (%q)", w, subject, label(s), s.Subject)
						return
					}
				}
				if len(removed) > 0 {
					s := removed[rng.IntN(len(removed))]
					subject := instantiate(rng, s.Subject)
					if got, _ := resultSet(trie.Match([]byte(subject))); got.contains(s) {
						t.Errorf("writer %d: Match(%q) still has its removed %s (%q)", w, subject, label(s), s.Subject)
						return
					}
				}
			}
		})
	}
	writersWG.Wait()
	writersDone.Store(true)
	matchersWG.Wait()
	if t.Failed() {
		return
	}

	ref := &reference{subs: slices.Clone(stable)}
	for _, subs := range live {
		ref.subs = append(ref.subs, subs...)
	}
	if trie.Count() != len(ref.subs) {
		t.Fatalf("Count() = %d, want %d", trie.Count(), len(ref.subs))
	}
	for _, subject := range subjects {
		checkMatch(t, trie, ref, subject)
	}
}

// instantiate returns a literal subject that pattern matches, filling its wildcards with random tokens.
func instantiate(rng *rand.Rand, pattern string) string {
	tokens := strings.Split(pattern, ".")
	for i, token := range tokens {
		switch token {
		case "*":
			tokens[i] = propertyTokens[rng.IntN(len(propertyTokens))]
		case ">":
			tokens[i] = randomLiteral(rng, 2)
		}
	}
	return strings.Join(tokens, ".")
}

func (m matchSet) contains(s *Subscription) bool {
	if s.Queue == "" {
		return slices.Contains(m.Plain, label(s))
	}
	return slices.Contains(m.Queues[s.Queue], label(s))
}
