package codec

import "testing"

// FuzzParse checks, for any input, that Next never panics and never claims
// more bytes than it was given, that parsing byte by byte agrees with
// parsing in one piece (drive also checks Need on every call), and that
// client ops re-encoded with the Append* encoders parse back identically.
//
// Small limits make the control-line and payload limits reachable by
// fuzz-sized inputs. Seeds: the f.Add calls below and testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"PUB foo 5\r\nhello\r\n",
		"PUB foo bar 5\r\nhello\r\nPING\r\n",
		"HPUB foo reply 12 17\r\nNATS/1.0\r\n\r\nhello\r\n",
		"SUB foo 1\r\nSUB foo q 2\r\nUNSUB 1\r\nUNSUB 2 10\r\n",
		"CONNECT {\"verbose\":false}\r\nPING\r\nPONG\r\n+OK\r\n-ERR 'x'\r\nINFO {} \r\n",
		"pub\tfoo\t\t3  \nabc\r\nping \n",
		"PUB a 3\r\nabcXY",
		"PING          x",
	} {
		f.Add([]byte(seed))
	}
	limits := Limits{MaxControlLine: 32, MaxPayload: 64}
	f.Fuzz(func(t *testing.T, input []byte) {
		whole := parseAll(t, limits, input)
		for i := range whole.ops {
			checkReencode(t, limits, &whole.ops[i])
		}
		if len(input) > 1024 {
			return // byte by byte is quadratic; keep each run fast
		}
		p := Parser{Limits: limits}
		split := drive(t, &p, input, func() int { return 1 })
		split.rest, whole.rest = 0, 0
		if split.String() != whole.String() {
			t.Fatalf("byte by byte:\n%s\none piece:\n%s", split, whole)
		}
	})
}

// checkReencode encodes a parsed client op and parses it again.
func checkReencode(t *testing.T, limits Limits, op *Op) {
	t.Helper()
	switch op.Kind {
	case KindPub, KindHPub, KindSub, KindUnsub:
	default:
		return
	}
	frame := encodeOp(nil, op)
	p := Parser{Limits: limits}
	n, err := p.Next(frame)
	if err != nil || n != len(frame) {
		t.Fatalf("re-encoded %s as %q: Next = %d, %v", show(op), frame, n, err)
	}
	if show(&p.Op) != show(op) {
		t.Fatalf("re-encoded %q parsed as\n%s\nwant\n%s", frame, show(&p.Op), show(op))
	}
}
