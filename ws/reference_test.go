package ws

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/reactor-nats/reactor/internal/testref"
)

// These tests hold this package to the reference nats-server v2.15.2 (bin/nats-server, installed by
// `make tools`, or $NATS_SERVER_BIN) over loopback sockets: this package's client side speaks NATS over
// WebSocket to it, and its handshake refusals are compared byte for byte with this package's. They skip
// when the binary is not installed.

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// referenceServer starts nats-server with a websocket block holding wsConf and returns the websocket
// address. It is killed when the test ends.
func referenceServer(t *testing.T, wsConf string) string {
	t.Helper()
	wsPort := freePort(t)
	conf := fmt.Sprintf("websocket {\n host: 127.0.0.1\n port: %d\n no_tls: true\n %s\n}\n", wsPort, wsConf)
	testref.StartNatsServer(t, "-c", testref.ConfFile(t, conf)) // its websocket port listens before its client port
	return fmt.Sprintf("127.0.0.1:%d", wsPort)
}

// wsClient is a NATS client over WebSocket made of this package's client side: handshake, masked
// frames, and a Decoder for the server's frames.
type wsClient struct {
	t        *testing.T
	c        net.Conn
	r        ServerResponse
	d        Decoder
	in       []byte // read, not yet decoded
	raw      []byte // every frame byte read, to look at the framing afterwards
	data     []byte // the NATS bytes received
	controls []Event
	key      [4]byte
}

func dialWS(t *testing.T, addr string, req ClientRequest) *wsClient {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	req.Host = addr
	req.Key = NewKey()
	if _, err := c.Write(AppendClientRequest(nil, req)); err != nil {
		t.Fatal(err)
	}
	w := &wsClient{t: t, c: c, key: [4]byte{1, 2, 3, 4}}
	for {
		n, r, err := ParseServerResponse(w.in, req.Key)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			if r.Status != 101 {
				t.Fatalf("refused: %q", w.in)
			}
			w.r, w.in, w.raw = r, w.in[n:], w.raw[n:]
			break
		}
		w.read()
	}
	w.d.Reset(Options{Unmasked: true, Compression: w.r.Compress, Limits: DefaultLimits(0)})
	return w
}

func (w *wsClient) read() {
	w.t.Helper()
	buf := make([]byte, 64<<10)
	_ = w.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := w.c.Read(buf)
	if err != nil {
		w.t.Fatalf("read: %v (have %q)", err, w.data)
	}
	w.in = append(w.in, buf[:n]...)
	w.raw = append(w.raw, buf[:n]...)
}

// frames walks the raw frames received so far (those complete).
func (w *wsClient) frames() []frameHeader {
	var out []frameHeader
	for p := w.raw; len(p) >= 2 && len(p) >= headerLen(p[1]); {
		var h frameHeader
		err := parseHeader(p[:headerLen(p[1])], &h)
		if err != nil || uint64(len(p)-headerLen(p[1])) < h.length {
			break
		}
		out = append(out, h)
		p = p[uint64(headerLen(p[1]))+h.length:]
	}
	return out
}

// until reads and decodes until the NATS bytes received contain want.
func (w *wsClient) until(want string) {
	w.t.Helper()
	for !bytes.Contains(w.data, []byte(want)) {
		w.decode()
		if bytes.Contains(w.data, []byte(want)) {
			break
		}
		w.read()
	}
}

func (w *wsClient) decode() {
	w.t.Helper()
	for {
		ev, n, err := w.d.Next(w.in)
		w.in = w.in[n:]
		if err != nil {
			w.t.Fatalf("decoding nats-server's frames: %v", err)
		}
		switch ev.Kind {
		case None:
			return
		case Data:
			w.data = append(w.data, ev.Payload...)
		default:
			ev.Payload = bytes.Clone(ev.Payload)
			w.controls = append(w.controls, ev)
		}
	}
}

func (w *wsClient) send(frames ...[]byte) {
	w.t.Helper()
	if _, err := w.c.Write(bytes.Join(frames, nil)); err != nil {
		w.t.Fatal(err)
	}
}

func (w *wsClient) frame(op Opcode, fin bool, p string) []byte {
	w.key[0]++
	return AppendMaskedFrame(nil, op, fin, false, w.key, []byte(p))
}

