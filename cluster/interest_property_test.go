package cluster

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/reactor-nats/reactor/subtrie"
)

// naiveInterest is the reference: a flat map of (account, subject, queue) → weight, matched linearly.
type naiveInterest map[interestKey]int

func (n naiveInterest) describe(account, subject string) string {
	plain := 0
	groups := map[string]int{}
	for key, w := range n {
		if key.account != account || !subtrie.SubjectMatches(key.subject, subject) {
			continue
		}
		if key.queue == "" {
			plain++
		} else {
			groups[key.queue] += w
		}
	}
	parts := []string{fmt.Sprintf("plain=%d", plain)}
	var names []string
	for q, w := range groups {
		names = append(names, fmt.Sprintf("%s=%d", q, w))
	}
	sort.Strings(names)
	return strings.Join(append(parts, names...), " ")
}

// Random RS+/RS- sequences against the reference, checking every probe subject after every step.
func TestRemoteInterestAgainstReference(t *testing.T) {
	patterns := []string{"a", "a.b", "a.*", "a.>", "*.b", ">", "a.b.c", "*.*.c"}
	probes := []string{"a", "a.b", "a.c", "a.b.c", "x.b", "x.y.c"}
	accounts := []string{"$G", "A"}
	queues := []string{"", "", "Q", "R"}
	for seed := uint64(0); seed < 20; seed++ {
		rng := rand.New(rand.NewPCG(seed, 1))
		r, ref := NewRemoteInterest(), naiveInterest{}
		for step := 0; step < 300; step++ {
			key := interestKey{
				accounts[rng.IntN(len(accounts))],
				patterns[rng.IntN(len(patterns))],
				queues[rng.IntN(len(queues))],
			}
			if rng.IntN(3) == 0 {
				r.Remove([]byte(key.account), []byte(key.subject), []byte(key.queue))
				delete(ref, key)
			} else {
				weight := rng.IntN(4) // 0 counts as 1
				if _, err := r.Add([]byte(key.account), []byte(key.subject), []byte(key.queue), weight); err != nil {
					t.Fatal(err)
				}
				if key.queue == "" || weight < 1 {
					weight = 1
				}
				ref[key] = weight
			}
			for _, account := range accounts {
				for _, probe := range probes {
					got := describe(r.Match([]byte(account), []byte(probe)))
					if want := ref.describe(account, probe); got != want {
						t.Fatalf("seed %d step %d: Match(%s, %s) = %s, reference %s", seed, step, account, probe, got, want)
					}
				}
			}
			if r.Len() != len(ref) {
				t.Fatalf("seed %d step %d: Len %d, reference %d", seed, step, r.Len(), len(ref))
			}
		}
	}
}
