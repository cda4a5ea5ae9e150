package config

import (
	"strings"
	"unicode/utf8"
)

// scanQuoted reads a '...' (raw) or "..." (escaped) string starting at the
// opening quote. Strings may span lines, so an unterminated one is reported
// at its opening quote: that is where the reader has to look.
func (s *scanner) scanQuoted() (string, *Error) {
	open := s.pos()
	quote := s.peek()
	s.advance()
	var text strings.Builder
	for {
		c := s.peek()
		switch {
		case c == eof:
			return "", errorf(open, "unterminated string: missing closing %c", quote)
		case c == quote:
			s.advance()
			return text.String(), nil
		case c == '\\' && quote == '"':
			if err := s.scanEscape(&text); err != nil {
				return "", err
			}
		default:
			text.WriteByte(byte(c))
			s.advance()
		}
	}
}

// scanEscape handles the escapes nats-server knows (\t \n \r \" \\ \xXX)
// plus \uXXXX.
func (s *scanner) scanEscape(text *strings.Builder) *Error {
	at := s.pos()
	s.advance() // the backslash
	c := s.peek()
	switch c {
	case 't':
		text.WriteByte('\t')
	case 'n':
		text.WriteByte('\n')
	case 'r':
		text.WriteByte('\r')
	case '"':
		text.WriteByte('"')
	case '\\':
		text.WriteByte('\\')
	case 'x', 'u':
		digits := 2
		if c == 'u' {
			digits = 4
		}
		s.advance()
		n, ok := s.scanHex(digits)
		if !ok {
			return errorf(at, "invalid escape: \\%c needs %d hex digits", c, digits)
		}
		if c == 'x' {
			text.WriteByte(byte(n))
		} else {
			if !utf8.ValidRune(rune(n)) {
				return errorf(at, "invalid escape: \\u%04X is not a valid character", n)
			}
			text.WriteRune(rune(n))
		}
		return nil
	case eof, '\n':
		return errorf(at, "invalid escape: backslash at end of line")
	default:
		return errorf(at, "invalid escape: backslash before %s; allowed: \\t \\n \\r \\\" \\\\ \\xXX \\uXXXX", s.describe())
	}
	s.advance()
	return nil
}

func (s *scanner) scanHex(digits int) (int, bool) {
	n := 0
	for range digits {
		c := s.peek()
		var d int
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		n = n*16 + d
		s.advance()
	}
	return n, true
}
