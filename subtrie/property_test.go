package subtrie

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// The alphabet is small so that random subscriptions and random subjects actually meet.
var propertyTokens = []string{"a", "b", "c"}

func randomLiteral(rng *rand.Rand, maxTokens int) string {
	tokens := make([]string, 1+rng.IntN(maxTokens))
	for i := range tokens {
		tokens[i] = propertyTokens[rng.IntN(len(propertyTokens))]
	}
	return strings.Join(tokens, ".")
}

// randomPattern is a valid subscription subject: literal tokens with '*' mixed in and sometimes a final '>'.
func randomPattern(rng *rand.Rand) string {
	tokens := strings.Split(randomLiteral(rng, 4), ".")
	for i := range tokens {
		if rng.IntN(4) == 0 {
			tokens[i] = "*"
		}
	}
	if rng.IntN(4) == 0 {
		tokens[len(tokens)-1] = ">"
	}
	return strings.Join(tokens, ".")
}

// randomSubject is a literal subject to publish to, now and then malformed or with a wildcard token.
func randomSubject(rng *rand.Rand) string {
	switch rng.IntN(40) {
	case 0:
		return ""
	case 1:
		return "a..b"
	case 2:
		return "." + randomLiteral(rng, 2)
	case 3:
		return randomLiteral(rng, 2) + "."
	case 4:
		return randomLiteral(rng, 2) + ".*"
	case 5:
		return randomLiteral(rng, 2) + ".>"
	}
	return randomLiteral(rng, 5)
}

// allLiterals lists every literal subject over the alphabet up to maxTokens tokens.
func allLiterals(maxTokens int) []string {
	subjects := []string{}
	level := []string{""}
	for range maxTokens {
		var next []string
		for _, prefix := range level {
			for _, token := range propertyTokens {
				if prefix == "" {
					next = append(next, token)
				} else {
					next = append(next, prefix+"."+token)
				}
			}
		}
		subjects = append(subjects, next...)
		level = next
	}
	return subjects
}

// TestMatchAgreesWithReference interleaves random Inserts, Removes and Matches and compares every Match
// with the linear reference, so that the trie and the cache are both held to the rules after each step.
func TestMatchAgreesWithReference(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4, 5, 6, 7, 8} {
		t.Run("seed"+strconv.FormatUint(seed, 10), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, seed))
			trie, ref := New(), &reference{}
			queues := []string{"", "", "", "q", "r"}
			for step := range 4000 {
				switch op := rng.IntN(100); {
				case op < 45 || len(ref.subs) == 0:
					s := &Subscription{
						Subject: randomPattern(rng),
						Queue:   queues[rng.IntN(len(queues))],
						Owner:   "step" + strconv.Itoa(step),
					}
					mustInsert(t, trie, s)
					ref.insert(s)
				case op < 50:
					s := ref.subs[rng.IntN(len(ref.subs))]
					if err := trie.Insert(s); !errors.Is(err, ErrDuplicate) {
						t.Fatalf("step %d: Insert of present %q = %v, want ErrDuplicate", step, s.Subject, err)
					}
				case op < 90:
					s := ref.subs[rng.IntN(len(ref.subs))]
					mustRemove(t, trie, s)
					ref.remove(s)
				default:
					absent := &Subscription{Subject: randomPattern(rng)}
					if err := trie.Remove(absent); !errors.Is(err, ErrNotFound) {
						t.Fatalf("step %d: Remove of absent = %v, want ErrNotFound", step, err)
					}
				}
				if trie.Count() != len(ref.subs) {
					t.Fatalf("step %d: Count() = %d, want %d", step, trie.Count(), len(ref.subs))
				}
				for range 4 {
					checkMatch(t, trie, ref, randomSubject(rng))
				}
				if step%1000 == 999 {
					for _, subject := range allLiterals(5) {
						checkMatch(t, trie, ref, subject)
					}
				}
			}
		})
	}
}

// FuzzMatch inserts one or two subscriptions and checks that Match agrees with the reference for any
// subject bytes, and that nothing panics on malformed input.
func FuzzMatch(f *testing.F) {
	f.Add("foo.*", "foo.>", "foo.bar")
	f.Add(">", "*.*", "a.b")
	f.Add("a.b.c", "a.*.c", "a..c")
	f.Add("*", "x", ".")
	f.Add("a.>", "b", "a")
	f.Fuzz(func(t *testing.T, first, second, subject string) {
		trie, ref := New(), &reference{}
		for i, pattern := range []string{first, second} {
			s := &Subscription{Subject: pattern, Owner: i}
			if err := trie.Insert(s); err != nil {
				if ValidSubject([]byte(pattern)) {
					t.Fatalf("Insert(%q) = %v for a valid subject", pattern, err)
				}
				continue
			}
			ref.insert(s)
		}
		checkMatch(t, trie, ref, subject)
		checkMatch(t, trie, ref, subject) // from the cache
	})
}