// compressed is p as one compressed message cut into two fragments, as a client may send it.
func (w *wsClient) compressed(p string) []byte {
	body := Deflate(nil, []byte(p))
	half := len(body) / 2
	w.key[0]++
	out := AppendMaskedFrame(nil, OpBinary, false, true, w.key, body[:half])
	return AppendMaskedFrame(out, OpContinuation, true, false, w.key, body[half:])
}

// NATS over WebSocket against nats-server: INFO arrives in a frame, CONNECT and PING go in masked frames
// (fragmented, with a ping between fragments, and compressed when negotiated), and PONG, the ping's pong,
// MSG and the close echo come back in frames the Decoder reads (compressed ones too, fragmented for a
// browser).
func TestReferenceNATSOverWebSocket(t *testing.T) {
	for _, c := range []struct {
		name    string
		conf    string
		req     ClientRequest
		wantPMD bool
	}{
		{"plain", "", ClientRequest{}, false},
		{"compression offered but off", "", ClientRequest{Compress: true}, false},
		{"compressed", "compression: true", ClientRequest{Compress: true}, true},
		{"compressed browser", "compression: true",
			ClientRequest{Compress: true, Header: "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0\r\n"}, true},
		{"browser", "", ClientRequest{Header: "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0\r\n"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			addr := referenceServer(t, c.conf)
			w := dialWS(t, addr, c.req)
			if w.r.Compress != c.wantPMD {
				t.Fatalf("compression negotiated: %v", w.r.Compress)
			}
			w.until("\r\n")
			if !bytes.HasPrefix(w.data, []byte("INFO {")) {
				t.Fatalf("first bytes: %q", w.data)
			}
			w.data = nil

			connect := `CONNECT {"verbose":false,"pedantic":false,"protocol":1}` + "\r\n"
			if w.r.Compress {
				w.send(w.compressed(connect))
			} else {
				w.send(w.frame(OpBinary, true, connect))
			}
			w.send(w.frame(OpBinary, false, "PI"), w.frame(OpPing, true, "are you there"), w.frame(OpContinuation, true, "NG\r\n"))
			w.until("PONG\r\n")
			if len(w.controls) != 1 || w.controls[0].Kind != Pong || string(w.controls[0].Payload) != "are you there" {
				t.Fatalf("control frames: %+v", w.controls)
			}
			w.data = w.data[bytes.Index(w.data, []byte("PONG\r\n"))+6:] // an INFO may follow (protocol 1)

			// A message big enough for nats-server to compress it and, for a browser, to cut it even
			// compressed: random letters, and some text.
			r := rand.New(rand.NewPCG(1, 2))
			letters := make([]byte, 30000)
			for i := range letters {
				letters[i] = byte('a' + r.IntN(26))
			}
			payload := strings.Repeat("héllo wörld ", 100) + string(letters)
			pub := fmt.Sprintf("SUB foo 1\r\nPUB foo %d\r\n%s\r\nPING\r\n", len(payload), payload)
			if w.r.Compress {
				w.send(w.compressed(pub))
			} else {
				w.send(w.frame(OpText, true, pub))
			}
			want := fmt.Sprintf("MSG foo 1 %d\r\n%s\r\nPONG\r\n", len(payload), payload)
			w.until(want)
			if bytes.HasPrefix(w.data, []byte("INFO ")) {
				w.data = w.data[bytes.Index(w.data, []byte("\r\n"))+2:]
			}
			if string(w.data) != want {
				t.Fatalf("got %d bytes %.100q..., want %d", len(w.data), w.data, len(want))
			}
			// The framing was the one asked for: compressed, cut for a browser.
			var compressed, continued, biggest int
			for _, h := range w.frames() {
				if h.rsv1 {
					compressed++
				}
				if h.op == OpContinuation {
					continued++
				}
				biggest = max(biggest, int(h.length))
			}
			browser := strings.Contains(c.req.Header, "Mozilla")
			if c.wantPMD != (compressed > 0) || browser != (biggest <= BrowserFrameSize) ||
				(c.wantPMD && browser) != (continued > 0) {
				t.Fatalf("frames: %d compressed, %d continuations, biggest %d", compressed, continued, biggest)
			}

			w.send(w.frame(OpClose, true, closePayload(CloseNormal, "bye")))
			for len(w.controls) < 2 {
				w.read()
				w.decode()
			}
			if cl := w.controls[1]; cl.Kind != Close || cl.Code != CloseNormal || string(cl.Payload) != "bye" {
				t.Fatalf("close answer: %+v", cl)
			}
		})
	}
}

