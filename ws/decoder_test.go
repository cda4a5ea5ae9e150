package ws

import (
	"bytes"
	"strings"
	"testing"
	"unsafe"
)

// Every case runs whole, split at every byte, bytewise and in random chunks (checkSplits): the result
// must be the same, and must be want.
func TestDecodeTable(t *testing.T) {
	deflate := Options{Compression: true}
	unmasked := Options{Unmasked: true}
	big := strings.Repeat("x", 70000)
	mid := strings.Repeat("y", 300)
	hello := []rec{{kind: Data, data: "hello", final: true}}
	unmaskedFrame := func(b0, b1 byte, rest ...byte) []byte { return append([]byte{b0, b1}, rest...) }

	cases := []struct {
		name   string
		opts   Options
		stream []byte
		want   []rec
	}{
		// Lengths: 7-bit, 16-bit, 64-bit.
		{"binary 7-bit length", Options{}, cf(OpBinary, true, "hello"), hello},
		{"binary 16-bit length", Options{}, cf(OpBinary, true, mid), []rec{{kind: Data, data: mid, final: true}}},
		{"binary 64-bit length", Options{}, cf(OpBinary, true, big), []rec{{kind: Data, data: big, final: true}}},
		{"empty binary", Options{}, cf(OpBinary, true, ""), []rec{{kind: Data, final: true}}},
		{"text", Options{}, cf(OpText, true, "héllo"), []rec{{kind: Data, data: "héllo", text: true, final: true}}},
		{"two messages", Options{}, cat(cf(OpBinary, true, "a"), cf(OpText, true, "b")),
			[]rec{{kind: Data, data: "a", final: true}, {kind: Data, data: "b", text: true, final: true}}},

		// Fragmentation, with control frames in between.
		{"fragmented", Options{}, cat(cf(OpBinary, false, "hel"), cf(OpContinuation, false, ""), cf(OpContinuation, true, "lo")), hello},
		{"ping inside a fragmented message", Options{}, cat(cf(OpBinary, false, "hel"), cf(OpPing, true, "p"), cf(OpContinuation, true, "lo")),
			[]rec{{kind: Data, data: "hel"}, {kind: Ping, data: "p"}, {kind: Data, data: "lo", final: true}}},
		{"pong and close inside", Options{}, cat(cf(OpText, false, "a"), cf(OpPong, true, ""), cf(OpClose, true, closePayload(1000, "bye"))),
			[]rec{{kind: Data, data: "a", text: true}, {kind: Pong}, {kind: Close, code: 1000, data: "bye"}}},
		{"new message before final", Options{}, cat(cf(OpBinary, false, "a"), cf(OpBinary, true, "b")),
			[]rec{{kind: Data, data: "a"}, {err: ErrMessageNotFinished.Reason, code: 1002}}},
		{"continuation without a message", Options{}, cf(OpContinuation, true, "a"),
			[]rec{{err: ErrInvalidContinuation.Reason, code: 1002}}},
		{"continuation after a final frame", Options{}, cat(cf(OpBinary, true, "a"), cf(OpContinuation, true, "b")),
			[]rec{{kind: Data, data: "a", final: true}, {err: ErrInvalidContinuation.Reason, code: 1002}}},

		// Control frames.
		{"ping", Options{}, cf(OpPing, true, "hello"), []rec{{kind: Ping, data: "hello"}}},
		{"empty ping", Options{}, cf(OpPing, true, ""), []rec{{kind: Ping}}},
		{"ping of 125", Options{}, cf(OpPing, true, strings.Repeat("p", 125)), []rec{{kind: Ping, data: strings.Repeat("p", 125)}}},
		{"ping of 126", Options{}, cf(OpPing, true, strings.Repeat("p", 126)), []rec{{err: ErrControlTooBig.Reason, code: 1002}}},
		{"fragmented ping", Options{}, cf(OpPing, false, "p"), []rec{{err: ErrControlFragmented.Reason, code: 1002}}},
		{"compressed ping", deflate, AppendMaskedFrame(nil, OpPing, true, true, testKey, nil),
			[]rec{{err: ErrControlCompressed.Reason, code: 1002}}},
		{"close without code", Options{}, cf(OpClose, true, ""), []rec{{kind: Close, code: CloseNoStatus}}},
		{"close with code", Options{}, cf(OpClose, true, closePayload(1001, "")), []rec{{kind: Close, code: 1001}}},
		{"close 3000 and 4999", Options{}, cf(OpClose, true, closePayload(4999, "x")), []rec{{kind: Close, code: 4999, data: "x"}}},
		{"close of 1 byte", Options{}, cf(OpClose, true, "\x03"), []rec{{err: ErrCloseOneByte.Reason, code: 1002}}},
		{"close 1005", Options{}, cf(OpClose, true, closePayload(1005, "")), []rec{{err: "invalid close status code 1005", code: 1002}}},
		{"close 1006", Options{}, cf(OpClose, true, closePayload(1006, "")), []rec{{err: "invalid close status code 1006", code: 1002}}},
		{"close 999", Options{}, cf(OpClose, true, closePayload(999, "")), []rec{{err: "invalid close status code 999", code: 1002}}},
		{"close 2000", Options{}, cf(OpClose, true, closePayload(2000, "")), []rec{{err: "invalid close status code 2000", code: 1002}}},
		{"close 5000", Options{}, cf(OpClose, true, closePayload(5000, "")), []rec{{err: "invalid close status code 5000", code: 1002}}},
		{"close with bad utf8", Options{}, cf(OpClose, true, closePayload(1000, "\xff")), []rec{{err: ErrInvalidCloseReason.Reason, code: 1007}}},
		{"input after close is discarded", Options{}, cat(cf(OpClose, true, ""), cf(OpBinary, true, "x"), []byte{0xff, 0xff}),
			[]rec{{kind: Close, code: CloseNoStatus}}},

		// Header bits.
		{"RSV2", Options{}, unmaskedFrame(0x80|0x20|2, 0x80, 1, 2, 3, 4), []rec{{err: ErrRSV23.Reason, code: 1002}}},
		{"RSV3", Options{}, unmaskedFrame(0x80|0x10|2, 0x80, 1, 2, 3, 4), []rec{{err: ErrRSV23.Reason, code: 1002}}},
		{"RSV1 without deflate", Options{}, cfc(OpBinary, true, []byte("x")), []rec{{err: ErrRSV1WithoutDeflate.Reason, code: 1002}}},
		{"RSV1 on a continuation", deflate, cat(cfc(OpBinary, false, []byte{0}), cfc(OpContinuation, true, nil)),
			[]rec{{err: ErrInvalidContinuation.Reason, code: 1002}}},
		{"unmasked from a client", Options{}, AppendBinary(nil, []byte("x")), []rec{{err: ErrMaskMissing.Reason, code: 1002}}},
		{"unmasked allowed", unmasked, AppendBinary(nil, []byte("hello")), hello},
		{"masked still unmasked when allowed", unmasked, cf(OpBinary, true, "hello"), hello},
		{"reserved opcode 3", Options{}, cf(3, true, "x"), []rec{{err: "unknown opcode 3", code: 1002}}},
		{"reserved opcode 7", Options{}, cf(7, true, "x"), []rec{{err: "unknown opcode 7", code: 1002}}},
		{"reserved opcode 11", Options{}, cf(11, true, ""), []rec{{err: "unknown opcode 11", code: 1002}}},
		{"reserved opcode 15", Options{}, cf(15, true, ""), []rec{{err: "unknown opcode 15", code: 1002}}},
		{"64-bit length with top bit", Options{}, unmaskedFrame(0x82, 0x80|127, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4),
			[]rec{{err: ErrInvalidLength.Reason, code: 1002}}},
		{"truncated header is not an error", Options{}, cf(OpBinary, true, big)[:5], nil},
		{"truncated payload delivers what came", Options{}, cf(OpBinary, true, "hello")[:2+4+3], []rec{{kind: Data, data: "hel"}}},

		// Limits.
		{"frame at MaxFrame", Options{Limits: Limits{MaxFrame: 5}}, cf(OpBinary, true, "hello"), hello},
		{"frame above MaxFrame", Options{Limits: Limits{MaxFrame: 4}}, cf(OpBinary, true, "hello"), []rec{{err: ErrTooBig.Reason, code: 1009}}},
		{"message above MaxMessage", Options{Limits: Limits{MaxMessage: 4}},
			cat(cf(OpBinary, false, "hel"), cf(OpContinuation, true, "lo")),
			[]rec{{kind: Data, data: "hel"}, {err: ErrTooBig.Reason, code: 1009}}},
		{"messages each at MaxMessage", Options{Limits: Limits{MaxMessage: 5}}, cat(cf(OpBinary, true, "hello"), cf(OpBinary, true, "hello")),
			[]rec{hello[0], hello[0]}},

		// UTF-8 in text messages.
		{"text cut inside a character", Options{}, cat(cf(OpText, false, "h\xc3"), cf(OpContinuation, true, "\xa9!")),
			[]rec{{kind: Data, data: "h\xc3\xa9!", text: true, final: true}}},
		{"invalid text", Options{}, cf(OpText, true, "ab\xffcd"), []rec{{kind: Data, data: "ab", text: true}, {err: ErrInvalidText.Reason, code: 1007}}},
		{"invalid text at start", Options{}, cf(OpText, true, "\xffcd"), []rec{{err: ErrInvalidText.Reason, code: 1007}}},
		{"text ending inside a character", Options{}, cf(OpText, true, "ab\xe2\x82"),
			[]rec{{kind: Data, data: "ab\xe2\x82", text: true}, {err: ErrInvalidText.Reason, code: 1007}}},
		{"surrogate", Options{}, cf(OpText, true, "a\xed\xa0\x80"), []rec{{kind: Data, data: "a\xed", text: true}, {err: ErrInvalidText.Reason, code: 1007}}},
		{"overlong", Options{}, cf(OpText, true, "\xc0\xaf"), []rec{{err: ErrInvalidText.Reason, code: 1007}}},
		{"invalid text skipped", Options{SkipUTF8: true}, cf(OpText, true, "ab\xffcd"), []rec{{kind: Data, data: "ab\xffcd", text: true, final: true}}},
		{"binary is not checked", Options{}, cf(OpBinary, true, "ab\xffcd"), []rec{{kind: Data, data: "ab\xffcd", final: true}}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := checkSplits(t, c.opts, c.stream, uint64(i))
			if recsString(got) != recsString(c.want) {
				t.Fatalf("got:\n%s\nwant:\n%s", recsString(got), recsString(c.want))
			}
		})
	}
}

