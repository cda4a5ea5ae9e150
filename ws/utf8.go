package ws

import "encoding/binary"

// utf8State validates UTF-8 that arrives in pieces, as a text message does: a character may be cut
// between frames or between reads. It is three bytes, so a Decoder can carry it between calls.
//
// It rejects at the first byte that cannot continue a well-formed sequence (Unicode table 3-7: no
// overlongs, surrogates or code points above U+10FFFF), so where validation fails does not depend on
// how the text was split, and the bytes before that point are exactly those a split run has already
// delivered.
type utf8State struct {
	need   uint8 // continuation bytes still expected
	lo, hi uint8 // range of the next continuation byte
}

// scan validates p as the continuation of what came before and returns the index of the first invalid
// byte, or -1.
func (s *utf8State) scan(p []byte) int {
	i := 0
	for i < len(p) {
		c := p[i]
		if s.need > 0 {
			if c < s.lo || c > s.hi {
				return i
			}
			s.need--
			s.lo, s.hi = 0x80, 0xBF
			i++
			continue
		}
		if c < 0x80 {
			// ASCII run: eight bytes at a time while no byte has its top bit set.
			for i+8 <= len(p) && binary.LittleEndian.Uint64(p[i:])&0x8080808080808080 == 0 {
				i += 8
			}
			for i < len(p) && p[i] < 0x80 {
				i++
			}
			continue
		}
		switch {
		case c >= 0xC2 && c <= 0xDF:
			s.need, s.lo, s.hi = 1, 0x80, 0xBF
		case c == 0xE0:
			s.need, s.lo, s.hi = 2, 0xA0, 0xBF
		case c == 0xED:
			s.need, s.lo, s.hi = 2, 0x80, 0x9F
		case c >= 0xE1 && c <= 0xEF:
			s.need, s.lo, s.hi = 2, 0x80, 0xBF
		case c == 0xF0:
			s.need, s.lo, s.hi = 3, 0x90, 0xBF
		case c >= 0xF1 && c <= 0xF3:
			s.need, s.lo, s.hi = 3, 0x80, 0xBF
		case c == 0xF4:
			s.need, s.lo, s.hi = 3, 0x80, 0x8F
		default:
			return i
		}
		i++
	}
	return -1
}

// complete reports whether the text so far ends on a character boundary.
func (s *utf8State) complete() bool { return s.need == 0 }
