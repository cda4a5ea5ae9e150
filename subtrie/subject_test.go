package subtrie

import (
	"math/rand/v2"
	"testing"
)

func TestValidSubject(t *testing.T) {
	tests := []struct {
		subject        string
		valid, literal bool
	}{
		{"foo", true, true},
		{"foo.bar", true, true},
		{"foo.bar.baz", true, true},
		{"FOO-bar_1.$SYS.x", true, true},
		{"_INBOX.abc123.def", true, true},
		{"*", true, false},
		{">", true, false},
		{"foo.*", true, false},
		{"*.foo", true, false},
		{"foo.*.bar", true, false},
		{"foo.>", true, false},
		{"*.>", true, false},
		{"*.*.*", true, false},

		{"", false, false},
		{".", false, false},
		{"..", false, false},
		{".foo", false, false},
		{"foo.", false, false},
		{"foo..bar", false, false},
		{">.foo", false, false},
		{"foo.>.bar", false, false},
		{">.>", false, false},
		// '*' and '>' inside a longer token are ordinary characters, as in nats-server (observed on the wire:
		// SUB foo* is accepted and PUB foo* delivered to it).
		{"foo.**", true, true},
		{"foo.b*r", true, true},
		{"foo*", true, true},
		{"*foo", true, true},
		{"foo.>>", true, true},
		{"foo.bar>", true, true},
		{"foo.*>", true, true},
		{"foo*.>", true, false},
		{"a>b.*", true, false},
		{"foo bar", false, false},
		{" foo", false, false},
		{"foo ", false, false},
		{"foo.\tbar", false, false},
		{"foo\n", false, false},
		{"foo\r\n", false, false},
		{"foo.\fbar", false, false},
		{"foo.\vbar", false, false},
	}
	for _, tt := range tests {
		if got := ValidSubject([]byte(tt.subject)); got != tt.valid {
			t.Errorf("ValidSubject(%q) = %v, want %v", tt.subject, got, tt.valid)
		}
		if got := ValidLiteralSubject([]byte(tt.subject)); got != tt.literal {
			t.Errorf("ValidLiteralSubject(%q) = %v, want %v", tt.subject, got, tt.literal)
		}
	}
}

func TestValidQueue(t *testing.T) {
	tests := []struct {
		queue string
		valid bool
	}{
		{"q", true},
		{"workers", true},
		{"workers.v2", true},
		{"*", true},
		{"", false},
		{" ", false},
		{"my queue", false},
		{"q\t", false},
		{"\nq", false},
		{"q\r", false},
	}
	for _, tt := range tests {
		if got := ValidQueue([]byte(tt.queue)); got != tt.valid {
			t.Errorf("ValidQueue(%q) = %v, want %v", tt.queue, got, tt.valid)
		}
	}
}

// subjectMatches decides cache invalidation, so it is held to the reference matcher on its own.
func TestSubjectMatches(t *testing.T) {
	// Tokens holding '*' or '>' among other characters are not wildcards here, though ValidSubject
	// refuses them today: the trie treats them as literals, and invalidation must agree.
	patterns := []string{"a", "a.b", "a.*", "*.b", "*", ">", "a.>", "*.>", "a.*.c", "a.b.>", "b.>", "a*", "a.*b", "a.>b"}
	subjects := []string{"a", "b", "a.b", "a.c", "b.b", "a.b.c", "a.c.c", "a.b.c.d", "ab", "a.bc", "a*", "a.*b", "a.>b", "a.*"}
	for _, pattern := range patterns {
		for _, subject := range subjects {
			if got, want := subjectMatches(pattern, subject), referenceMatches(pattern, subject); got != want {
				t.Errorf("subjectMatches(%q, %q) = %v, want %v", pattern, subject, got, want)
			}
		}
	}
	rng := rand.New(rand.NewPCG(3, 3))
	subjects = allLiterals(4)
	for range 500 {
		pattern := randomPattern(rng)
		for _, subject := range subjects {
			if got, want := subjectMatches(pattern, subject), referenceMatches(pattern, subject); got != want {
				t.Fatalf("subjectMatches(%q, %q) = %v, want %v", pattern, subject, got, want)
			}
		}
	}
}