// A data frame is delivered as it arrives: a 1 MiB frame fed in 4 KiB reads comes out in 4 KiB pieces,
// each a slice of the read it came in, and the Decoder holds nothing of it.
func TestDecodeStreamsPayload(t *testing.T) {
	payload := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
	stream := AppendMaskedFrame(nil, OpBinary, true, false, testKey, payload)
	var d Decoder
	var got []byte
	pieces := 0
	for off := 0; off < len(stream); off += 4096 {
		in := stream[off:min(off+4096, len(stream))]
		for {
			ev, n, err := d.Next(in)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Kind == None {
				break
			}
			if &ev.Payload[0] != &in[n-len(ev.Payload)] {
				t.Fatalf("payload is not a slice of the input")
			}
			pieces++
			got = append(got, ev.Payload...)
			in = in[n:]
		}
		if d.Held() != 0 {
			t.Fatalf("decoder holds %d bytes", d.Held())
		}
	}
	if !bytes.Equal(got, payload) || pieces < len(payload)/4096 {
		t.Fatalf("got %d bytes in %d pieces", len(got), pieces)
	}
}

// A control frame that arrives whole is reported in place; one that is cut is gathered, and the pooled
// buffer is given back after.
func TestDecodeControlSplit(t *testing.T) {
	frame := cf(OpPing, true, "0123456789")
	var d Decoder
	ev, n, err := d.Next(bytes.Clone(frame[:9]))
	if err != nil || ev.Kind != None || n != 9 || d.ctl == nil {
		t.Fatalf("first half: %+v %d %v ctl=%v", ev, n, err, d.ctl != nil)
	}
	ev, n, err = d.Next(bytes.Clone(frame[9:]))
	if err != nil || ev.Kind != Ping || string(ev.Payload) != "0123456789" || n != len(frame)-9 {
		t.Fatalf("second half: %+v %d %v", ev, n, err)
	}
	if ev, _, _ = d.Next(nil); ev.Kind != None || d.ctl != nil {
		t.Fatalf("control buffer kept after use")
	}
}

// Next unmasks only the bytes it reports consumed.
func TestDecodeMutatesOnlyConsumed(t *testing.T) {
	stream := cat(cf(OpBinary, true, "hello"), cf(OpBinary, true, "world"))
	in := bytes.Clone(stream)
	var d Decoder
	_, n, _ := d.Next(in)
	if !bytes.Equal(in[n:], stream[n:]) {
		t.Fatalf("bytes past n changed")
	}
}

// A Decoder is per-connection state kept for the connection's life: it stays small, and holds no buffer
// while idle.
func TestDecoderSize(t *testing.T) {
	if size := unsafe.Sizeof(Decoder{}); size > 128 {
		t.Fatalf("Decoder is %d bytes", size)
	}
	var d Decoder
	d.Reset(Options{Compression: true})
	in := cat(cfc(OpBinary, true, Deflate(nil, []byte("hello"))), cf(OpPing, true, "p"))
	for {
		ev, n, err := d.Next(in)
		if err != nil {
			t.Fatal(err)
		}
		in = in[n:]
		if ev.Kind == None {
			break
		}
	}
	if d.ctl != nil || d.inf != nil || d.Held() != 0 {
		t.Fatalf("idle decoder holds buffers")
	}
}
