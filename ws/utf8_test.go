package ws

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// utf8State accepts exactly what utf8.Valid accepts, for every sequence of up to three bytes drawn from
// the bytes that matter and for random longer ones, whole and cut at every point; and where it rejects
// does not depend on the cut.
func TestUTF8MatchesStdlib(t *testing.T) {
	interesting := []byte{0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0,
		0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF}
	check := func(p []byte) {
		var whole utf8State
		bad := whole.scan(p)
		ok := bad < 0 && whole.complete()
		if ok != utf8.Valid(p) {
			t.Fatalf("%x: valid=%v, utf8.Valid says %v", p, ok, !ok)
		}
		if bad >= 0 {
			// The rejected byte is the first that cannot continue: the bytes before it are a
			// prefix of valid UTF-8, completed here with the shortest continuation.
			var s utf8State
			prefix := append([]byte(nil), p[:bad]...)
			s.scan(prefix)
			for range s.need {
				prefix = append(prefix, s.lo)
				s.lo = 0x80
			}
			if !utf8.Valid(prefix) {
				t.Fatalf("%x: rejected at %d, but %x before it cannot be completed", p, bad, p[:bad])
			}
		}
		for cut := 0; cut <= len(p); cut++ {
			var s utf8State
			b := s.scan(p[:cut])
			if b < 0 {
				if b2 := s.scan(p[cut:]); b2 >= 0 {
					b = cut + b2
				}
			}
			if b != bad || (b < 0 && s.complete() != whole.complete()) {
				t.Fatalf("%x cut at %d: rejected at %d, whole at %d", p, cut, b, bad)
			}
		}
	}
	for _, a := range interesting {
		for _, b := range interesting {
			for _, c := range interesting {
				check([]byte{a, b, c})
				check([]byte{a, b, c, 0x80})
			}
			check([]byte{a, b})
		}
		check([]byte{a})
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		p := []byte(string(rune(r.IntN(0x110000))) + string(rune(r.IntN(0x800))) + "ascii text that is long enough")
		if r.IntN(2) == 0 {
			p[r.IntN(len(p))] = byte(r.IntN(256))
		}
		check(p)
	}
}
