package subtrie

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// subscriptions builds subscriptions from "subject" or "subject queue" specs, labelled by their spec
// index: "s0", "s1", ...
func subscriptions(specs ...string) []*Subscription {
	subs := make([]*Subscription, len(specs))
	for i, spec := range specs {
		subject, queue, _ := strings.Cut(spec, " ")
		subs[i] = &Subscription{Subject: subject, Queue: queue, Owner: "s" + strconv.Itoa(i)}
	}
	return subs
}

func TestMatch(t *testing.T) {
	tests := []struct {
		name    string
		subs    []string // "subject" or "subject queue"
		remove  []int    // indices into subs, removed after all are inserted
		subject string
		plain   []string            // labels of subs expected as plain
		queues  map[string][]string // queue name → labels expected in that group
	}{
		{name: "literal", subs: []string{"foo.bar"}, subject: "foo.bar", plain: []string{"s0"}},
		{name: "literal other token", subs: []string{"foo.bar"}, subject: "foo.baz"},
		{name: "literal is case-sensitive", subs: []string{"foo.bar"}, subject: "foo.Bar"},
		{name: "literal token is not a prefix", subs: []string{"foo.bar"}, subject: "foo.barn"},
		{name: "literal token is whole", subs: []string{"foo.barn"}, subject: "foo.bar"},
		{name: "literal shorter subject", subs: []string{"foo.bar"}, subject: "foo"},
		{name: "literal longer subject", subs: []string{"foo.bar"}, subject: "foo.bar.baz"},
		{name: "literal single token", subs: []string{"foo", "bar"}, subject: "foo", plain: []string{"s0"}},

		{name: "star matches one token", subs: []string{"foo.*"}, subject: "foo.bar", plain: []string{"s0"}},
		{name: "star needs a token", subs: []string{"foo.*"}, subject: "foo"},
		{name: "star matches only one token", subs: []string{"foo.*"}, subject: "foo.bar.baz"},
		{name: "star first", subs: []string{"*.bar"}, subject: "foo.bar", plain: []string{"s0"}},
		{name: "star alone", subs: []string{"*"}, subject: "foo", plain: []string{"s0"}},
		{name: "star alone two tokens", subs: []string{"*"}, subject: "foo.bar"},
		{name: "star middle", subs: []string{"a.*.c"}, subject: "a.b.c", plain: []string{"s0"}},
		{name: "star middle wrong tail", subs: []string{"a.*.c"}, subject: "a.b.d"},
		{name: "stars", subs: []string{"*.*"}, subject: "a.b", plain: []string{"s0"}},

		{name: "full matches one token", subs: []string{"foo.>"}, subject: "foo.bar", plain: []string{"s0"}},
		{name: "full matches many tokens", subs: []string{"foo.>"}, subject: "foo.bar.baz.qux", plain: []string{"s0"}},
		{name: "full does not match zero tokens", subs: []string{"foo.>"}, subject: "foo"},
		{name: "full alone", subs: []string{">"}, subject: "foo.bar", plain: []string{"s0"}},
		{name: "full alone single token", subs: []string{">"}, subject: "foo", plain: []string{"s0"}},
		{name: "full other prefix", subs: []string{"foo.>"}, subject: "bar.baz"},

		{name: "star then full", subs: []string{"*.bar.>"}, subject: "x.bar.y.z", plain: []string{"s0"}},
		{name: "star then full needs a tail", subs: []string{"*.bar.>"}, subject: "x.bar"},
		{name: "star and full", subs: []string{"foo.*.>"}, subject: "foo.a.b", plain: []string{"s0"}},
		{
			name:    "every kind at once",
			subs:    []string{"foo.bar", "foo.*", "foo.>", ">", "*.bar", "*.*", "foo.bar.>", "foo", "*"},
			subject: "foo.bar",
			plain:   []string{"s0", "s1", "s2", "s3", "s4", "s5"},
		},
		{name: "same subject twice", subs: []string{"foo", "foo"}, subject: "foo", plain: []string{"s0", "s1"}},

		{name: "queue", subs: []string{"foo q"}, subject: "foo", queues: map[string][]string{"q": {"s0"}}},
		{
			name: "queue members", subs: []string{"foo q", "foo q", "foo r"}, subject: "foo",
			queues: map[string][]string{"q": {"s0", "s1"}, "r": {"s2"}},
		},
		{
			name: "queue merged across subjects", subs: []string{"foo.* q", "foo.> q", "foo.bar q"}, subject: "foo.bar",
			queues: map[string][]string{"q": {"s0", "s1", "s2"}},
		},
		{
			name: "queues merged by name only", subs: []string{"foo.* q", "foo.> r", "*.bar q", "foo.bar r"}, subject: "foo.bar",
			queues: map[string][]string{"q": {"s0", "s2"}, "r": {"s1", "s3"}},
		},
		{
			name: "plain and queue", subs: []string{"foo.bar", "foo.* q", "foo.>", "foo.bar q", "foo.baz q"}, subject: "foo.bar",
			plain: []string{"s0", "s2"}, queues: map[string][]string{"q": {"s1", "s3"}},
		},
		{
			name: "many queue names merged", subject: "a.b",
			subs: []string{
				"a.b q0", "a.b q1", "a.b q2", "a.b q3", "a.b q4", "a.b q5", "a.b q6", "a.b q7", "a.b q8",
				"a.* q8", "a.* q0", "a.> q9",
			},
			queues: map[string][]string{
				"q0": {"s0", "s10"}, "q1": {"s1"}, "q2": {"s2"}, "q3": {"s3"}, "q4": {"s4"}, "q5": {"s5"},
				"q6": {"s6"}, "q7": {"s7"}, "q8": {"s8", "s9"}, "q9": {"s11"},
			},
		},

		{name: "removed", subs: []string{"foo"}, remove: []int{0}, subject: "foo"},
		{name: "removed one of two", subs: []string{"foo", "foo"}, remove: []int{0}, subject: "foo", plain: []string{"s1"}},
		{name: "removed wildcard", subs: []string{"foo.*", "foo.>", "foo.bar"}, remove: []int{1}, subject: "foo.bar", plain: []string{"s0", "s2"}},
		{
			name: "removed queue member", subs: []string{"foo q", "foo q", "foo r"}, remove: []int{1, 2}, subject: "foo",
			queues: map[string][]string{"q": {"s0"}},
		},
		{name: "removed prefix keeps longer", subs: []string{"foo", "foo.bar"}, remove: []int{0}, subject: "foo.bar", plain: []string{"s1"}},
		{name: "removed longer keeps prefix", subs: []string{"foo", "foo.bar"}, remove: []int{1}, subject: "foo", plain: []string{"s0"}},

		{name: "empty subject", subs: []string{">", "*"}, subject: ""},
		{name: "empty token", subs: []string{">", "foo.*.bar", "foo.>"}, subject: "foo..bar"},
		{name: "leading dot", subs: []string{">", "*.foo"}, subject: ".foo"},
		{name: "trailing dot", subs: []string{">", "foo.>", "foo.*"}, subject: "foo."},
		{name: "lone dot", subs: []string{">"}, subject: "."},
		{name: "wildcard in subject", subs: []string{"foo.*", "foo.>", "foo.bar"}, subject: "foo.*", plain: []string{"s0", "s1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			trie := New()
			subs := subscriptions(tt.subs...)
			for _, s := range subs {
				if err := trie.Insert(s); err != nil {
					t.Fatalf("Insert(%q): %v", s.Subject, err)
				}
			}
			for _, i := range tt.remove {
				if err := trie.Remove(subs[i]); err != nil {
					t.Fatalf("Remove(%q): %v", subs[i].Subject, err)
				}
			}
			// Twice: the first pass walks the trie (its HasInterest, the subject's second miss, caches
			// it), the second is served from the cache.
			for _, pass := range []string{"miss", "hit"} {
				got, err := resultSet(trie.Match([]byte(tt.subject)))
				if err != nil {
					t.Fatalf("%s: Match(%q): %v", pass, tt.subject, err)
				}
				want := matchSet{Plain: tt.plain, Queues: tt.queues}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: Match(%q):\n got %+v\nwant %+v", pass, tt.subject, got, want)
				}
				if interest := len(tt.plain) > 0 || len(tt.queues) > 0; trie.HasInterest([]byte(tt.subject)) != interest {
					t.Errorf("%s: HasInterest(%q) = %v, want %v", pass, tt.subject, !interest, interest)
				}
			}
			if got, want := trie.Count(), len(tt.subs)-len(tt.remove); got != want {
				t.Errorf("Count() = %d, want %d", got, want)
			}
		})
	}
}

