package auth

import "strings"

// Subject grammar and matching as permission lists need them. A permission entry is a pattern: tokens
// separated by '.', where a token that is exactly "*" matches one token and a token that is exactly ">"
// (last only) matches one or more. The subject tested against it is taken literally, token by token, even
// when it is itself a wildcard subscription: "foo.*" matches the subscription "foo.>" (its second token ">"
// is one token) but "foo.bar" does not match the subscription "foo.*". That is how nats-server's permission
// lists answer a wildcard SUB, and the permission tests hold reactor to it.

const (
	tokenSep    = '.'
	oneWildcard = "*"
	allWildcard = ">"
)

// validSubject reports whether s may appear in a permission list or a SUB: non-empty tokens, no
// whitespace, and a ">" token only last. '*' and '>' inside a longer token are ordinary characters, and a
// vertical tab is not whitespace here, both as in nats-server.
func validSubject(s string) bool {
	if s == "" {
		return false
	}
	afterAll := false
	for token := range strings.SplitSeq(s, ".") {
		if token == "" || afterAll {
			return false
		}
		if strings.ContainsAny(token, " \t\n\r\f") {
			return false
		}
		afterAll = token == allWildcard
	}
	return true
}

// hasWildcard reports whether subject has a "*" or ">" token.
func hasWildcard[T string | []byte](subject T) bool {
	start := 0
	for i := 0; i <= len(subject); i++ {
		if i < len(subject) && subject[i] != tokenSep {
			continue
		}
		if i-start == 1 && (subject[start] == '*' || subject[start] == '>') {
			return true
		}
		start = i + 1
	}
	return false
}

// patternMatches reports whether the permission pattern matches subject, whose tokens are all taken
// literally. A subject with an empty token matches nothing. It walks both strings once, without
// splitting, so the publish path allocates nothing on a cache miss either.
func patternMatches[T string | []byte](pattern string, subject T) bool {
	if len(subject) == 0 || len(pattern) == 0 {
		return false
	}
	p, s := 0, 0 // starts of the current pattern and subject tokens
	for {
		subjectEnd := s
		for subjectEnd < len(subject) && subject[subjectEnd] != tokenSep {
			subjectEnd++
		}
		if subjectEnd == s {
			return false // empty subject token
		}
		patternEnd := p
		for patternEnd < len(pattern) && pattern[patternEnd] != tokenSep {
			patternEnd++
		}
		token := pattern[p:patternEnd]
		switch {
		case token == allWildcard:
			return wellFormedFrom(subject, subjectEnd)
		case token == oneWildcard:
		case string(subject[s:subjectEnd]) != token:
			return false
		}
		patternDone, subjectDone := patternEnd == len(pattern), subjectEnd == len(subject)
		if patternDone || subjectDone {
			return patternDone && subjectDone
		}
		p, s = patternEnd+1, subjectEnd+1
	}
}

// wellFormedFrom reports whether subject has no empty token from offset i on (i is at a separator or the
// end), which is what ">" still needs before it may swallow the rest.
func wellFormedFrom[T string | []byte](subject T, i int) bool {
	if i == len(subject) {
		return true
	}
	if i == len(subject)-1 {
		return false // trailing '.'
	}
	for j := i + 1; j < len(subject); j++ {
		if subject[j] == tokenSep && subject[j-1] == tokenSep {
			return false
		}
	}
	return subject[len(subject)-1] != tokenSep
}

// patternsCollide reports whether some literal subject matches both a and b. A subscription whose subject
// collides with a subscribe-deny entry may receive messages that the deny entry forbids, so its deliveries
// are filtered.
func patternsCollide(a, b string) bool {
	ta, tb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; ; i++ {
		if i == len(ta) || i == len(tb) {
			return len(ta) == len(tb)
		}
		x, y := ta[i], tb[i]
		switch {
		case x == allWildcard || y == allWildcard:
			return true
		case x == oneWildcard || y == oneWildcard || x == y:
		default:
			return false
		}
	}
}

// queueMatches reports whether a SUB's queue group name is covered by the queue name of a permission
// entry: the same name, or, when the entry's queue name has wildcards, a name inside it ("v1.*" covers
// "v1.a" and "v1.*" but not "v1.>"), as nats-server reads queue-qualified permissions.
func queueMatches[T string | []byte](queue T, entryQueue string) bool {
	if string(queue) == entryQueue {
		return true
	}
	if !hasWildcard(entryQueue) {
		return false
	}
	return subsetOf(strings.Split(string(queue), "."), strings.Split(entryQueue, "."))
}

// subsetOf reports whether every subject matched by the tokens of inner is matched by outer.
func subsetOf(inner, outer []string) bool {
	for i, o := range outer {
		if i >= len(inner) || o == "" {
			return false
		}
		if o == allWildcard {
			return true
		}
		in := inner[i]
		switch {
		case in == "" || in == allWildcard:
			return false
		case in == oneWildcard:
			if o != oneWildcard {
				return false
			}
		case o != oneWildcard && in != o:
			return false
		}
	}
	return len(inner) == len(outer)
}
