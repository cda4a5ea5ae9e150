package codec

import (
	"bytes"
	"testing"
)

// benchRouteParse parses frame, one complete route op, b.N times.
func benchRouteParse(b *testing.B, frame []byte) {
	var p RouteParser
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		n, err := p.Next(frame)
		if n != len(frame) || err != nil {
			b.Fatalf("Next = %d, %v", n, err)
		}
	}
}

func BenchmarkRouteParseRMsg(b *testing.B) {
	payload := bytes.Repeat([]byte("x"), 128)
	b.Run("plain", func(b *testing.B) {
		benchRouteParse(b, AppendRMsg(nil, []byte("$G"), []byte("foo.bar.baz"), []byte("_INBOX.abc"), nil, payload))
	})
	b.Run("queues", func(b *testing.B) {
		queues := [][]byte{[]byte("workers"), []byte("audit")}
		benchRouteParse(b, AppendRMsg(nil, []byte("$G"), []byte("foo.bar.baz"), []byte("_INBOX.abc"), queues, payload))
	})
}

func BenchmarkRouteParseHMsg(b *testing.B) {
	headers := []byte("NATS/1.0\r\nNats-Msg-Id: 1234\r\n\r\n")
	msg := append(bytes.Clone(headers), bytes.Repeat([]byte("x"), 128)...)
	benchRouteParse(b, AppendHRMsg(nil, []byte("$G"), []byte("foo.bar.baz"), []byte("_INBOX.abc"), nil, len(headers), msg))
}

func BenchmarkRouteParseRSPlus(b *testing.B) {
	benchRouteParse(b, AppendRSPlus(nil, []byte("$G"), []byte("foo.bar.>"), []byte("workers"), 3))
}

func BenchmarkAppendRMsg(b *testing.B) {
	account, subject, reply := []byte("$G"), []byte("foo.bar.baz"), []byte("_INBOX.abc")
	queues := [][]byte{[]byte("workers")}
	payload := bytes.Repeat([]byte("x"), 128)
	dst := make([]byte, 0, 512)
	b.SetBytes(int64(len(AppendRMsg(nil, account, subject, reply, queues, payload))))
	b.ReportAllocs()
	for b.Loop() {
		dst = AppendRMsg(dst[:0], account, subject, reply, queues, payload)
	}
}
