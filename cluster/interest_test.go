package cluster

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/reactor-nats/reactor/subtrie"
)

type rs struct {
	remove                  bool
	account, subject, queue string
	weight                  int
}

func apply(t *testing.T, r *RemoteInterest, ops []rs) {
	t.Helper()
	for _, op := range ops {
		if op.remove {
			r.Remove([]byte(op.account), []byte(op.subject), []byte(op.queue))
			continue
		}
		if _, err := r.Add([]byte(op.account), []byte(op.subject), []byte(op.queue), op.weight); err != nil {
			t.Fatalf("%+v: %v", op, err)
		}
	}
}

// describe renders a Match as "plain=N q1=w q2=w" with groups sorted, for table comparisons.
func describe(m *subtrie.Result) string {
	parts := []string{fmt.Sprintf("plain=%d", len(m.Plain))}
	var groups []string
	for _, members := range m.Queues {
		groups = append(groups, fmt.Sprintf("%s=%d", members[0].Queue, GroupWeight(members)))
	}
	sort.Strings(groups)
	return strings.Join(append(parts, groups...), " ")
}

func TestRemoteInterestRules(t *testing.T) {
	for _, tc := range []struct {
		name             string
		ops              []rs
		account, subject string
		want             string
	}{
		{"plain literal", []rs{{false, "$G", "foo.bar", "", 0}}, "$G", "foo.bar", "plain=1"},
		{"plain wildcard", []rs{{false, "$G", "foo.*", "", 0}}, "$G", "foo.bar", "plain=1"},
		{"full wildcard", []rs{{false, "$G", "foo.>", "", 0}}, "$G", "foo.bar.baz", "plain=1"},
		{"no match", []rs{{false, "$G", "foo.*", "", 0}}, "$G", "foo.bar.baz", "plain=0"},
		{"other account", []rs{{false, "A", "foo", "", 0}}, "B", "foo", "plain=0"},
		{"repeat plain is one", []rs{{false, "$G", "foo", "", 0}, {false, "$G", "foo", "", 0}}, "$G", "foo", "plain=1"},
		{"RS- removes plain", []rs{{false, "$G", "foo", "", 0}, {true, "$G", "foo", "", 0}}, "$G", "foo", "plain=0"},
		{"RS- of nothing", []rs{{true, "$G", "foo", "", 0}}, "$G", "foo", "plain=0"},
		{"queue weight", []rs{{false, "$G", "wq", "W", 2}}, "$G", "wq", "plain=0 W=2"},
		// ROUTES.md §5, captured: RS+ W 1, RS+ W 2, RS+ W 1, RS- W.
		{"weight replaces, up", []rs{{false, "$G", "wq", "W", 1}, {false, "$G", "wq", "W", 2}}, "$G", "wq", "plain=0 W=2"},
		{"weight replaces, down", []rs{{false, "$G", "wq", "W", 1}, {false, "$G", "wq", "W", 2}, {false, "$G", "wq", "W", 1}}, "$G", "wq", "plain=0 W=1"},
		{"RS- removes group", []rs{{false, "$G", "wq", "W", 3}, {true, "$G", "wq", "W", 0}}, "$G", "wq", "plain=0"},
		{"weight 0 counts 1", []rs{{false, "$G", "wq", "W", 0}}, "$G", "wq", "plain=0 W=1"},
		{"queue RS- leaves plain", []rs{{false, "$G", "s", "", 0}, {false, "$G", "s", "Q", 4}, {true, "$G", "s", "Q", 0}}, "$G", "s", "plain=1"},
		{"plain RS- leaves queue", []rs{{false, "$G", "s", "", 0}, {false, "$G", "s", "Q", 4}, {true, "$G", "s", "", 0}}, "$G", "s", "plain=0 Q=4"},
		{"group merged across subjects", []rs{{false, "$G", "foo.*", "Q", 2}, {false, "$G", "foo.>", "Q", 1}}, "$G", "foo.bar", "plain=0 Q=3"},
		{"two groups", []rs{{false, "$G", "foo", "A", 2}, {false, "$G", "foo", "B", 5}}, "$G", "foo", "plain=0 A=2 B=5"},
		{"$SYS kept apart", []rs{{false, "$SYS", "$SYS.REQ.SERVER.PING.CONNZ", "", 0}}, "$G", "$SYS.REQ.SERVER.PING.CONNZ", "plain=0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewRemoteInterest()
			apply(t, r, tc.ops)
			m := r.Match([]byte(tc.account), []byte(tc.subject))
			if got := describe(m); got != tc.want {
				t.Fatalf("Match(%s, %s) = %s, want %s", tc.account, tc.subject, got, tc.want)
			}
			if has := r.HasInterest([]byte(tc.account), []byte(tc.subject)); has != (tc.want != "plain=0") {
				t.Fatalf("HasInterest = %v for %s", has, tc.want)
			}
		})
	}
}

