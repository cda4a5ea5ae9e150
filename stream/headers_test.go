package stream

import "testing"

func TestParseHeaders(t *testing.T) {
	var h pubHeaders
	h.parse([]byte("NATS/1.0 503\r\nNats-Msg-Id:  a1 \r\nNats-Msg-Id: second\r\nnats-rollup: all\r\n" +
		"Nats-Expected-Last-Sequence:\r\nNats-TTL:\t5s\r\nbroken line\r\nNats-Expected-Stream: S\r\n\r\n"))
	if string(h.msgID) != "a1" || string(h.ttl) != "5s" || string(h.expStream) != "S" {
		t.Fatalf("id %q ttl %q stream %q", h.msgID, h.ttl, h.expStream)
	}
	if h.rollup != nil || h.expLastSeq != nil {
		t.Fatalf("rollup %q (name case differs), last seq %q (empty)", h.rollup, h.expLastSeq)
	}
	h.parse([]byte("NATS/1.0"))
	if h.msgID != nil {
		t.Fatal("status line only")
	}
	if v := headerValue([]byte("NATS/1.0\r\nA: \r\nA: 2\r\nKV-Operation: PURGE\r\n\r\n"), "A"); string(v) != "2" {
		t.Fatalf("headerValue A = %q, want the first non-empty one", v)
	}
}

// Reading a publish's headers is on every stored message's path: it allocates nothing.
func TestParseHeadersAllocatesNothing(t *testing.T) {
	hdr := []byte("NATS/1.0\r\nNats-Msg-Id: a1\r\nNats-TTL: 5s\r\nNats-Expected-Stream: S\r\n\r\n")
	var h pubHeaders
	if n := testing.AllocsPerRun(100, func() { h.parse(hdr); _ = headerValue(hdr, hdrTTL) }); n != 0 {
		t.Fatalf("%v allocations per parse", n)
	}
}

func TestParseTTL(t *testing.T) {
	// The values nats-server 2.15.2 accepts and refuses (see the scenarios in publish_test.go).
	for v, want := range map[string]int64{"1s": 1, "5m": 300, "never": -1, "NEVER": -1, "10": 10, "1h2m": 3720, "1.5s": 1} {
		if got, ok := parseTTL([]byte(v)); !ok || got != want {
			t.Errorf("%q: %d, %v; want %d", v, got, ok, want)
		}
	}
	for _, v := range []string{"0", "-1", "abc", "500ms", "0s", "-5s", "1S", "nev"} {
		if got, ok := parseTTL([]byte(v)); ok {
			t.Errorf("%q accepted as %d", v, got)
		}
	}
}

func TestParseSeq(t *testing.T) {
	for v, want := range map[string]uint64{"0": 0, "7": 7, "18446744073709551615": 1<<64 - 1} {
		if got, ok := parseSeq([]byte(v)); !ok || got != want {
			t.Errorf("%q: %d, %v", v, got, ok)
		}
	}
	for _, v := range []string{"", "-1", "abc", "1 2", "+3", "18446744073709551616", "99999999999999999999"} {
		if _, ok := parseSeq([]byte(v)); ok {
			t.Errorf("%q accepted", v)
		}
	}
}
