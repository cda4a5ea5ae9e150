package ws

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
	"time"
)

// fuzzOptions derives decoder options from a fuzzed byte: compression, unmasked frames and the UTF-8
// check each on or off, and small limits so that fuzz-sized inputs reach them.
func fuzzOptions(flags uint8) Options {
	return Options{
		Compression: flags&1 != 0,
		Unmasked:    flags&2 != 0,
		SkipUTF8:    flags&4 != 0,
		Limits: Limits{
			MaxFrame:      uint64(flags>>3&3) * 200, // 0 (none), 200, 400, 600
			MaxMessage:    uint64(flags>>5&1) * 1000,
			MaxCompressed: 2048,
			MaxInflated:   4096,
		},
	}
}

// FuzzDecode checks, for any input, that Next never panics, never claims more bytes than it was given,
// keeps its contract on every call and holds a bounded number of bytes (decodeChunks checks these), and
// that decoding the input whole, a byte at a time and in random chunks gives the same result.
//
// Seeds: the f.Add calls below and testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	k := testKey
	deflated := Deflate(nil, []byte("PUB foo 5\r\nhello\r\nPING\r\n"))
	for _, seed := range []struct {
		b     []byte
		flags uint8
	}{
		{cf(OpBinary, true, "CONNECT {}\r\nPING\r\n"), 0},
		{cat(cf(OpText, false, "h\xc3"), cf(OpPing, true, "p"), cf(OpContinuation, true, "\xa9")), 0},
		{cat(AppendMaskedFrame(nil, OpBinary, false, true, k, deflated[:5]), cf(OpContinuation, true, string(deflated[5:]))), 1},
		{cat(cf(OpBinary, true, string(make([]byte, 300))), cf(OpClose, true, closePayload(1000, "bye"))), 8},
		{AppendCompressed(nil, OpText, []byte("héllo héllo héllo héllo"), 8), 3},
		{cf(OpClose, true, "\x03"), 0},
		{[]byte{0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4}, 0},
	} {
		f.Add(seed.b, seed.flags)
	}
	f.Fuzz(func(t *testing.T, input []byte, flags uint8) {
		opts := fuzzOptions(flags)
		want := decodeChunks(t, opts, whole(input))
		try := func(how string, chunks [][]byte) {
			if got := decodeChunks(t, opts, chunks); !sameRecs(got, want) {
				t.Fatalf("%s:\n%.2000s\nwhole:\n%.2000s", how, recsString(got), recsString(want))
			}
		}
		if len(input) <= 2048 {
			try("bytewise", bytewise(input))
		}
		r := rand.New(rand.NewPCG(uint64(len(input)), uint64(flags)))
		try("random chunks", randomChunks(r, input))
		try("split in two", splitAt(input, r.IntN(len(input)+1)))
	})
}

func sameRecs(a, b []rec) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzUpgrade checks that Upgrade never panics, appends nothing while it needs more, never consumes more
// than it was given, and that a request head cut short needs more bytes.
func FuzzUpgrade(f *testing.F) {
	for _, c := range handshakeCases() {
		f.Add(c.req)
	}
	u, _ := NewUpgrader(UpgraderConfig{Compression: true, SameOrigin: true, MaxRequestBytes: 1024, JWTCookie: "jwt"})
	f.Fuzz(func(t *testing.T, in []byte) {
		out, h := u.Upgrade(nil, in, time.Time{})
		switch h.Status {
		case NeedMore:
			if len(out) != 0 || len(in) > 1024 {
				t.Fatalf("need more with %d bytes out, %d in", len(out), len(in))
			}
		case Upgraded:
			if h.N != len(in) || h.Err != nil {
				t.Fatalf("upgraded: %+v", h)
			}
		case Refused:
			if h.Err == nil || h.N > len(in) || !h.Close && h.N == 0 {
				t.Fatalf("refused: %+v", h)
			}
		}
		if n := httpHeadLen(in); n > 0 {
			// Without the head's last byte, it needs more.
			if out, h2 := u.Upgrade(nil, in[:n-1], time.Time{}); n-1 <= 1024 && (h2.Status != NeedMore || len(out) != 0) {
				t.Fatalf("a cut head: %+v", h2)
			}
		}
	})
}

// FuzzReadRequest holds readRequest to net/http, which nats-server reads requests with: for any complete
// head, readRequest refuses it exactly when http.ReadRequest fails or net/http's server would refuse
// what it read (conn.readRequest), with the same status. Heads with folded lines are left out: folding is
// a documented deviation.
func FuzzReadRequest(f *testing.F) {
	for _, c := range handshakeCases() {
		f.Add(c.req)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		n := httpHeadLen(in)
		if n == 0 || bytes.Contains(in[:n], []byte("\n ")) || bytes.Contains(in[:n], []byte("\n\t")) {
			return
		}
		head := in[:n]
		_, ours := readRequest(head)
		theirs := netHTTPStatus(head)
		got := 0
		if ours != nil {
			got = ours.status
		}
		if got != theirs {
			t.Fatalf("%q: readRequest says %d (%v), net/http %d", head, got, ours, theirs)
		}
	})
}

// netHTTPStatus is the status net/http's server answers a request head with before any handler runs, or
// 0 when it would hand the request to the handler.
func netHTTPStatus(head []byte) int {
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(head)))
	if err != nil {
		if strings.Contains(err.Error(), "transfer encoding") {
			return http.StatusNotImplemented
		}
		return http.StatusBadRequest
	}
	if req.ProtoMajor != 1 {
		return http.StatusHTTPVersionNotSupported
	}
	// ReadRequest drops the Host header, which the server looks at: read the header again.
	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(head)))
	_, _ = tp.ReadLine()
	mime, _ := tp.ReadMIMEHeader()
	hosts, haveHost := mime["Host"]
	if req.ProtoAtLeast(1, 1) && (!haveHost || len(hosts) == 0) && req.Method != "CONNECT" {
		return http.StatusBadRequest
	}
	if len(hosts) == 1 && strings.IndexFunc(hosts[0], func(r rune) bool { return !strings.ContainsRune(hostChars, r) }) >= 0 {
		return http.StatusBadRequest
	}
	for k, vv := range req.Header {
		if k == "" || strings.IndexFunc(k, func(r rune) bool { return !strings.ContainsRune(tokenChars, r) }) >= 0 {
			return http.StatusBadRequest
		}
		for _, v := range vv {
			if strings.IndexFunc(v, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) >= 0 {
				return http.StatusBadRequest
			}
		}
	}
	return 0
}

// The characters golang.org/x/net/http/httpguts allows in a Host header and in a header name (a token),
// transcribed from it rather than shared with the code under test.
const (
	alnum      = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	hostChars  = alnum + "!$%&()*+,-.:;=[]_~'"
	tokenChars = alnum + "!#$%&'*+-.^_`|~"
)
