package ws

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// rec is one thing a decode produced, normalized so that runs over differently split input compare
// equal: data is merged until its message ends or something else (a control frame, an error, the end of
// the input) comes between.
type rec struct {
	kind  Kind
	data  string
	text  bool
	final bool
	code  uint16
	err   string
}

func (r rec) String() string {
	switch {
	case r.err != "":
		return fmt.Sprintf("error %d %q", r.code, r.err)
	case r.kind == Data:
		return fmt.Sprintf("data text=%v final=%v %q", r.text, r.final, r.data)
	case r.kind == Close:
		return fmt.Sprintf("close %d %q", r.code, r.data)
	}
	return fmt.Sprintf("kind %d %q", r.kind, r.data)
}

func recsString(rs []rec) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// decodeChunks feeds chunks to a fresh Decoder, one Next loop per chunk as an event loop would, checking
// the contract of every call, and returns what it found. Chunks are copied first: Next unmasks in place.
func decodeChunks(t testing.TB, opts Options, chunks [][]byte) []rec {
	t.Helper()
	var d Decoder
	d.Reset(opts)
	defer d.Release()
	var out []rec
	var cur []byte
	var curText bool
	flush := func(final bool) {
		if len(cur) > 0 || final {
			out = append(out, rec{kind: Data, data: string(cur), text: curText, final: final})
		}
		cur = cur[:0]
	}
	for _, c := range chunks {
		in := bytes.Clone(c)
		for calls := 0; ; calls++ {
			if calls > len(in)+1<<20 {
				t.Fatalf("Next loops without consuming")
			}
			ev, n, err := d.Next(in)
			if n < 0 || n > len(in) {
				t.Fatalf("Next consumed %d of %d bytes", n, len(in))
			}
			in = in[n:]
			if err != nil {
				var e *Error
				if ok := asError(err, &e); !ok {
					t.Fatalf("error %v is not an *Error", err)
				}
				flush(false)
				out = append(out, rec{err: e.Reason, code: e.Code})
				// The error is sticky.
				if _, n2, err2 := d.Next(in); err2 != err || n2 != 0 {
					t.Fatalf("after %v, Next returned (%d, %v)", err, n2, err2)
				}
				return out
			}
			switch ev.Kind {
			case None:
				if len(in) != 0 && d.state != stClosed {
					t.Fatalf("None with %d bytes left", len(in))
				}
			case Data:
				if len(ev.Payload) == 0 && !ev.Final {
					t.Fatalf("empty non-final data event")
				}
				curText = ev.Text
				cur = append(cur, ev.Payload...)
				if ev.Final {
					flush(true)
				}
			case Ping, Pong, Close:
				if len(ev.Payload) > MaxControlPayload {
					t.Fatalf("control payload of %d bytes", len(ev.Payload))
				}
				flush(false)
				out = append(out, rec{kind: ev.Kind, data: string(ev.Payload), code: ev.Code})
			default:
				t.Fatalf("unknown kind %d", ev.Kind)
			}
			if held := d.Held(); held > MaxHeaderLen+MaxControlPayload+int(opts.Limits.maxCompressed())+len(deflateTail) {
				t.Fatalf("decoder holds %d bytes", held)
			}
			if ev.Kind == None {
				break
			}
		}
	}
	flush(false)
	return out
}

func asError(err error, e **Error) bool {
	x, ok := err.(*Error)
	*e = x
	return ok
}

// whole, bytewise and randomly split views of one stream.
func whole(b []byte) [][]byte { return [][]byte{b} }

func bytewise(b []byte) [][]byte {
	out := make([][]byte, len(b))
	for i := range b {
		out[i] = b[i : i+1]
	}
	return out
}

func splitAt(b []byte, i int) [][]byte { return [][]byte{b[:i], b[i:]} }

func randomChunks(r *rand.Rand, b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		n := 1 + r.IntN(min(len(b), 1+r.IntN(64)))
		if r.IntN(8) == 0 {
			n = 0 // empty reads happen too
		}
		out = append(out, b[:n])
		b = b[n:]
	}
	return out
}

// checkSplits decodes stream whole, split at every byte, a byte at a time and in random chunks, and
// fails unless every run agrees. It returns the whole run's result. Long streams are split at 30
// random points instead of every byte, and skip the bytewise run above 4 KiB; random chunks of 0-64
// bytes still cut them everywhere that matters (headers, mask keys, characters).
func checkSplits(t testing.TB, opts Options, stream []byte, seed uint64) []rec {
	t.Helper()
	want := decodeChunks(t, opts, whole(stream))
	try := func(how string, chunks [][]byte) {
		t.Helper()
		if got := decodeChunks(t, opts, chunks); !slices.Equal(got, want) {
			t.Fatalf("%s:\n%.3000s\nwhole:\n%.3000s", how, recsString(got), recsString(want))
		}
	}
	r := rand.New(rand.NewPCG(seed, 7))
	if len(stream) <= 1024 {
		for i := 0; i <= len(stream); i++ {
			try(fmt.Sprintf("split at %d", i), splitAt(stream, i))
		}
	} else {
		for range 30 {
			i := r.IntN(len(stream) + 1)
			try(fmt.Sprintf("split at %d", i), splitAt(stream, i))
		}
	}
	if len(stream) <= 4<<10 {
		try("bytewise", bytewise(stream))
	}
	for range 10 {
		try("random chunks", randomChunks(r, stream))
	}
	return want
}

var testKey = [4]byte{0x37, 0xfa, 0x21, 0x3d}

// cf is a client frame (masked with testKey).
func cf(op Opcode, fin bool, payload string) []byte {
	return AppendMaskedFrame(nil, op, fin, false, testKey, []byte(payload))
}

// cfc is a client frame with RSV1 set (a compressed message's first frame).
func cfc(op Opcode, fin bool, payload []byte) []byte {
	return AppendMaskedFrame(nil, op, fin, true, testKey, payload)
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func closePayload(code uint16, reason string) string {
	return string([]byte{byte(code >> 8), byte(code)}) + reason
}
