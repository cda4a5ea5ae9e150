package ws

import (
	"strings"
	"testing"
	"time"
)

// The responses below are nats-server v2.15.2's, captured from the reference binary with raw sockets
// (reference_test.go replays many of these requests against it).

var testNow = time.Date(2026, 11, 25, 16, 46, 2, 0, time.UTC)

const testDate = "Wed, 25 Nov 2026 16:46:02 GMT"

// sampleKey is RFC 6455's example key; s3pPLMBiTxaQ9kYGzzhZRbK+xOo= is its accept value.
const sampleKey = "dGhlIHNhbXBsZSBub25jZQ=="

const accepted = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
	"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"

func refusal(status, text string) string {
	return "HTTP/1.1 " + status + " " + text + "\r\nContent-Type: text/plain; charset=utf-8\r\nSec-Websocket-Version: 13\r\n" +
		"X-Content-Type-Options: nosniff\r\nDate: " + testDate + "\r\nContent-Length: " + itoa(len(text)+1) + "\r\n\r\n" + text + "\n"
}

func serverError(line string) string {
	return "HTTP/1.1 " + line + "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n" + line
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// handshakeRequest builds a request like the probes did: each field optional (nil leaves the header
// out), extra lines appended.
type hreq struct {
	method, path, proto, host, upgrade, connection, key, version *string
	extra                                                        string
}

func s(v string) *string { return &v }

func (r hreq) bytes() []byte {
	or := func(p *string, d string) string {
		if p == nil {
			return d
		}
		return *p
	}
	b := or(r.method, "GET") + " " + or(r.path, "/") + " " + or(r.proto, "HTTP/1.1") + "\r\n"
	add := func(name string, p *string, d string) {
		if p == nil {
			b += name + ": " + d + "\r\n"
		} else if *p != "\x00" {
			b += name + ": " + *p + "\r\n"
		}
	}
	add("Host", r.host, "127.0.0.1:18080")
	add("Upgrade", r.upgrade, "websocket")
	add("Connection", r.connection, "Upgrade")
	add("Sec-WebSocket-Key", r.key, sampleKey)
	add("Sec-WebSocket-Version", r.version, "13")
	return []byte(b + r.extra + "\r\n")
}

// none leaves a header out.
var none = s("\x00")

type handshakeCase struct {
	name  string
	cfg   UpgraderConfig
	req   []byte
	resp  string
	close bool
	check func(t *testing.T, h Handshake)
}

func handshakeCases() []handshakeCase {
	compress := UpgraderConfig{Compression: true}
	same := UpgraderConfig{SameOrigin: true}
	allowed := UpgraderConfig{AllowedOrigins: []string{"http://example.com", "https://foo.com:8443"}}
	return []handshakeCase{
		{name: "accepted", req: hreq{}.bytes(), resp: accepted + "\r\n"},
		{name: "deflate offered, compression off", req: hreq{extra: "Sec-WebSocket-Extensions: permessage-deflate\r\n"}.bytes(), resp: accepted + "\r\n"},
		{name: "deflate negotiated", cfg: compress, req: hreq{extra: "Sec-WebSocket-Extensions: permessage-deflate\r\n"}.bytes(),
			resp: accepted + "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n\r\n",
			check: func(t *testing.T, h Handshake) {
				if !h.Compress || !h.DecoderOptions(Limits{}).Compression {
					t.Fatal("compression not negotiated")
				}
			}},
		{name: "deflate among other offers", cfg: compress,
			req:  hreq{extra: "Sec-WebSocket-Extensions: x-webkit-deflate-frame, permessage-deflate; client_max_window_bits\r\n"}.bytes(),
			resp: accepted + "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n\r\n"},
		{name: "no deflate offered", cfg: compress, req: hreq{}.bytes(), resp: accepted + "\r\n"},
		{name: "subprotocol offered, none spoken", req: hreq{extra: "Sec-WebSocket-Protocol: nats, foo\r\n"}.bytes(), resp: accepted + "\r\n"},
		{name: "subprotocol chosen", cfg: UpgraderConfig{Protocols: []string{"bar", "foo"}},
			req: hreq{extra: "Sec-WebSocket-Protocol: nats, foo\r\n"}.bytes(), resp: accepted + "Sec-Websocket-Protocol: foo\r\n\r\n"},
		{name: "no masking", req: hreq{extra: "Nats-No-Masking: true\r\n"}.bytes(), resp: accepted + "Nats-No-Masking: true\r\n\r\n",
			check: func(t *testing.T, h Handshake) {
				if !h.NoMask || !h.DecoderOptions(Limits{}).Unmasked {
					t.Fatal("no masking not granted")
				}
			}},
		{name: "configured headers, sorted", cfg: UpgraderConfig{Headers: map[string]string{"X-B": "2", "X-A": "1"}},
			req: hreq{}.bytes(), resp: accepted + "X-A: 1\r\nX-B: 2\r\n\r\n"},
		{name: "Upgrade in any case", req: hreq{upgrade: s("WebSocket")}.bytes(), resp: accepted + "\r\n"},
		{name: "Upgrade list", req: hreq{upgrade: s("h2c, websocket")}.bytes(), resp: accepted + "\r\n"},
		{name: "Connection list", req: hreq{connection: s("keep-alive, upgrade")}.bytes(), resp: accepted + "\r\n"},
		{name: "two Connection lines", req: hreq{connection: s("keep-alive\r\nConnection: Upgrade")}.bytes(), resp: accepted + "\r\n"},
		{name: "version list", req: hreq{version: s("8, 13")}.bytes(), resp: accepted + "\r\n"},
		{name: "key with blanks around", req: hreq{key: s("  " + sampleKey + "  ")}.bytes(), resp: accepted + "\r\n"},
		{name: "first key counts", req: hreq{key: s(sampleKey + "\r\nsec-websocket-key: AAAAAAAAAAAAAAAAAAAAAA==")}.bytes(), resp: accepted + "\r\n"},
		{name: "bare LF line ends", req: []byte(strings.ReplaceAll(string(hreq{}.bytes()), "\r\n", "\n")), resp: accepted + "\r\n"},
		{name: "HTTP/1.0 with Host", req: hreq{proto: s("HTTP/1.0")}.bytes(), resp: accepted + "\r\n"},
		{name: "HTTP/1.2", req: hreq{proto: s("HTTP/1.2")}.bytes(), resp: accepted + "\r\n"},
		{name: "absolute target", req: hreq{path: s("http://127.0.0.1:18080/")}.bytes(), resp: accepted + "\r\n"},
		{name: "query", req: hreq{path: s("/a?x=1")}.bytes(), resp: accepted + "\r\n"},
		{name: "chunked, no body yet", req: hreq{extra: "Transfer-Encoding: chunked\r\n"}.bytes(), resp: accepted + "\r\n"},
		{name: "tab and high bytes in values", req: hreq{extra: "X-Tab: a\tb\r\nX-Hi: \xff\xfe\r\n"}.bytes(), resp: accepted + "\r\n"},
		{name: "leafnode path", req: hreq{path: s("/leafnode")}.bytes(), resp: accepted + "\r\n",
			check: func(t *testing.T, h Handshake) {
				if h.Endpoint != EndpointLeafNode {
					t.Fatalf("endpoint %d", h.Endpoint)
				}
			}},
		{name: "mqtt path when MQTT is on", cfg: UpgraderConfig{MQTT: true}, req: hreq{path: s("/mqtt")}.bytes(),
			resp: accepted + "Sec-Websocket-Protocol: mqtt\r\n\r\n"},
		{name: "any origin", req: hreq{extra: "Origin: http://evil.com\r\n"}.bytes(), resp: accepted + "\r\n"},
		{name: "browser", cfg: UpgraderConfig{Compression: true, JWTCookie: "jwt", TokenCookie: "tok"},
			req: hreq{extra: "User-Agent: Mozilla/5.0 (Macintosh) Version/17.0 Safari/605.1\r\n" +
				"Sec-WebSocket-Extensions: permessage-deflate\r\nCookie: a=1; jwt=\"eyJ0\"; tok=x\r\nCookie: tok=secret\r\n" +
				"X-Forwarded-For: 10.1.2.3\r\n"}.bytes(),
			resp: accepted + "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n\r\n",
			check: func(t *testing.T, h Handshake) {
				if !h.Browser || !h.NoCompressedFragments || h.JWT != "eyJ0" || h.Token != "secret" || h.Username != "" ||
					h.ClientIP != "10.1.2.3" {
					t.Fatalf("%+v", h)
				}
			}},
		{name: "X-Forwarded-For list is not an IP", req: hreq{extra: "X-Forwarded-For: 10.1.2.3, 10.0.0.1\r\n"}.bytes(), resp: accepted + "\r\n",
			check: func(t *testing.T, h Handshake) {
				if h.ClientIP != "" {
					t.Fatalf("client IP %q", h.ClientIP)
				}
			}},

		// Origins.
		{name: "same origin", cfg: same, req: hreq{extra: "Origin: http://127.0.0.1:18080\r\n"}.bytes(), resp: accepted + "\r\n"},
		{name: "same origin, no Origin", cfg: same, req: hreq{}.bytes(), resp: accepted + "\r\n"},
		{name: "same origin, other port", cfg: same, req: hreq{extra: "Origin: http://127.0.0.1:18082\r\n"}.bytes(), resp: refusal("403", "Forbidden")},
		{name: "same origin, other scheme", cfg: same, req: hreq{extra: "Origin: https://127.0.0.1:18080\r\n"}.bytes(), resp: refusal("403", "Forbidden")},
		{name: "same origin, unparsable", cfg: same, req: hreq{extra: "Origin: bad origin\r\n"}.bytes(), resp: refusal("403", "Forbidden")},
		{name: "same origin from Sec-WebSocket-Origin", cfg: same, req: hreq{extra: "Sec-WebSocket-Origin: http://x.com\r\n"}.bytes(), resp: refusal("403", "Forbidden")},
		{name: "allowed", cfg: allowed, req: hreq{extra: "Origin: http://example.com\r\n"}.bytes(), resp: accepted + "\r\n"},
		{name: "allowed, explicit default port, upper case", cfg: allowed, req: hreq{extra: "Origin: http://EXAMPLE.com:80\r\n"}.bytes(), resp: accepted + "\r\n"},
		{name: "allowed, other scheme", cfg: allowed, req: hreq{extra: "Origin: https://example.com\r\n"}.bytes(), resp: refusal("403", "Forbidden")},
		{name: "allowed with port", cfg: allowed, req: hreq{extra: "Origin: https://foo.com:8443\r\n"}.bytes(), resp: accepted + "\r\n"},
		{name: "allowed, other port", cfg: allowed, req: hreq{extra: "Origin: https://foo.com\r\n"}.bytes(), resp: refusal("403", "Forbidden"),
			check: func(t *testing.T, h Handshake) {
				if h.Err.Error() != "websocket handshake error: origin not allowed: not in the allowed list" {
					t.Fatalf("reason %q", h.Err)
				}
			}},

		// nats-server's handler refusals: the connection stays open for another request.
		{name: "POST", req: hreq{method: s("POST")}.bytes(), resp: refusal("405", "Method Not Allowed")},
		{name: "lower-case get", req: hreq{method: s("get")}.bytes(), resp: refusal("405", "Method Not Allowed")},
		{name: "HEAD has no body", req: hreq{method: s("HEAD")}.bytes(),
			resp: strings.TrimSuffix(refusal("405", "Method Not Allowed"), "Method Not Allowed\n")},
		{name: "mqtt path when MQTT is off", req: hreq{path: s("/mqtt?x")}.bytes(), resp: refusal("404", "Not Found")},
		{name: "no Upgrade", req: hreq{upgrade: none}.bytes(), resp: refusal("400", "Bad Request"),
			check: func(t *testing.T, h Handshake) {
				if h.Close || h.N == 0 || h.Err.Error() != "websocket handshake error: invalid value for header 'Upgrade'" {
					t.Fatalf("%+v", h)
				}
			}},
		{name: "Upgrade websocket2", req: hreq{upgrade: s("websocket2")}.bytes(), resp: refusal("400", "Bad Request")},
		{name: "Connection keep-alive", req: hreq{connection: s("keep-alive")}.bytes(), resp: refusal("400", "Bad Request")},
		{name: "no key", req: hreq{key: none}.bytes(), resp: refusal("400", "Bad Request")},
		{name: "short key", req: hreq{key: s("abc")}.bytes(), resp: refusal("400", "Bad Request")},
		{name: "key of 21 bytes", req: hreq{key: s("AAAAAAAAAAAAAAAAAAAAAAAAAAAA")}.bytes(), resp: refusal("400", "Bad Request")},
		{name: "key without padding", req: hreq{key: s("dGhlIHNhbXBsZSBub25jZQ")}.bytes(), resp: refusal("400", "Bad Request")},
		{name: "no version", req: hreq{version: none}.bytes(), resp: refusal("400", "Bad Request")},
		{name: "version 8", req: hreq{version: s("8")}.bytes(), resp: refusal("400", "Bad Request")},
		{name: "empty Host", req: hreq{host: s("")}.bytes(), resp: refusal("400", "Bad Request")},
		{name: "HTTP/1.0 refusal closes", req: hreq{proto: s("HTTP/1.0"), upgrade: none}.bytes(), close: true,
			resp: strings.Replace(refusal("400", "Bad Request"), "HTTP/1.1", "HTTP/1.0", 1)},
		{name: "HTTP/1.0 without Host", req: hreq{proto: s("HTTP/1.0"), host: none}.bytes(), close: true,
			resp: strings.Replace(refusal("400", "Bad Request"), "HTTP/1.1", "HTTP/1.0", 1)},
		{name: "refusal with Connection: close", req: hreq{upgrade: none, extra: "Connection: close\r\n"}.bytes(), close: true,
			resp: strings.Replace(refusal("400", "Bad Request"), "\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1)},

		// net/http's own refusals, before any handler: the connection closes.
		{name: "no Host", req: hreq{host: none}.bytes(), resp: serverError("400 Bad Request: missing required Host header"), close: true},
		{name: "garbage", req: []byte("GARBAGE\r\n\r\n"), resp: serverError("400 Bad Request"), close: true},
		{name: "leading blank line", req: append([]byte("\r\n"), hreq{}.bytes()...), resp: serverError("400 Bad Request"), close: true},
		{name: "two spaces", req: []byte("GET  / HTTP/1.1\r\nHost: x\r\n\r\n"), resp: serverError("400 Bad Request"), close: true},
		{name: "no version in request line", req: []byte("GET /\r\nHost: x\r\n\r\n"), resp: serverError("400 Bad Request"), close: true},
		{name: "empty target", req: hreq{path: s("")}.bytes(), resp: serverError("400 Bad Request"), close: true},
		{name: "bad method", req: hreq{method: s("G@T")}.bytes(), resp: serverError("400 Bad Request"), close: true},
		{name: "bad version", req: hreq{proto: s("HTTX/1.1")}.bytes(), resp: serverError("400 Bad Request"), close: true},
		{name: "HTTP/2.0", req: hreq{proto: s("HTTP/2.0")}.bytes(), close: true,
			resp: serverError("505 HTTP Version Not Supported: unsupported protocol version")},
		{name: "HTTP/0.9", req: hreq{proto: s("HTTP/0.9")}.bytes(), close: true,
			resp: serverError("505 HTTP Version Not Supported: unsupported protocol version")},
		{name: "line without colon", req: hreq{extra: "NoColonLine\r\n"}.bytes(), resp: serverError("400 Bad Request"), close: true},
		{name: "empty header name", req: hreq{extra: ": x\r\n"}.bytes(), resp: serverError("400 Bad Request"), close: true},
		{name: "@ in header name", req: hreq{extra: "X@Y: 1\r\n"}.bytes(), resp: serverError("400 Bad Request"), close: true},
		{name: "space in header name", req: hreq{extra: "X-Bad Name: x\r\n"}.bytes(), close: true,
			resp: serverError("400 Bad Request: invalid header name")},
		{name: "space before colon", req: hreq{extra: "X-Y : x\r\n"}.bytes(), close: true,
			resp: serverError("400 Bad Request: invalid header name")},
		{name: "control byte in value", req: hreq{extra: "X-Ctl: a\x01b\r\n"}.bytes(), resp: serverError("400 Bad Request"), close: true},
		{name: "DEL in value", req: hreq{extra: "X-Del: a\x7fb\r\n"}.bytes(), resp: serverError("400 Bad Request"), close: true},
		{name: "two Host headers", req: hreq{extra: "Host: other\r\n"}.bytes(), resp: serverError("400 Bad Request"), close: true},
		{name: "malformed Host", req: hreq{host: s("a b")}.bytes(), resp: serverError("400 Bad Request: malformed Host header"), close: true},
		{name: "unknown transfer encoding", req: hreq{extra: "Transfer-Encoding: gzip\r\n"}.bytes(), close: true,
			resp: "HTTP/1.1 501 Not Implemented\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nUnsupported transfer encoding"},
		{name: "bad Content-Length", req: hreq{extra: "Content-Length: x\r\n"}.bytes(), resp: serverError("400 Bad Request"), close: true},
		{name: "asterisk", req: hreq{path: s("*")}.bytes(), close: true,
			resp: "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nDate: " + testDate + "\r\nContent-Length: 0\r\n\r\n"},
		{name: "initial continuation line", req: []byte("GET / HTTP/1.1\r\n folded\r\nHost: x\r\n\r\n"), resp: serverError("400 Bad Request"), close: true},
		// Deviation: net/http folds this line into the one before; it is refused here.
		{name: "obs-fold", req: hreq{extra: "X-A: 1\r\n folded\r\n"}.bytes(), resp: serverError("400 Bad Request"), close: true},

		// Size.
		{name: "head above the limit", cfg: UpgraderConfig{MaxRequestBytes: 100}, req: hreq{extra: "X-Big: " + strings.Repeat("a", 100) + "\r\n"}.bytes(),
			resp: serverError("431 Request Header Fields Too Large"), close: true},
		{name: "head at the limit", cfg: UpgraderConfig{MaxRequestBytes: len(hreq{}.bytes())}, req: hreq{}.bytes(), resp: accepted + "\r\n"},

		// Bytes after the request: nats-server closes without a word.
		{name: "data before the 101", req: append(hreq{}.bytes(), 0x82, 0x80), resp: "", close: true},
		{name: "body before the 101", req: append(hreq{extra: "Content-Length: 5\r\n"}.bytes(), "hello"...), resp: "", close: true},
		{name: "refused with data after: the refusal wins", req: append(hreq{upgrade: none}.bytes(), 0x82), resp: refusal("400", "Bad Request")},
	}
}

func TestUpgrade(t *testing.T) {
	for _, c := range handshakeCases() {
		t.Run(c.name, func(t *testing.T) {
			u, err := NewUpgrader(c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			out, h := u.Upgrade([]byte("prefix"), c.req, testNow)
			if !strings.HasPrefix(string(out), "prefix") {
				t.Fatalf("dst not appended to")
			}
			if got := string(out[len("prefix"):]); got != c.resp {
				t.Fatalf("response:\n%q\nwant:\n%q", got, c.resp)
			}
			upgraded := strings.HasPrefix(c.resp, "HTTP/1.1 101")
			switch {
			case upgraded && (h.Status != Upgraded || h.N != len(c.req) || h.Err != nil):
				t.Fatalf("want upgraded: %+v", h)
			case !upgraded && (h.Status != Refused || h.Err == nil || h.Close != c.close):
				t.Fatalf("want refused (close %v): %+v", c.close, h)
			case !upgraded && !h.Close && h.N == 0:
				t.Fatalf("refused and kept open without consuming the request")
			}
			if c.check != nil {
				c.check(t, h)
			}
			// A request cut anywhere needs more bytes, and appends nothing.
			for i := range len(c.req) {
				if i > u.max {
					break
				}
				part := c.req[:i]
				if httpHeadLen(part) != 0 {
					continue // a shorter request is complete here (leading blank line)
				}
				if out, h := u.Upgrade(nil, part, testNow); h.Status != NeedMore || len(out) != 0 {
					t.Fatalf("cut at %d: %+v %q", i, h, out)
				}
			}
		})
	}
}

// A head that never ends is refused once it passes the limit, not buffered.
func TestUpgradeUnendingHead(t *testing.T) {
	u, _ := NewUpgrader(UpgraderConfig{})
	in := []byte("GET / HTTP/1.1\r\nX: " + strings.Repeat("a", DefaultMaxRequestBytes))
	if _, h := u.Upgrade(nil, in[:DefaultMaxRequestBytes], testNow); h.Status != NeedMore {
		t.Fatalf("at the limit: %+v", h)
	}
	out, h := u.Upgrade(nil, in, testNow)
	if h.Status != Refused || !h.Close || string(out) != serverError("431 Request Header Fields Too Large") {
		t.Fatalf("past the limit: %+v %q", h, out)
	}
}

// NewUpgrader refuses what nats-server refuses at startup, with its messages.
func TestNewUpgraderRefuses(t *testing.T) {
	for _, c := range []struct {
		cfg  UpgraderConfig
		want string
	}{
		{UpgraderConfig{AllowedOrigins: []string{"ftp://x.com"}}, `unable to parse allowed origin "ftp://x.com": allowed origins must be absolute URLs with http or https scheme`},
		{UpgraderConfig{AllowedOrigins: []string{"http://"}}, `unable to parse allowed origin "http://": host is required`},
		{UpgraderConfig{AllowedOrigins: []string{"x.com"}}, `unable to parse allowed origin: parse "x.com": invalid URI for request`},
		{UpgraderConfig{Headers: map[string]string{"Connection": "x"}}, `websocket: invalid header "Connection" not allowed`},
		{UpgraderConfig{Headers: map[string]string{"Sec-WebSocket-Foo": "x"}}, `websocket: invalid header "Sec-WebSocket-Foo", "Sec-WebSocket-" prefix not allowed`},
	} {
		if _, err := NewUpgrader(c.cfg); err == nil || err.Error() != c.want {
			t.Errorf("%+v: %v, want %s", c.cfg, err, c.want)
		}
	}
}

// The client side reads this package's 101 back, and catches a wrong accept value.
func TestClientHandshake(t *testing.T) {
	u, _ := NewUpgrader(UpgraderConfig{Compression: true})
	key := NewKey()
	req := AppendClientRequest(nil, ClientRequest{Host: "h:1", Key: key, Compress: true, NoMasking: true})
	out, h := u.Upgrade(nil, req, testNow)
	if h.Status != Upgraded {
		t.Fatalf("%+v", h)
	}
	out = append(out, 0x82, 0) // a frame right behind
	n, r, err := ParseServerResponse(out, key)
	if err != nil || r.Status != 101 || !r.Compress || !r.NoMasking || n != len(out)-2 {
		t.Fatalf("%d %+v %v", n, r, err)
	}
	if n, _, _ := ParseServerResponse(out[:n-1], key); n != 0 {
		t.Fatalf("incomplete response parsed")
	}
	if _, _, err := ParseServerResponse(out, NewKey()); err == nil {
		t.Fatalf("wrong accept value passed")
	}
}
