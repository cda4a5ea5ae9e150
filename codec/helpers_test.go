package codec

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// show renders an op for comparison and failure messages. Reply and Queue
// print <nil> when absent because "nil when absent" is part of the contract.
func show(op *Op) string {
	var b strings.Builder
	b.WriteString(op.Kind.String())
	field := fieldWriter(&b)
	usesReply := op.Kind == KindPub || op.Kind == KindHPub
	field("subject", op.Subject, false)
	field("reply", op.Reply, usesReply)
	field("queue", op.Queue, op.Kind == KindSub)
	field("sid", op.Sid, false)
	if op.Max != 0 {
		fmt.Fprintf(&b, " max=%d", op.Max)
	}
	if op.Kind == KindHPub {
		fmt.Fprintf(&b, " hdr=%d", op.HeaderLen)
	}
	if usesReply {
		fmt.Fprintf(&b, " payload=%q", op.Payload)
	}
	field("arg", op.Arg, false)
	return b.String()
}

// detach copies every slice of op so it outlives the buffer it aliases,
// keeping nil slices nil.
func detach(op Op) Op {
	dup := func(b []byte) []byte {
		if b == nil {
			return nil
		}
		return bytes.Clone(b)
	}
	op.Subject, op.Reply, op.Queue = dup(op.Subject), dup(op.Reply), dup(op.Queue)
	op.Sid, op.Payload, op.Arg = dup(op.Sid), dup(op.Payload), dup(op.Arg)
	return op
}

// result is what a whole stream parses to: its ops, then the error that
// stopped parsing (nil if the stream simply ran out).
type result struct {
	ops []Op
	err error
	// rest is how many bytes were left unconsumed at the end.
	rest int
}

func (r result) String() string {
	var b strings.Builder
	for i := range r.ops {
		b.WriteString(show(&r.ops[i]))
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "err=%v rest=%d", r.err, r.rest)
	return b.String()
}

// incomplete records one (0, nil) answer while an op was pending.
type incomplete struct {
	buffered int // len of the buffer given to Next
	need     int // what Need reported
}

// drive plays the engine: bytes of stream arrive in chunks whose sizes
// nextChunk picks, unconsumed bytes are kept, and every Next call gets a
// fresh copy of them, so nothing can depend on the previous call's backing
// array. It checks the Next/Need contract on every call:
//   - n never exceeds the buffer;
//   - Need is 0 after success and after errors;
//   - while an op is pending, Need is 0 until its control line is in, and
//     from then on (PUB/HPUB only) exactly the length the op finally uses.
func drive(t testing.TB, p *Parser, stream []byte, nextChunk func() int) result {
	t.Helper()
	var (
		res      result
		pending  []byte
		waits    []incomplete
		received int
	)
	for received < len(stream) {
		chunk := max(1, nextChunk())
		chunk = min(chunk, len(stream)-received)
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
				res.err = err
				res.rest = len(pending)
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
			checkNeed(t, p.Op.Kind, buf[:n], waits)
			waits = waits[:0]
			res.ops = append(res.ops, detach(p.Op))
			pending = pending[n:]
		}
	}
	res.rest = len(pending)
	return res
}

// checkNeed checks the Need answers given while frame was arriving.
func checkNeed(t testing.TB, kind Kind, frame []byte, waits []incomplete) {
	t.Helper()
	lineLen := bytes.IndexByte(frame, '\n') + 1
	for _, w := range waits {
		want := 0
		if (kind == KindPub || kind == KindHPub) && w.buffered >= lineLen {
			want = len(frame)
		}
		if w.need != want {
			t.Fatalf("%s frame %q: with %d bytes buffered Need()=%d, want %d",
				kind, frame, w.buffered, w.need, want)
		}
	}
}

// parseAll parses stream given in one piece.
func parseAll(t testing.TB, limits Limits, stream []byte) result {
	t.Helper()
	p := Parser{Limits: limits}
	return drive(t, &p, stream, func() int { return len(stream) })
}

// isErr reports whether err is exactly want, where a nil want means no
// error (comparing err with a nil *Error directly would never match nil).
func isErr(err error, want *Error) bool {
	if want == nil {
		return err == nil
	}
	return err == want // the exact value, not just the text, is the contract
}

// fieldWriter returns a function that writes one named field of an op to b, for show and showRoute:
// a present field as name="value", an absent one as name=<nil> when nilMatters (nil when absent being part
// of the contract), and nothing otherwise.
func fieldWriter(b *strings.Builder) func(name string, v []byte, nilMatters bool) {
	return func(name string, v []byte, nilMatters bool) {
		switch {
		case v == nil && nilMatters:
			fmt.Fprintf(b, " %s=<nil>", name)
		case len(v) > 0:
			fmt.Fprintf(b, " %s=%q", name, v)
		}
	}
}
