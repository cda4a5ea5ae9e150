package codec

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestRoundTripRandomOps: random client ops, encoded with the client
// encoders and concatenated, parse back to exactly the ops generated,
// whether the stream arrives in one piece or in random chunks.
func TestRoundTripRandomOps(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2)) // fixed seed: failures reproduce
	for round := range 200 {
		var (
			stream []byte
			want   []Op
		)
		for range 1 + rng.IntN(20) {
			op := randomOp(rng)
			stream = encodeOp(stream, &op)
			want = append(want, op)
		}
		expected := result{ops: want}

		whole := parseAll(t, Limits{}, stream)
		if whole.String() != expected.String() {
			t.Fatalf("round %d, one piece:\n%s\nwant:\n%s", round, whole, expected)
		}
		var p Parser
		chunked := drive(t, &p, stream, func() int { return 1 + rng.IntN(64) })
		if chunked.String() != expected.String() {
			t.Fatalf("round %d, random chunks:\n%s\nwant:\n%s", round, chunked, expected)
		}
	}
}

// randomOp makes a client op with the fields the parser would produce.
func randomOp(rng *rand.Rand) Op {
	maybe := func(b []byte) []byte {
		if rng.IntN(2) == 0 {
			return nil
		}
		return b
	}
	switch rng.IntN(6) {
	case 0:
		return Op{Kind: KindPub, Subject: randomSubject(rng), Reply: maybe(randomSubject(rng)), Payload: randomBytes(rng, 300)}
	case 1:
		headers := randomHeaders(rng)
		msg := append(headers, randomBytes(rng, 300)...)
		return Op{Kind: KindHPub, Subject: randomSubject(rng), Reply: maybe(randomSubject(rng)), HeaderLen: len(headers), Payload: msg}
	case 2:
		return Op{Kind: KindSub, Subject: randomSubject(rng), Queue: maybe(randomToken(rng)), Sid: randomSid(rng)}
	case 3:
		return Op{Kind: KindUnsub, Sid: randomSid(rng), Max: int64(rng.IntN(3)) * rng.Int64N(1e12)}
	case 4:
		return Op{Kind: KindPing}
	default:
		return Op{Kind: KindPong}
	}
}

// encodeOp appends op as a client would send it.
func encodeOp(dst []byte, op *Op) []byte {
	switch op.Kind {
	case KindPub:
		return AppendPub(dst, op.Subject, op.Reply, op.Payload)
	case KindHPub:
		return AppendHPub(dst, op.Subject, op.Reply, op.HeaderLen, op.Payload)
	case KindSub:
		return AppendSub(dst, op.Subject, op.Queue, op.Sid)
	case KindUnsub:
		return AppendUnsub(dst, op.Sid, op.Max)
	case KindPing:
		return append(dst, PING...)
	case KindPong:
		return append(dst, PONG...)
	}
	panic("encodeOp: no client encoder for " + op.Kind.String())
}

// tokenBytes are what subjects, queues and sids are drawn from: anything but
// the blanks and line ends that delimit arguments.
const tokenBytes = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-$*>\x01\xc3\xa9"

func randomToken(rng *rand.Rand) []byte {
	token := make([]byte, 1+rng.IntN(12))
	for i := range token {
		token[i] = tokenBytes[rng.IntN(len(tokenBytes))]
	}
	return token
}

func randomSubject(rng *rand.Rand) []byte {
	subject := randomToken(rng)
	for range rng.IntN(4) {
		subject = append(append(subject, '.'), randomToken(rng)...)
	}
	return subject
}

func randomSid(rng *rand.Rand) []byte {
	if rng.IntN(4) == 0 {
		return randomToken(rng)
	}
	return strconv.AppendInt(nil, rng.Int64N(1e6), 10)
}

// randomBytes is binary, heavy in the bytes that delimit the protocol.
func randomBytes(rng *rand.Rand, maxLen int) []byte {
	b := make([]byte, rng.IntN(maxLen+1))
	for i := range b {
		switch rng.IntN(4) {
		case 0:
			b[i] = "\r\n \t"[rng.IntN(4)]
		default:
			b[i] = byte(rng.IntN(256))
		}
	}
	return b
}

func randomHeaders(rng *rand.Rand) []byte {
	h := []byte("NATS/1.0\r\n")
	for range rng.IntN(4) {
		h = append(h, randomToken(rng)...)
		h = append(h, ": "...)
		h = append(h, bytes.ReplaceAll(randomBytes(rng, 20), []byte("\n"), nil)...)
		h = append(h, "\r\n"...)
	}
	return append(h, "\r\n"...)
}