func TestRemoteInterestWeightUpdateReachesSharedResult(t *testing.T) {
	r := NewRemoteInterest()
	apply(t, r, []rs{{false, "$G", "wq", "W", 1}})
	before := r.Match([]byte("$G"), []byte("wq"))
	apply(t, r, []rs{{false, "$G", "wq", "W", 7}})
	if got := GroupWeight(before.Queues[0]); got != 7 {
		t.Fatalf("weight seen through an earlier Result = %d, want 7", got)
	}
}

func TestRemoteInterestAddReportsCreation(t *testing.T) {
	r := NewRemoteInterest()
	created, err := r.Add([]byte("$G"), []byte("wq"), []byte("W"), 1)
	if err != nil || !created {
		t.Fatalf("first Add: created=%v err=%v", created, err)
	}
	created, err = r.Add([]byte("$G"), []byte("wq"), []byte("W"), 2)
	if err != nil || created {
		t.Fatalf("weight update: created=%v err=%v", created, err)
	}
	if !r.Remove([]byte("$G"), []byte("wq"), []byte("W")) || r.Remove([]byte("$G"), []byte("wq"), []byte("W")) {
		t.Fatal("Remove should succeed once")
	}
	if r.Len() != 0 {
		t.Fatalf("Len = %d after removing all", r.Len())
	}
}

func TestRemoteInterestRefusesInvalidSubject(t *testing.T) {
	r := NewRemoteInterest()
	_, err := r.Add([]byte("$G"), []byte("foo..bar"), nil, 0)
	if !errors.Is(err, subtrie.ErrInvalidSubject) {
		t.Fatalf("err = %v, want ErrInvalidSubject", err)
	}
	if r.Len() != 0 {
		t.Fatal("refused interest was counted")
	}
}

func TestRemoteInterestSubs(t *testing.T) {
	r := NewRemoteInterest()
	apply(t, r, []rs{{false, "B", "x", "", 0}, {false, "A", "y", "Q", 3}, {false, "A", "y", "", 0}})
	got := fmt.Sprint(r.Subs())
	want := "[{A y  1} {A y Q 3} {B x  1}]"
	if got != want {
		t.Fatalf("Subs = %s, want %s", got, want)
	}
}

// Readers on many goroutines (the event loops) while the route's loop writes; run with -race. Each
// reader checks an invariant that holds at every instant: subject "stable" always has interest.
func TestRemoteInterestConcurrentReaders(t *testing.T) {
	r := NewRemoteInterest()
	apply(t, r, []rs{{false, "$G", "stable", "", 0}})
	var stop atomic.Bool
	var wg sync.WaitGroup
	var failures atomic.Int64
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				if !r.HasInterest([]byte("$G"), []byte("stable")) {
					failures.Add(1)
				}
				m := r.Match([]byte("$G"), []byte("churn.x"))
				for _, members := range m.Queues {
					if GroupWeight(members) < 1 {
						failures.Add(1)
					}
				}
				r.HasInterest([]byte(fmt.Sprintf("acc%d", i)), []byte("churn.x"))
			}
		}()
	}
	for n := 0; n < 2000; n++ {
		account := fmt.Sprintf("acc%d", n%8)
		apply(t, r, []rs{
			{false, "$G", "churn.*", "Q", n%5 + 1},
			{false, account, "churn.x", "", 0},
			{true, "$G", "churn.*", "Q", 0},
			{true, account, "churn.x", "", 0},
		})
	}
	stop.Store(true)
	wg.Wait()
	if f := failures.Load(); f != 0 {
		t.Fatalf("%d reads saw a broken invariant", f)
	}
	if r.Len() != 1 {
		t.Fatalf("Len = %d, want 1 (stable)", r.Len())
	}
}

func BenchmarkRemoteInterestMatchHit(b *testing.B) {
	r := NewRemoteInterest()
	for i := 0; i < 1000; i++ {
		r.Add([]byte("$G"), []byte(fmt.Sprintf("svc.%d.*", i)), nil, 0)
	}
	r.Add([]byte("$G"), []byte("svc.42.*"), []byte("workers"), 3)
	account, subject := []byte("$G"), []byte("svc.42.echo")
	r.Match(account, subject) // warm the cache
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m := r.Match(account, subject)
		if len(m.Plain) != 1 || GroupWeight(m.Queues[0]) != 3 {
			b.Fatal("wrong match")
		}
	}
}

func BenchmarkRemoteInterestHasInterestUnknownAccount(b *testing.B) {
	r := NewRemoteInterest()
	r.Add([]byte("$G"), []byte("foo"), nil, 0)
	account, subject := []byte("other"), []byte("foo")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if r.HasInterest(account, subject) {
			b.Fatal("interest in an unknown account")
		}
	}
}

func TestRemoteInterestMatchHitAllocatesNothing(t *testing.T) {
	r := NewRemoteInterest()
	r.Add([]byte("$G"), []byte("foo.*"), []byte("Q"), 2)
	account, subject := []byte("$G"), []byte("foo.bar")
	r.Match(account, subject)
	if n := testing.AllocsPerRun(100, func() { GroupWeight(r.Match(account, subject).Queues[0]) }); n != 0 {
		t.Fatalf("Match on a cache hit allocates %v times", n)
	}
}
