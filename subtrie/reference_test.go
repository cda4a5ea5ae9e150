package subtrie

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// reference is the naive matcher the trie is checked against: a list of subscriptions scanned linearly,
// written from the NATS rules with strings.Split so that it shares no code with the trie.
type reference struct {
	subs []*Subscription
}

func (r *reference) insert(s *Subscription) { r.subs = append(r.subs, s) }

func (r *reference) remove(s *Subscription) {
	i := slices.Index(r.subs, s)
	r.subs = slices.Delete(r.subs, i, i+1)
}

func (r *reference) match(subject string) matchSet {
	subjectTokens := strings.Split(subject, ".")
	var matched []*Subscription
	for _, s := range r.subs {
		if referenceTokensMatch(strings.Split(s.Subject, "."), subjectTokens) {
			matched = append(matched, s)
		}
	}
	return newMatchSet(matched)
}

func referenceMatches(pattern, subject string) bool {
	return referenceTokensMatch(strings.Split(pattern, "."), strings.Split(subject, "."))
}

// referenceTokensMatch: '*' is one token, '>' one or more, anything else byte-equal; a subject with an
// empty token matches nothing.
func referenceTokensMatch(patternTokens, subjectTokens []string) bool {
	if slices.Contains(subjectTokens, "") {
		return false
	}
	for i, p := range patternTokens {
		if p == ">" {
			return len(subjectTokens) > i
		}
		if i >= len(subjectTokens) || (p != "*" && p != subjectTokens[i]) {
			return false
		}
	}
	return len(patternTokens) == len(subjectTokens)
}

// matchSet is a Result in comparable form: subscriptions named by label, sorted.
type matchSet struct {
	Plain  []string
	Queues map[string][]string
}

func newMatchSet(subs []*Subscription) matchSet {
	var m matchSet
	for _, s := range subs {
		if s.Queue == "" {
			m.Plain = append(m.Plain, label(s))
			continue
		}
		if m.Queues == nil {
			m.Queues = make(map[string][]string)
		}
		m.Queues[s.Queue] = append(m.Queues[s.Queue], label(s))
	}
	slices.Sort(m.Plain)
	for _, members := range m.Queues {
		slices.Sort(members)
	}
	return m
}

// resultSet converts r, first checking the shape the engine relies on: plain subscriptions have no
// queue, every group is non-empty with one name not repeated elsewhere, and no subscription appears twice.
func resultSet(r *Result) (matchSet, error) {
	if r == nil {
		return matchSet{}, fmt.Errorf("nil Result")
	}
	seen := make(map[*Subscription]bool)
	var all []*Subscription
	add := func(s *Subscription) error {
		if seen[s] {
			return fmt.Errorf("%s appears twice", label(s))
		}
		seen[s] = true
		all = append(all, s)
		return nil
	}
	for _, s := range r.Plain {
		if s.Queue != "" {
			return matchSet{}, fmt.Errorf("queue subscription %s in Plain", label(s))
		}
		if err := add(s); err != nil {
			return matchSet{}, err
		}
	}
	names := make(map[string]bool)
	for _, group := range r.Queues {
		if len(group) == 0 {
			return matchSet{}, fmt.Errorf("empty queue group")
		}
		name := group[0].Queue
		if name == "" || names[name] {
			return matchSet{}, fmt.Errorf("queue group %q empty-named or split", name)
		}
		names[name] = true
		for _, s := range group {
			if s.Queue != name {
				return matchSet{}, fmt.Errorf("%s in group %q", label(s), name)
			}
			if err := add(s); err != nil {
				return matchSet{}, err
			}
		}
	}
	return newMatchSet(all), nil
}

// label names a test subscription by its Owner, which the tests set to a unique string.
func label(s *Subscription) string {
	if name, ok := s.Owner.(string); ok {
		return name
	}
	return fmt.Sprint(s.Owner)
}

// checkMatch compares what the trie matches for subject with the reference.
func checkMatch(t testing.TB, trie *Trie, ref *reference, subject string) {
	t.Helper()
	got, err := resultSet(trie.Match([]byte(subject)))
	if err != nil {
		t.Fatalf("Match(%q): %v", subject, err)
	}
	want := ref.match(subject)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Match(%q):\n got %+v\nwant %+v", subject, got, want)
	}
	if interest := len(want.Plain) > 0 || len(want.Queues) > 0; trie.HasInterest([]byte(subject)) != interest {
		t.Fatalf("HasInterest(%q) = %v, want %v", subject, !interest, interest)
	}
}
