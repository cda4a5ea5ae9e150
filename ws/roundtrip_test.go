package ws

import (
	"bytes"
	"compress/flate"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// Server frames from the encoders read back through a Decoder as a client reads them (unmasked frames
// allowed, compression on), for sizes around every length-encoding boundary.
func TestRoundTripServerFrames(t *testing.T) {
	opts := Options{Unmasked: true, Compression: true}
	for _, size := range []int{0, 1, 125, 126, 127, 65535, 65536, 65537, 300000} {
		p := randomText(size)
		stream := AppendBinary(nil, p)
		stream = AppendCompressed(stream, OpBinary, p, 0)
		stream = AppendCompressed(stream, OpText, p, BrowserFrameSize)
		stream = AppendPing(stream, []byte("ping"))
		stream = AppendPong(stream, nil)
		stream = AppendClose(stream, CloseNormal, "bye")
		want := []rec{
			{kind: Data, data: string(p), final: true},
			{kind: Data, data: string(p), final: true},
			{kind: Data, data: string(p), text: true, final: true},
			{kind: Ping, data: "ping"},
			{kind: Pong},
			{kind: Close, code: CloseNormal, data: "bye"},
		}
		got := decodeChunks(t, opts, whole(stream))
		if recsString(got) != recsString(want) {
			t.Fatalf("size %d: got\n%.500s", size, recsString(got))
		}
		r := rand.New(rand.NewPCG(uint64(size), 1))
		if got := decodeChunks(t, opts, randomChunks(r, stream)); recsString(got) != recsString(want) {
			t.Fatalf("size %d in random chunks: got\n%.500s", size, recsString(got))
		}
	}
}

// Client frames (masked, fragmented, compressed, with control frames between fragments) read back
// through the server's Decoder, whole and split.
func TestRoundTripClientFrames(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 42))
	for i := range 12 {
		stream, want := randomClientStream(r, true)
		got := mergeMessages(checkSplits(t, Options{Compression: true}, stream, uint64(i)))
		if recsString(got) != recsString(want) {
			t.Fatalf("stream %d: got\n%.2000s\nwant\n%.2000s", i, recsString(got), recsString(want))
		}
	}
}

// randomClientStream builds a random sequence of client messages and the records decoding it must give,
// with each message whole (compare with mergeMessages: a decode delivers the part of a message before a
// control frame inside it separately).
func randomClientStream(r *rand.Rand, compress bool) ([]byte, []rec) {
	var stream []byte
	var want []rec
	key := func() [4]byte {
		var k [4]byte
		for i := range k {
			k[i] = byte(r.IntN(256))
		}
		return k
	}
	for range 1 + r.IntN(6) {
		if r.IntN(4) == 0 {
			p := randomText(r.IntN(20))
			stream = AppendMaskedFrame(stream, OpPing, true, false, key(), p)
			want = append(want, rec{kind: Ping, data: string(p)})
			continue
		}
		size := r.IntN(3000)
		if r.IntN(8) == 0 {
			size = 70000 + r.IntN(1000)
		}
		p := randomText(size)
		op := OpBinary
		if r.IntN(2) == 0 {
			op = OpText
		}
		body := p
		comp := compress && r.IntN(2) == 0
		if comp {
			body = Deflate(nil, p)
		}
		// Cut body into fragments, with a control frame between some.
		frags := 1 + r.IntN(4)
		for f := 0; f < frags; f++ {
			n := len(body)
			if f < frags-1 {
				n = r.IntN(len(body) + 1)
			}
			o := op
			if f > 0 {
				o = OpContinuation
			}
			stream = AppendMaskedFrame(stream, o, f == frags-1, comp && f == 0, key(), body[:n])
			body = body[n:]
			if f < frags-1 && r.IntN(3) == 0 {
				stream = AppendMaskedFrame(stream, OpPong, true, false, key(), []byte("x"))
				want = append(want, rec{kind: Pong, data: "x"})
			}
		}
		want = append(want, rec{kind: Data, text: op == OpText, data: string(p), final: true})
	}
	return stream, want
}

