package codec

import (
	"bytes"
	"testing"
)

// TestEncode pins every encoder's exact output.
func TestEncode(t *testing.T) {
	payload := []byte("hello")
	msg := []byte("NATS/1.0\r\n\r\nhi")
	cases := []struct {
		name string
		got  []byte
		want string
	}{
		{"msg", AppendMsg(nil, []byte("foo"), []byte("1"), nil, payload), "MSG foo 1 5\r\nhello\r\n"},
		{"msg reply", AppendMsg(nil, []byte("foo"), []byte("1"), []byte("_INBOX.x"), payload), "MSG foo 1 _INBOX.x 5\r\nhello\r\n"},
		{"msg empty reply", AppendMsg(nil, []byte("foo"), []byte("1"), []byte{}, nil), "MSG foo 1 0\r\n\r\n"},
		{"msg appends", AppendMsg([]byte("PONG\r\n"), []byte("a"), []byte("2"), nil, []byte("x")), "PONG\r\nMSG a 2 1\r\nx\r\n"},
		{"hmsg", AppendHMsg(nil, []byte("foo"), []byte("1"), nil, 12, msg), "HMSG foo 1 12 14\r\nNATS/1.0\r\n\r\nhi\r\n"},
		{"hmsg reply", AppendHMsg(nil, []byte("foo"), []byte("1"), []byte("r"), 12, msg), "HMSG foo 1 r 12 14\r\nNATS/1.0\r\n\r\nhi\r\n"},
		{"msg header", AppendMsgHeader(nil, []byte("foo"), []byte("9"), []byte("r"), 1048576), "MSG foo 9 r 1048576\r\n"},
		{"hmsg header", AppendHMsgHeader(nil, []byte("foo"), []byte("9"), nil, 30, 100), "HMSG foo 9 30 100\r\n"},
		{"err", AppendErr(nil, "Invalid Subject"), "-ERR 'Invalid Subject'\r\n"},
		{"info", AppendInfo(nil, []byte(`{"server_id":"x"}`)), "INFO {\"server_id\":\"x\"} \r\n"},
		{"pub", AppendPub(nil, []byte("foo"), nil, payload), "PUB foo 5\r\nhello\r\n"},
		{"pub reply", AppendPub(nil, []byte("foo"), []byte("r"), payload), "PUB foo r 5\r\nhello\r\n"},
		{"hpub", AppendHPub(nil, []byte("foo"), nil, 12, msg), "HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n"},
		{"hpub reply", AppendHPub(nil, []byte("foo"), []byte("r"), 12, msg), "HPUB foo r 12 14\r\nNATS/1.0\r\n\r\nhi\r\n"},
		{"sub", AppendSub(nil, []byte("foo"), nil, []byte("1")), "SUB foo 1\r\n"},
		{"sub queue", AppendSub(nil, []byte("foo"), []byte("q"), []byte("1")), "SUB foo q 1\r\n"},
		{"unsub", AppendUnsub(nil, []byte("1"), 0), "UNSUB 1\r\n"},
		{"unsub max", AppendUnsub(nil, []byte("1"), 10), "UNSUB 1 10\r\n"},
		{"ok", OK, "+OK\r\n"},
		{"ping", PING, "PING\r\n"},
		{"pong", PONG, "PONG\r\n"},
	}
	for _, tc := range cases {
		if string(tc.got) != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

// TestMsgHeaderMatchesMsg: writing the header line and then payload+CRLF
// (the writev path) produces the same bytes as AppendMsg.
func TestMsgHeaderMatchesMsg(t *testing.T) {
	subject, sid, reply := []byte("a.b"), []byte("7"), []byte("r")
	payload := bytes.Repeat([]byte("z"), 1000)
	split := append(AppendMsgHeader(nil, subject, sid, reply, len(payload)), payload...)
	split = append(split, "\r\n"...)
	if !bytes.Equal(split, AppendMsg(nil, subject, sid, reply, payload)) {
		t.Fatal("AppendMsgHeader + payload differs from AppendMsg")
	}
	hsplit := append(AppendHMsgHeader(nil, subject, sid, reply, 10, len(payload)), payload...)
	hsplit = append(hsplit, "\r\n"...)
	if !bytes.Equal(hsplit, AppendHMsg(nil, subject, sid, reply, 10, payload)) {
		t.Fatal("AppendHMsgHeader + payload differs from AppendHMsg")
	}
}

// TestEncodeAllocatesNothing: with room in dst, encoding is allocation-free.
func TestEncodeAllocatesNothing(t *testing.T) {
	dst := make([]byte, 0, 4096)
	subject, sid, reply, payload := []byte("foo.bar"), []byte("1"), []byte("_INBOX.1"), make([]byte, 128)
	allocs := testing.AllocsPerRun(100, func() {
		out := AppendMsg(dst[:0], subject, sid, reply, payload)
		out = AppendHMsg(out, subject, sid, reply, 12, payload)
		out = AppendErr(out, ErrMaxPayload.Text)
		_ = AppendInfo(out, payload)
	})
	if allocs != 0 {
		t.Fatalf("%v allocs, want 0", allocs)
	}
}

func TestBufferPool(t *testing.T) {
	buf := GetBuffer()
	buf.B = AppendMsg(buf.B, []byte("a"), []byte("1"), nil, []byte("x"))
	if string(buf.B) != "MSG a 1 1\r\nx\r\n" {
		t.Fatalf("got %q", buf.B)
	}
	PutBuffer(buf)
	// Whatever the pool hands out next, reused or new, starts empty.
	if again := GetBuffer(); again.Len() != 0 {
		t.Fatalf("GetBuffer returned %d stale bytes", again.Len())
	}
}
