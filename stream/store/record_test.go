package store

import (
	"bytes"
	"errors"
	"testing"
)

func TestRecordRoundTrip(t *testing.T) {
	hdr := []byte("NATS/1.0\r\nA: 1\r\n\r\n")
	b := appendRecord(nil, recMsg, 42, 1e18, 5, "orders.new", hdr, []byte("payload"))
	r, n, err := decodeRecord(b)
	if err != nil || n != len(b) {
		t.Fatalf("decodeRecord = %d, %v", n, err)
	}
	if r.typ != recMsg || r.seq != 42 || r.time != 1e18 || r.ttl != 5 || string(r.subject) != "orders.new" ||
		!bytes.Equal(r.hdr, hdr) || string(r.data) != "payload" {
		t.Fatalf("decoded %+v", r)
	}
	if _, _, err := decodeRecord(b[:len(b)-1]); !errors.Is(err, errShort) {
		t.Fatalf("a cut record: %v, want errShort", err)
	}
	b[len(b)-1] ^= 1
	if _, _, err := decodeRecord(b); !errors.Is(err, errFrame) {
		t.Fatalf("a flipped bit: %v, want errFrame", err)
	}
}

// FuzzDecodeRecord: the decoder never panics on any bytes, and a record it accepts re-encodes to exactly
// the bytes it came from.
func FuzzDecodeRecord(f *testing.F) {
	f.Add(appendRecord(nil, recMsg, 1, 1, 0, "a", nil, []byte("x")))
	f.Add(appendRecord(nil, recMsg, 7, 9, -1, "a.b.c", []byte("NATS/1.0\r\n\r\n"), nil))
	f.Add(appendRecord(nil, recTomb, 3, 50, 40, "a", nil, nil))
	f.Add(appendRecord(nil, recMark, 10, 5, 11, "", nil, nil))
	f.Add(appendRecord(nil, recErased, 2, 1, 0, "z", []byte{0, 0}, []byte{0}))
	f.Add([]byte{})
	f.Add([]byte("\x00\x00\x00\x00\xff\xff\xff\x7f\xa1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, n, err := decodeRecord(b)
		if err != nil {
			return
		}
		if n < recHeaderLen || n > len(b) {
			t.Fatalf("accepted length %d of %d bytes", n, len(b))
		}
		if again := r.appendTo(nil); !bytes.Equal(again, b[:n]) {
			t.Fatalf("re-encoded differently:\n%x\n%x", again, b[:n])
		}
		resync(b, 0) // never panics either
	})
}
