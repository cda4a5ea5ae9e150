package auth

import (
	"strings"
	"testing"
)

// naiveMatch is the obvious matcher, token lists and all, that patternMatches must agree with.
func naiveMatch(pattern, subject string) bool {
	st := strings.Split(subject, ".")
	for _, tok := range st {
		if tok == "" {
			return false
		}
	}
	pt := strings.Split(pattern, ".")
	for i, p := range pt {
		if p == ">" {
			return len(st) > i
		}
		if i >= len(st) || (p != "*" && p != st[i]) {
			return false
		}
	}
	return len(pt) == len(st)
}

// FuzzPatternMatches checks the byte-walking matcher against naiveMatch on valid patterns and arbitrary
// subjects, and that collision detection never misses a subject two patterns both match (a miss there
// would deliver a message a deny entry forbids).
func FuzzPatternMatches(f *testing.F) {
	seeds := [][3]string{
		{"foo.*", "foo.bar", "foo.>"},
		{"foo.>", "foo", "*.bar"},
		{">", "a..b", "a.*"},
		{"*", ">", "*.*"},
		{"a.*.c", "a.b.c", "a.>"},
		{"foo*", "foo*", "foo.*"},
		{"a", "a.", "a"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, pattern, subject, other string) {
		if !validSubject(pattern) {
			return
		}
		want := naiveMatch(pattern, subject)
		if got := patternMatches(pattern, subject); got != want {
			t.Fatalf("patternMatches(%q, %q) = %v, naive says %v", pattern, subject, got, want)
		}
		if got := patternMatches(pattern, []byte(subject)); got != want {
			t.Fatalf("patternMatches(%q, []byte(%q)) = %v, string form says %v", pattern, subject, got, want)
		}
		if validSubject(other) && !hasWildcard(subject) && want && patternMatches(other, subject) &&
			!patternsCollide(pattern, other) {
			t.Fatalf("%q and %q both match %q but patternsCollide says no", pattern, other, subject)
		}
	})
}
