package store

// The subject filters a store answers: "" and ">" match every subject, a literal subject matches itself,
// and a filter with wildcard tokens ("*" one token, ">" the rest) matches token by token. Stored subjects
// are literal; filters are not validated here (the stream validates what reaches a store).

// matchesAll reports whether filter matches every subject.
func matchesAll(filter string) bool { return filter == "" || filter == ">" }

// isLiteral reports whether filter has no wildcard token, so it names one subject.
func isLiteral(filter string) bool {
	for i := 0; i < len(filter); i++ {
		c := filter[i]
		if (c == '*' || c == '>') && (i == 0 || filter[i-1] == '.') && (i+1 == len(filter) || filter[i+1] == '.') {
			return false
		}
	}
	return filter != ""
}

// subjectMatches reports whether filter matches the literal subject.
func subjectMatches(filter, subject string) bool {
	if matchesAll(filter) {
		return true
	}
	for {
		ft, frest, fmore := cutToken(filter)
		st, srest, smore := cutToken(subject)
		switch {
		case ft == ">" && !fmore:
			return true
		case ft != "*" && ft != st:
			return false
		}
		if !fmore || !smore {
			return fmore == smore
		}
		filter, subject = frest, srest
	}
}

// cutToken splits subject at its first '.'; more is false when token is the last one.
func cutToken(subject string) (token, rest string, more bool) {
	for i := 0; i < len(subject); i++ {
		if subject[i] == '.' {
			return subject[:i], subject[i+1:], true
		}
	}
	return subject, "", false
}
