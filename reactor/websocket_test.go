package reactor

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

func wsServer(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.WebSocket == nil {
		opts.WebSocket = &WebSocketOptions{}
	}
	opts.WebSocket.NoTLS = true
	opts.WebSocket.Host = "127.0.0.1"
	return runServer(t, opts)
}

func (s *Server) wsURL() string { return fmt.Sprintf("ws://127.0.0.1:%d", s.wsPort) }

func TestWebSocketClientsTalkToTCPClients(t *testing.T) {
	for _, compression := range []bool{false, true} {
		t.Run(fmt.Sprintf("compression=%v", compression), func(t *testing.T) {
			opts := Options{WebSocket: &WebSocketOptions{}}
			opts.WebSocket.Upgrader.Compression = compression
			s := wsServer(t, opts)
			wsc, err := nats.Connect(s.wsURL(), nats.Compression(compression), nats.Timeout(5*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			defer wsc.Close()
			tcp := connect(t, s)

			sub, _ := wsc.SubscribeSync("to.ws")
			wsc.Flush()
			for _, size := range []int{1, 100, 5000, 1 << 20} {
				payload := bytes.Repeat([]byte("w"), size)
				tcp.Publish("to.ws", payload)
				m, err := sub.NextMsg(5 * time.Second)
				if err != nil || !bytes.Equal(m.Data, payload) {
					t.Fatalf("%d bytes to the WebSocket client: %v", size, err)
				}
			}
			back, _ := tcp.SubscribeSync("from.ws")
			tcp.Flush()
			for i := 0; i < 500; i++ {
				wsc.Publish("from.ws", []byte(strings.Repeat("x", i)))
			}
			wsc.Flush()
			for i := 0; i < 500; i++ {
				m, err := back.NextMsg(5 * time.Second)
				if err != nil || len(m.Data) != i {
					t.Fatalf("message %d from the WebSocket client: %v", i, err)
				}
			}
			if r, err := wsc.Request("nobody", nil, time.Second); err != nats.ErrNoResponders {
				t.Fatalf("no-responders over WebSocket: %v %v", r, err)
			}
		})
	}
}

func TestWebSocketRefusalsAndTimeout(t *testing.T) {
	s := wsServer(t, Options{WebSocket: &WebSocketOptions{HandshakeTimeout: 200 * time.Millisecond}})
	addr := fmt.Sprintf("127.0.0.1:%d", s.wsPort)

	// A plain HTTP request is refused as nats-server refuses it.
	rc := dialRawConn(t, addr) // a websocket listener sends no INFO before the upgrade
	rc.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	if l := rc.line(); !strings.HasPrefix(l, "HTTP/1.1 400") {
		t.Fatalf("got %q", l)
	}
	// A NATS client on the websocket port gets no INFO and is closed at the handshake timeout.
	idle := dialRawConn(t, addr)
	idle.expectClosed()
	assertHealthy(t, s)
}

func TestSecureWebSocket(t *testing.T) {
	ca := newTestCA(t)
	s := runServer(t, Options{WebSocket: &WebSocketOptions{Host: "127.0.0.1", TLS: ca.serverTLS(t)}})
	url := fmt.Sprintf("wss://127.0.0.1:%d", s.wsPort)
	wsc, err := nats.Connect(url, nats.Secure(&tls.Config{RootCAs: ca.pool}), nats.Timeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer wsc.Close()
	tcp := connect(t, s)
	sub, _ := wsc.SubscribeSync("secure")
	wsc.Flush()
	for _, size := range []int{10, 70000} {
		payload := bytes.Repeat([]byte("s"), size)
		tcp.Publish("secure", payload)
		if m, err := sub.NextMsg(5 * time.Second); err != nil || !bytes.Equal(m.Data, payload) {
			t.Fatalf("%d bytes over wss: %v", size, err)
		}
	}
	// A plaintext ws:// client on the wss port does not get through.
	if _, err := nats.Connect(fmt.Sprintf("ws://127.0.0.1:%d", s.wsPort), nats.Timeout(time.Second),
		nats.NoReconnect()); err == nil {
		t.Fatal("a ws:// client connected to the wss listener")
	}
}

func TestWebSocketConnectionType(t *testing.T) {
	s := authServer(t, `authorization { users: [{user: w, password: w, allowed_connection_types: ["WEBSOCKET"]}] }`,
		Options{WebSocket: &WebSocketOptions{Host: "127.0.0.1", NoTLS: true}})
	wsc, err := nats.Connect(s.wsURL(), nats.UserInfo("w", "w"), nats.Timeout(5*time.Second))
	if err != nil {
		t.Fatalf("over WebSocket: %v", err)
	}
	wsc.Close()
	if _, err := nats.Connect(s.clientURL(), nats.UserInfo("w", "w"), nats.NoReconnect()); err == nil {
		t.Fatal("a WebSocket-only user connected over TCP")
	}
}