// nats-server echoes a close frame's code and reason, answers one without a code with an empty one,
// and answers an invalid reason with 1007: what AppendClose builds from the Event or Error.
func TestReferenceCloseAnswers(t *testing.T) {
	addr := referenceServer(t, "")
	for _, c := range []struct {
		payload string
		want    []byte
	}{
		{"", AppendClose(nil, CloseNoStatus, "")},
		{closePayload(3000, ""), AppendClose(nil, 3000, "")},
		{closePayload(1000, "bye"), AppendClose(nil, 1000, "bye")},
		{closePayload(1000, "\xff"), AppendClose(nil, ErrInvalidCloseReason.Code, ErrInvalidCloseReason.Reason)},
	} {
		w := dialWS(t, addr, ClientRequest{})
		w.until("\r\n") // INFO
		w.send(w.frame(OpClose, true, c.payload))
		_ = w.c.SetReadDeadline(time.Now().Add(5 * time.Second))
		rest, _ := io.ReadAll(w.c)
		if got := append(w.in, rest...); !bytes.Equal(got, c.want) {
			t.Errorf("close %q: nats-server answered %x, want %x", c.payload, got, c.want)
		}
		// And the Decoder reports it as the Event AppendClose was given.
		var d Decoder
		ev, _, err := d.Next(w.frame(OpClose, true, c.payload))
		if err == nil && !bytes.Equal(AppendClose(nil, ev.Code, string(ev.Payload)), c.want) {
			t.Errorf("close %q: Event %+v answers differently", c.payload, ev)
		}
	}
}

var dateLine = regexp.MustCompile(`\r\nDate: [^\r]*\r\n`)

// Every case of handshakeCases that nats-server can be configured for is sent to it raw; its response
// (the Date aside) must be this package's, and it must close the connection exactly when Close says so.
func TestReferenceHandshakes(t *testing.T) {
	servers := map[string]string{}
	confOf := func(cfg UpgraderConfig) (string, bool) {
		switch {
		case cfg.MaxRequestBytes != 0 || cfg.Headers != nil || cfg.Protocols != nil || cfg.MQTT:
			return "", false
		case cfg.SameOrigin:
			return "same_origin: true", true
		case cfg.AllowedOrigins != nil:
			return `allowed_origins: ["` + strings.Join(cfg.AllowedOrigins, `", "`) + `"]`, true
		case cfg.Compression:
			return "compression: true", true
		}
		return "", true
	}
	for _, c := range handshakeCases() {
		conf, ok := confOf(c.cfg)
		if !ok || c.name == "obs-fold" { // obs-fold: a documented deviation
			continue
		}
		if _, ok := servers[conf]; !ok {
			servers[conf] = referenceServer(t, conf)
		}
		addr := servers[conf]
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			u, err := NewUpgrader(c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			ours, h := u.Upgrade(nil, c.req, testNow)
			got, closed := exchange(t, addr, c.req, len(ours), h.Status == Upgraded)
			got = dateLine.ReplaceAll(got, []byte("\r\nDate: "+testDate+"\r\n"))
			if !bytes.Equal(got, ours) {
				t.Fatalf("nats-server:\n%q\nours:\n%q", got, ours)
			}
			if h.Status == Refused && closed != h.Close {
				t.Fatalf("nats-server closed: %v; Close: %v", closed, h.Close)
			}
		})
	}
}

// exchange sends req and reads the response: the head only if upgraded (frames follow), else until
// the connection closes or want bytes have come and nothing more follows for a moment.
func exchange(t *testing.T, addr string, req []byte, want int, upgraded bool) (resp []byte, closed bool) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write(req); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	deadline := time.Now().Add(5 * time.Second)
	for {
		if upgraded {
			if n := httpHeadLen(resp); n > 0 {
				return resp[:n], false
			}
		}
		wait := deadline
		if len(resp) >= want {
			wait = time.Now().Add(150 * time.Millisecond)
		}
		_ = c.SetReadDeadline(wait)
		n, err := c.Read(buf)
		resp = append(resp, buf[:n]...)
		var ne net.Error
		switch {
		case errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || isReset(err):
			return resp, true
		case errors.As(err, &ne) && ne.Timeout():
			return resp, false
		case err != nil:
			t.Fatal(err)
		}
	}
}

func isReset(err error) bool { return err != nil && strings.Contains(err.Error(), "connection reset") }