// mergeMessages concatenates the data records of each message, for comparisons that ignore where
// control frames fell inside a message.
func mergeMessages(rs []rec) []rec {
	var out []rec
	var cur []byte
	for _, r := range rs {
		switch {
		case r.kind == Data && r.err == "":
			cur = append(cur, r.data...)
			if r.final {
				out = append(out, rec{kind: Data, text: r.text, final: true, data: string(cur)})
				cur = cur[:0]
			}
		default:
			out = append(out, r)
		}
	}
	return out
}

func randomText(n int) []byte {
	// Compressible, valid UTF-8 text (so that it may go in text messages), with multi-byte characters
	// to be cut by fragment boundaries.
	words := []string{"PUB ", "foo.bar ", "héllo ", "wörld ", "€ ", "𝄞 ", "\r\n", "12345 "}
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString(words[(i*7+i/3)%len(words)])
	}
	s := b.String()
	for !utf8ValidPrefix(s, n) {
		n--
	}
	return []byte(s[:n])
}

func utf8ValidPrefix(s string, n int) bool {
	var st utf8State
	return st.scan([]byte(s[:n])) < 0 && st.complete()
}

// The compressed bytes AppendCompressed sends inflate (with the tail RFC 7692 has the receiver add) to
// the message, with any inflater: they are what a browser receives.
func TestAppendCompressedIsDeflate(t *testing.T) {
	p := randomText(100000)
	for _, maxFrame := range []int{0, 4096} {
		frames := AppendCompressed(nil, OpBinary, p, maxFrame)
		var body []byte
		first := true
		for len(frames) > 0 {
			var h frameHeader
			err := parseHeader(frames[:headerLen(frames[1])], &h)
			if err != nil {
				t.Fatal(err)
			}
			if h.rsv1 != first || (first && h.op != OpBinary) || (!first && h.op != OpContinuation) {
				t.Fatalf("maxFrame %d: frame header %+v", maxFrame, h)
			}
			if maxFrame > 0 && h.length > uint64(maxFrame) {
				t.Fatalf("frame of %d bytes", h.length)
			}
			frames = frames[headerLen(frames[1]):]
			body = append(body, frames[:h.length]...)
			frames = frames[h.length:]
			if h.fin != (len(frames) == 0) {
				t.Fatalf("fin on a frame that is not the last, or none on the last")
			}
			first = false
		}
		fr := flate.NewReader(io.MultiReader(bytes.NewReader(body), bytes.NewReader([]byte{0, 0, 0xff, 0xff})))
		got, err := io.ReadAll(io.LimitReader(fr, int64(len(p))))
		if err != nil || !bytes.Equal(got, p) {
			t.Fatalf("maxFrame %d: inflated %d bytes, %v", maxFrame, len(got), err)
		}
	}
	if got := Deflate(nil, nil); !bytes.Equal(got, []byte{0}) {
		t.Fatalf("empty message deflates to %x, want 00 (RFC 7692 §7.2.3.6)", got)
	}
}