func TestInsertRejects(t *testing.T) {
	tests := []struct {
		subject, queue string
		want           error
	}{
		{"", "", ErrInvalidSubject},
		{"foo..bar", "", ErrInvalidSubject},
		{"foo.>.bar", "", ErrInvalidSubject},
		{"foo bar", "", ErrInvalidSubject},
		{"foo", " ", ErrInvalidQueue},
		{"foo", "q\tr", ErrInvalidQueue},
	}
	for _, tt := range tests {
		trie := New()
		err := trie.Insert(&Subscription{Subject: tt.subject, Queue: tt.queue})
		if !errors.Is(err, tt.want) {
			t.Errorf("Insert(%q, queue %q) = %v, want %v", tt.subject, tt.queue, err, tt.want)
		}
		if trie.Count() != 0 {
			t.Errorf("Insert(%q, queue %q) failed but Count() = %d", tt.subject, tt.queue, trie.Count())
		}
	}
}

func TestInsertTwiceIsRefused(t *testing.T) {
	trie := New()
	s := &Subscription{Subject: "foo", Owner: "s0"}
	if err := trie.Insert(s); err != nil {
		t.Fatal(err)
	}
	if err := trie.Insert(s); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("second Insert = %v, want ErrDuplicate", err)
	}
	if got := trie.Match([]byte("foo")).Plain; len(got) != 1 {
		t.Fatalf("Match after refused Insert has %d subscriptions, want 1", len(got))
	}
}

