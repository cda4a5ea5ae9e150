package subtrie

// The subject grammar: tokens separated by '.', where a token that is exactly "*" matches one token and a
// token that is exactly ">" (last only) matches one or more. The helpers used on both stored subjects
// (string) and subjects straight off the wire ([]byte) are generic over the two, so the publish path never
// converts, and never allocates, to validate or tokenize.

const (
	tokenSep    = '.'
	oneWildcard = "*" // matches exactly one token
	allWildcard = ">" // matches one or more trailing tokens
)

// ValidSubject reports whether s may be subscribed to: non-empty tokens separated by '.', no whitespace,
// '*' and '>' only as whole tokens, and '>' only as the last token.
//
// nats-server accepts '*' or '>' inside a longer token ("foo.b*r") as a literal character; reactor rejects
// it, so that those characters always mean a wildcard. Relaxing that is a change to this function alone:
// the trie and the cache treat any token other than exactly "*" or ">" as literal.
func ValidSubject(s []byte) bool {
	return validSubject(s, true)
}

// ValidLiteralSubject reports whether s may be published to: a valid subject with no wildcard tokens.
func ValidLiteralSubject(s []byte) bool {
	return validSubject(s, false)
}

// ValidQueue reports whether s may name a queue group: non-empty, no whitespace.
func ValidQueue(s []byte) bool {
	return validQueue(s)
}

func validQueue[T string | []byte](s T) bool {
	if len(s) == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if isSpace(s[i]) {
			return false
		}
	}
	return true
}

// validSubject applies nats-server's rules: tokens are non-empty, a token that is exactly "*" or ">" is a
// wildcard (and ">" must be last), and a '*' or '>' inside a longer token is an ordinary character, so
// "foo*" and "a>b" are literal subjects.
func validSubject[T string | []byte](s T, wildcardsAllowed bool) bool {
	if len(s) == 0 {
		return false
	}
	tokenStart := 0
	sawAll := false // a '>' token was seen; nothing may follow it
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != tokenSep {
			if isSpace(s[i]) {
				return false
			}
			continue
		}
		if i == tokenStart || sawAll {
			return false // empty token, or a token after '>'
		}
		if i-tokenStart == 1 && (s[tokenStart] == '*' || s[tokenStart] == '>') {
			if !wildcardsAllowed {
				return false
			}
			sawAll = s[tokenStart] == '>'
		}
		tokenStart = i + 1
	}
	return true
}

func isSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}

// wellFormed reports whether a subject handed to Match has no empty token. Match does not demand a valid
// literal subject (the engine validates PUB before matching), but an empty token can never equal a
// subscription token and '>' must not swallow "", so such subjects match nothing, as in nats-server.
func wellFormed(s []byte) bool {
	if len(s) == 0 || s[0] == tokenSep || s[len(s)-1] == tokenSep {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] == tokenSep && s[i-1] == tokenSep {
			return false
		}
	}
	return true
}

// cutToken splits subject at its first separator: the first token, what follows the separator, and whether
// there was a separator (false means token is the last one).
func cutToken[T string | []byte](subject T) (token, rest T, more bool) {
	for i := 0; i < len(subject); i++ {
		if subject[i] == tokenSep {
			return subject[:i], subject[i+1:], true
		}
	}
	return subject, subject[len(subject):], false
}

// hasWildcard reports whether a subscription subject contains a wildcard token.
func hasWildcard(subject string) bool {
	for i := 0; i < len(subject); i++ {
		if isWildcardAt(subject, i) {
			return true
		}
	}
	return false
}

// isWildcardAt reports whether a wildcard token starts at i: '*' or '>' with a separator (or nothing) on
// either side.
func isWildcardAt(subject string, i int) bool {
	c := subject[i]
	return (c == '*' || c == '>') &&
		(i == 0 || subject[i-1] == tokenSep) &&
		(i+1 == len(subject) || subject[i+1] == tokenSep)
}

// subjectMatches reports whether the valid subscription subject pattern matches the well-formed literal
// subject. The trie answers the same question for all subscriptions at once; this answers it for one pair,
// which is what cache invalidation needs, once per cached subject for a wildcard change. So it walks both
// strings byte by byte in step and gives up at the first difference: most cached subjects differ from the
// pattern within its first token.
func subjectMatches(pattern, subject string) bool {
	p, s := 0, 0 // the starts of the current pattern and subject tokens
	for {
		switch {
		case pattern[p] == '>' && isWildcardAt(pattern, p):
			return true // the subject has a token left here, which is all '>' needs
		case pattern[p] == '*' && isWildcardAt(pattern, p):
			p++
			for s < len(subject) && subject[s] != tokenSep {
				s++
			}
		default:
			for p < len(pattern) && pattern[p] != tokenSep {
				if s == len(subject) || subject[s] != pattern[p] {
					return false
				}
				p++
				s++
			}
			if s < len(subject) && subject[s] != tokenSep {
				return false // the subject token is longer
			}
		}
		// Both are at the end of a token.
		if p == len(pattern) || s == len(subject) {
			return p == len(pattern) && s == len(subject)
		}
		p++
		s++
	}
}

// SubjectMatches reports whether the subscription subject pattern matches subject, a literal subject (or a
// pattern whose wildcard tokens are then taken literally). Both must be valid; for one pair, not in a loop
// over the index.
func SubjectMatches(pattern, subject string) bool {
	if !validSubject(pattern, true) || !validSubject(subject, true) {
		return false
	}
	return subjectMatches(pattern, subject)
}
