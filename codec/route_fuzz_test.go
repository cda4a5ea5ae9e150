package codec

import "testing"

// FuzzRouteParse checks, for any input, that RouteParser.Next never panics
// and never claims more bytes than it was given, that parsing byte by byte
// agrees with parsing in one piece (driveRoute also checks Need on every
// call), and that RS+/RS-/RMSG/HMSG ops re-encoded with the route encoders
// parse back identically.
//
// Small limits make the control-line and payload limits reachable by
// fuzz-sized inputs. Seeds: the f.Add calls below and
// testdata/fuzz/FuzzRouteParse.
func FuzzRouteParse(f *testing.F) {
	for _, seed := range []string{
		"RS+ $G foo.*\r\nRS+ $G wq W 2\r\nRS- $G wq W\r\n",
		"RMSG $G foo.bar 5\r\nhello\r\nPING\r\n",
		"RMSG $G q.x | grp 4\r\nwork\r\n",
		"RMSG $G s + r q1 q2 2\r\nhi\r\n",
		"HMSG $G s 12 14\r\nNATS/1.0\r\n\r\nhi\r\n",
		"LS+ _ $G foo q 3\r\nLS- hub $G foo\r\nLMSG hub $G s | g 0 2\r\nhi\r\n",
		"INFO {} \r\nCONNECT {}\r\n-ERR 'Stale Connection'\r\n+OK\r\nPONG\r\n",
		"rmsg\t$G  s\t+ r  q 1 \nx\r\n",
		"RMSG $G s 3\r\nabcXY",
	} {
		f.Add([]byte(seed))
	}
	limits := Limits{MaxControlLine: 48, MaxPayload: 64}
	f.Fuzz(func(t *testing.T, input []byte) {
		p := RouteParser{Limits: limits}
		whole := driveRoute(t, &p, input, func() int { return len(input) })
		checkRouteReencode(t, limits, input)
		if len(input) > 1024 {
			return // byte by byte is quadratic; keep each run fast
		}
		checkRouteSplit(t, limits, input, whole)
	})
}

// checkRouteReencode parses input op by op and re-encodes every op that has
// an encoder, expecting the same op back.
func checkRouteReencode(t *testing.T, limits Limits, input []byte) {
	t.Helper()
	p := RouteParser{Limits: limits}
	for off := 0; off < len(input); {
		n, err := p.Next(input[off:])
		if err != nil || n == 0 {
			return
		}
		off += n
		op := &p.Op
		var frame []byte
		var queues [][]byte
		for q, rest := NextQueue(op.Queues); q != nil; q, rest = NextQueue(rest) {
			queues = append(queues, q)
		}
		switch op.Kind {
		case RouteKindRSPlus:
			frame = AppendRSPlus(nil, op.Account, op.Subject, op.Queue, op.Weight)
		case RouteKindRSMinus:
			frame = AppendRSMinus(nil, op.Account, op.Subject, op.Queue)
		case RouteKindRMsg:
			frame = AppendRMsg(nil, op.Account, op.Subject, op.Reply, queues, op.Payload)
		case RouteKindHMsg:
			frame = AppendHRMsg(nil, op.Account, op.Subject, op.Reply, queues, op.HeaderLen, op.Payload)
		default:
			continue
		}
		again := RouteParser{Limits: Limits{MaxControlLine: 1 << 20, MaxPayload: limits.MaxPayload}}
		m, err := again.Next(frame)
		if err != nil || m != len(frame) {
			t.Fatalf("re-encoded %s as %q: Next = %d, %v", showRoute(op), frame, m, err)
		}
		if showRoute(&again.Op) != showRoute(op) {
			t.Fatalf("re-encoded %q parsed as\n%s\nwant\n%s", frame, showRoute(&again.Op), showRoute(op))
		}
	}
}