func TestRemoveNotFound(t *testing.T) {
	trie := New()
	s := &Subscription{Subject: "foo"}
	if err := trie.Remove(s); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Remove of never-inserted = %v, want ErrNotFound", err)
	}
	if err := trie.Insert(s); err != nil {
		t.Fatal(err)
	}
	twin := &Subscription{Subject: "foo"} // equal value, different pointer
	if err := trie.Remove(twin); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Remove of an equal value = %v, want ErrNotFound", err)
	}
	if err := trie.Remove(s); err != nil {
		t.Fatal(err)
	}
	if err := trie.Remove(s); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second Remove = %v, want ErrNotFound", err)
	}
}

func TestRemoveAfterSubjectChangedIsRefused(t *testing.T) {
	trie := New()
	s := &Subscription{Subject: "foo.bar"}
	if err := trie.Insert(s); err != nil {
		t.Fatal(err)
	}
	s.Subject = "foo.baz"
	if err := trie.Remove(s); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Remove after changing Subject = %v, want ErrNotFound", err)
	}
	s.Subject = "foo.bar"
	if err := trie.Remove(s); err != nil {
		t.Fatalf("Remove after restoring Subject: %v", err)
	}
}

// Removing everything must leave no nodes behind, or unique subjects (inboxes) would leak under churn.
func TestRemovePrunesEmptyNodes(t *testing.T) {
	trie := New()
	subs := subscriptions("a.b.c", "a.b", "a.*.c", "a.>", "a.b.c q", "x.y.z.w")
	for _, s := range subs {
		if err := trie.Insert(s); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range subs {
		if err := trie.Remove(s); err != nil {
			t.Fatal(err)
		}
	}
	if !trie.root.empty() {
		t.Fatalf("root not empty after removing everything: %+v", trie.root)
	}
	if trie.Count() != 0 {
		t.Fatalf("Count() = %d after removing everything", trie.Count())
	}
}

// A Result already handed out is a snapshot: later changes to the same subjects make new Results and
// leave it as it was, since other event loops may still be delivering from it.
func TestResultUnchangedByLaterChanges(t *testing.T) {
	trie := New()
	subs := subscriptions("foo", "foo", "foo q", "foo q", "foo.>")
	for _, s := range subs {
		mustInsert(t, trie, s)
	}
	held := trie.Match([]byte("foo"))
	before, err := resultSet(held)
	if err != nil {
		t.Fatal(err)
	}
	mustRemove(t, trie, subs[0])
	mustRemove(t, trie, subs[2])
	for _, queue := range []string{"", "q", "r"} {
		mustInsert(t, trie, &Subscription{Subject: "foo", Queue: queue, Owner: "new " + queue})
	}
	after, err := resultSet(held)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("held Result changed:\nbefore %+v\n after %+v", before, after)
	}
}

// TestWildcardCharactersInsideTokensAreLiteral: "foo*" is an ordinary token, matched only by itself and by
// real wildcards.
func TestWildcardCharactersInsideTokensAreLiteral(t *testing.T) {
	trie := New()
	lit := &Subscription{Subject: "foo*.b>r"}
	star := &Subscription{Subject: "*.b>r"}
	for _, s := range []*Subscription{lit, star} {
		if err := trie.Insert(s); err != nil {
			t.Fatal(err)
		}
	}
	if r := trie.Match([]byte("foo*.b>r")); len(r.Plain) != 2 {
		t.Fatalf("foo*.b>r matched %d subscriptions, want 2", len(r.Plain))
	}
	if r := trie.Match([]byte("fooX.b>r")); len(r.Plain) != 1 || r.Plain[0] != star {
		t.Fatalf("fooX.b>r must match only the real wildcard, got %v", r.Plain)
	}
}
