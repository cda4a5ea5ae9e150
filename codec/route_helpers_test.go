package codec

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// showRoute renders a route op for comparison; Reply and Queue print <nil>
// where nil-when-absent is part of the contract.
func showRoute(op *RouteOp) string {
	var b strings.Builder
	b.WriteString(op.Kind.String())
	field := fieldWriter(&b)
	isMsg := op.Kind == RouteKindRMsg || op.Kind == RouteKindHMsg || op.Kind == RouteKindLMsg
	isInterest := op.Kind >= RouteKindRSPlus && op.Kind <= RouteKindLSMinus
	field("origin", op.Origin, false)
	field("account", op.Account, false)
	field("subject", op.Subject, false)
	field("reply", op.Reply, isMsg)
	field("queue", op.Queue, isInterest)
	if op.Weight != 0 {
		fmt.Fprintf(&b, " weight=%d", op.Weight)
	}
	if isMsg {
		b.WriteString(" queues=[")
		for q, rest := NextQueue(op.Queues); q != nil; q, rest = NextQueue(rest) {
			fmt.Fprintf(&b, "%q,", q)
		}
		b.WriteString("]")
		if op.Kind != RouteKindRMsg {
			fmt.Fprintf(&b, " hdr=%d", op.HeaderLen)
		}
		fmt.Fprintf(&b, " payload=%q", op.Payload)
	}
	field("arg", op.Arg, false)
	return b.String()
}

type routeResult struct {
	ops  []string
	err  error
	rest int
}

func (r routeResult) String() string {
	return strings.Join(r.ops, "\n") + fmt.Sprintf("\nerr=%v rest=%d", r.err, r.rest)
}

// driveRoute is drive for RouteParser: chunks of stream arrive as nextChunk
// says, every Next gets a fresh copy of the pending bytes, and the
// Next/Need contract is checked on every call.
func driveRoute(t testing.TB, p *RouteParser, stream []byte, nextChunk func() int) routeResult {
	t.Helper()
	var (
		res      routeResult
		pending  []byte
		received int
		waits    []incomplete
	)
	for received < len(stream) {
		chunk := min(max(1, nextChunk()), len(stream)-received)
		pending = append(pending, stream[received:received+chunk]...)
		received += chunk
		for {
			buf := bytes.Clone(pending)
			n, err := p.Next(buf)
			if n < 0 || n > len(buf) {
				t.Fatalf("Next used %d bytes of %d", n, len(buf))
			}
			if err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("error %T %v is not a *Error", err, err)
				}
				if n != 0 || p.Need() != 0 {
					t.Fatalf("error %v with n=%d need=%d", err, n, p.Need())
				}
				res.err, res.rest = err, len(pending)
				return res
			}
			if n == 0 {
				if need := p.Need(); need != 0 && need <= len(buf) {
					t.Fatalf("incomplete with %d bytes but Need()=%d", len(buf), need)
				}
				waits = append(waits, incomplete{len(buf), p.Need()})
				break
			}
			if p.Need() != 0 {
				t.Fatalf("Need()=%d after a complete op", p.Need())
			}
			checkRouteNeed(t, p.Op.Kind, buf[:n], waits)
			waits = waits[:0]
			res.ops = append(res.ops, showRoute(&p.Op))
			pending = pending[n:]
		}
	}
	res.rest = len(pending)
	return res
}

// checkRouteNeed checks the Need answers given while frame was arriving:
// 0 until a message's control line is in, then the frame's full length.
func checkRouteNeed(t testing.TB, kind RouteKind, frame []byte, waits []incomplete) {
	t.Helper()
	lineLen := bytes.IndexByte(frame, '\n') + 1
	isMsg := kind == RouteKindRMsg || kind == RouteKindHMsg || kind == RouteKindLMsg
	for _, w := range waits {
		want := 0
		if isMsg && w.buffered >= lineLen {
			want = len(frame)
		}
		if w.need != want {
			t.Fatalf("%s frame %q: with %d bytes buffered Need()=%d, want %d", kind, frame, w.buffered, w.need, want)
		}
	}
}

func parseRouteAll(t testing.TB, limits Limits, stream []byte) routeResult {
	t.Helper()
	p := RouteParser{Limits: limits}
	return driveRoute(t, &p, stream, func() int { return len(stream) })
}

// parseRouteSplit parses stream fed one byte at a time and checks it gives
// what the one-piece parse gave.
func checkRouteSplit(t testing.TB, limits Limits, stream []byte, whole routeResult) {
	t.Helper()
	p := RouteParser{Limits: limits}
	split := driveRoute(t, &p, stream, func() int { return 1 })
	split.rest, whole.rest = 0, 0
	if split.String() != whole.String() {
		t.Fatalf("byte by byte:\n%s\none piece:\n%s", split, whole)
	}
}
