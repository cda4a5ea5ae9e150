package config

const eof = -1

// scanner walks the source byte by byte and keeps the Pos of the next byte.
// It knows the format's lexical rules (blanks, comments, word ends) but not
// its grammar.
type scanner struct {
	src  []byte
	off  int
	line int
	col  int
	file string
}

func newScanner(file string, src []byte) scanner {
	return scanner{src: src, line: 1, col: 1, file: file}
}

func (s *scanner) pos() Pos { return Pos{File: s.file, Line: s.line, Col: s.col} }

func (s *scanner) peek() int { return s.peekAt(0) }

func (s *scanner) peekAt(n int) int {
	if s.off+n >= len(s.src) {
		return eof
	}
	return int(s.src[s.off+n])
}

// advance consumes one byte. Columns count runes, so UTF-8 continuation
// bytes do not move the column.
func (s *scanner) advance() {
	if s.off >= len(s.src) {
		return
	}
	b := s.src[s.off]
	s.off++
	switch {
	case b == '\n':
		s.line++
		s.col = 1
	case b&0xC0 != 0x80:
		s.col++
	}
}

// isSpace is blank within a line. '\r' counts as blank so CRLF files work
// without a second notion of line break.
func isSpace(c int) bool { return c == ' ' || c == '\t' || c == '\r' }

// atComment reports whether a comment starts at the next byte. Comments are
// recognised only where a token may start or has ended, never inside a
// word: "nats://host" and "pass#word" stay whole.
func (s *scanner) atComment() bool {
	c := s.peek()
	return c == '#' || (c == '/' && s.peekAt(1) == '/')
}

func (s *scanner) skipSpace() {
	for isSpace(s.peek()) {
		s.advance()
	}
}

// skipSpaceAndComment skips blanks and a trailing comment, stopping before
// the newline so callers can still see the line end.
func (s *scanner) skipSpaceAndComment() {
	s.skipSpace()
	if s.atComment() {
		for c := s.peek(); c != '\n' && c != eof; c = s.peek() {
			s.advance()
		}
	}
}

// skipBlank skips blanks, comments and newlines.
func (s *scanner) skipBlank() {
	for {
		s.skipSpaceAndComment()
		if s.peek() != '\n' {
			return
		}
		s.advance()
	}
}

// isWordEnd is where a bare value ends (nats-server lexString).
func isWordEnd(c int) bool {
	switch c {
	case eof, ' ', '\t', '\r', '\n', ',', ';', ']', '}':
		return true
	}
	return false
}

// isKeyEnd is where a bare key ends. Brackets and braces end it too, so
// "key{" opens a block rather than naming a key "key{".
func isKeyEnd(c int) bool {
	switch c {
	case ':', '=', '{', '[':
		return true
	}
	return isWordEnd(c)
}

func (s *scanner) scanUntil(end func(int) bool) string {
	start := s.off
	for !end(s.peek()) {
		s.advance()
	}
	return string(s.src[start:s.off])
}

// describe names the next byte for an error message.
func (s *scanner) describe() string {
	switch c := s.peek(); c {
	case eof:
		return "end of file"
	case '\n':
		return "newline"
	default:
		if c < 0x80 {
			return "'" + string(rune(c)) + "'"
		}
		return "non-ASCII character"
	}
}