// A compressed message is held until complete and bounded: above MaxCompressed as received, or
// inflating above MaxInflated, it fails with 1009; corrupt data fails with 1007.
func TestDecodeCompressedLimits(t *testing.T) {
	p := bytes.Repeat([]byte("a"), 10000) // deflates to a few dozen bytes
	body := Deflate(nil, p)
	stream := cfc(OpBinary, true, body)

	opts := Options{Compression: true, Limits: Limits{MaxInflated: 10000}}
	if got := checkSplits(t, opts, stream, 1); len(got) != 1 || got[0].data != string(p) {
		t.Fatalf("at the inflated limit: %s", recsString(got))
	}
	opts.Limits.MaxInflated = 9999
	got := checkSplits(t, opts, stream, 2)
	if last := got[len(got)-1]; last.code != CloseTooBig || len(mergeMessages(got[:len(got)-1])) > 1 {
		t.Fatalf("above the inflated limit: %s", recsString(got))
	}
	if delivered := len(got[0].data); delivered != 9999 {
		t.Fatalf("delivered %d bytes before the error, want the 9999 within the limit", delivered)
	}
	opts = Options{Compression: true, Limits: Limits{MaxCompressed: uint64(len(body)) - 1}}
	got = checkSplits(t, opts, stream, 3)
	if len(got) != 1 || got[0].code != CloseTooBig {
		t.Fatalf("above the compressed limit: %s", recsString(got))
	}
	got = checkSplits(t, Options{Compression: true}, cfc(OpBinary, true, []byte{0xff, 0xff, 0xff}), 4)
	if len(got) != 1 || got[0].code != CloseInvalidData || got[0].err != ErrInvalidCompressedData.Reason {
		t.Fatalf("corrupt data: %s", recsString(got))
	}
	// Invalid UTF-8 in a compressed text message is found after inflation.
	got = checkSplits(t, Options{Compression: true}, cfc(OpText, true, Deflate(nil, []byte("ok\xff"))), 5)
	if recsString(got) != recsString([]rec{{kind: Data, data: "ok", text: true}, {err: ErrInvalidText.Reason, code: 1007}}) {
		t.Fatalf("invalid compressed text: %s", recsString(got))
	}
}

// The default limits are nats-server's: compressed messages up to 8 × max_payload (at most 64 MiB) on
// the wire, inflating to max_payload.
func TestDefaultLimits(t *testing.T) {
	if l := DefaultLimits(0); l.MaxCompressed != 8<<20 || l.MaxInflated != 1<<20 || l.MaxFrame != 0 || l.MaxMessage != 0 {
		t.Fatalf("DefaultLimits(0) = %+v", l)
	}
	if l := DefaultLimits(16 << 20); l.MaxCompressed != 64<<20 || l.MaxInflated != 16<<20 {
		t.Fatalf("DefaultLimits(16 MiB) = %+v", l)
	}
}

// A compressed message inflating to several chunks comes out in chunks of at most 32 KiB, and the
// inflater goes back to the pool after the last.
func TestDecodeCompressedChunks(t *testing.T) {
	p := randomText(200000)
	in := cfc(OpBinary, true, Deflate(nil, p))
	var d Decoder
	d.Reset(Options{Compression: true})
	var got []byte
	for {
		ev, n, err := d.Next(in)
		if err != nil {
			t.Fatal(err)
		}
		in = in[n:]
		if ev.Kind == None {
			break
		}
		if len(ev.Payload) > inflateChunk {
			t.Fatalf("chunk of %d bytes", len(ev.Payload))
		}
		got = append(got, ev.Payload...)
	}
	if !bytes.Equal(got, p) {
		t.Fatalf("inflated %d bytes, want %d", len(got), len(p))
	}
	if d.inf != nil || d.Held() != 0 {
		t.Fatalf("inflater kept after the message")
	}
}

// AppendClose cuts a long reason as nats-server does, and answers a close without code with an empty one.
func TestAppendClose(t *testing.T) {
	if got := AppendClose(nil, CloseNoStatus, "ignored"); !bytes.Equal(got, []byte{0x88, 0}) {
		t.Fatalf("no status: %x", got)
	}
	long := strings.Repeat("r", 200)
	got := AppendClose(nil, CloseProtocolError, long)
	if len(got) != 2+MaxControlPayload || string(got[4:]) != long[:120]+"..." {
		t.Fatalf("long reason: %q", got)
	}
	if got := AppendPing(nil, []byte(long)); len(got) != 2+MaxControlPayload {
		t.Fatalf("long ping payload kept: %d", len(got))
	}
}
