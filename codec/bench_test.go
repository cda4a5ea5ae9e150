package codec

import (
	"bytes"
	"strconv"
	"testing"
)

// benchParse parses frame, one complete op, b.N times.
func benchParse(b *testing.B, frame []byte) {
	var p Parser
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		n, err := p.Next(frame)
		if n != len(frame) || err != nil {
			b.Fatalf("Next = %d, %v", n, err)
		}
	}
}

func BenchmarkParsePub(b *testing.B) {
	for _, size := range []int{16, 128} {
		b.Run(strconv.Itoa(size)+"B", func(b *testing.B) {
			benchParse(b, AppendPub(nil, []byte("foo.bar.baz"), []byte("_INBOX.abc"), bytes.Repeat([]byte("x"), size)))
		})
	}
}

func BenchmarkParseHPub(b *testing.B) {
	headers := []byte("NATS/1.0\r\nNats-Msg-Id: 1234\r\n\r\n")
	msg := append(bytes.Clone(headers), bytes.Repeat([]byte("x"), 128)...)
	benchParse(b, AppendHPub(nil, []byte("foo.bar.baz"), []byte("_INBOX.abc"), len(headers), msg))
}

func BenchmarkParseSub(b *testing.B) {
	benchParse(b, AppendSub(nil, []byte("foo.bar.>"), []byte("workers"), []byte("42")))
}

func BenchmarkAppendMsg(b *testing.B) {
	subject, sid, reply := []byte("foo.bar.baz"), []byte("42"), []byte("_INBOX.abc")
	payload := bytes.Repeat([]byte("x"), 128)
	dst := make([]byte, 0, 512)
	b.SetBytes(int64(len(AppendMsg(nil, subject, sid, reply, payload))))
	b.ReportAllocs()
	for b.Loop() {
		dst = AppendMsg(dst[:0], subject, sid, reply, payload)
	}
}
