package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWebSocketBlockServesTheNatsCLI: the websocket block opens a listener the nats CLI reaches with a ws://
// URL, talking to clients of the TCP port.
func TestWebSocketBlockServesTheNatsCLI(t *testing.T) {
	wsPort := freePort(t)
	conf := filepath.Join(t.TempDir(), "ws.conf")
	text := fmt.Sprintf("websocket { listen: \"127.0.0.1:%d\", no_tls: true, compression: true }\n", wsPort)
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	d := startDaemon(t, "-c", conf)
	wsURL := fmt.Sprintf("ws://127.0.0.1:%d", wsPort)

	wait := d.natsBackground(t, "Subscribing on", "sub", "over.ws", "--count", "2") // the interest probe, then ours
	d.waitForInterest(t, "over.ws")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, natsCLI(t), "--server", wsURL, "pub", "over.ws", "from a WebSocket").CombinedOutput()
	if err != nil {
		t.Fatalf("nats pub over WebSocket: %v\n%s", err, out)
	}
	if got := wait(); !strings.Contains(got, "from a WebSocket") {
		t.Fatalf("the TCP subscriber got:\n%s", got)
	}
}

// TestWebSocketWithoutNoTLSIsRefusedAtStart: like nats-server, -t accepts a websocket block without TLS,
// and the server refuses to start with it.
func TestWebSocketWithoutNoTLSIsRefusedAtStart(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "ws.conf")
	if err := os.WriteFile(conf, []byte("websocket { port: 18099 }\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, code := runReactor(t, reactorBinary(t), "-t", "-c", conf); code != 0 {
		t.Fatalf("-t: exit %d\n%s", code, out)
	}
	out, code := runReactor(t, reactorBinary(t), "-a", "127.0.0.1", "-p", fmt.Sprint(freePort(t)), "-c", conf)
	if code == 0 || !strings.Contains(out, "websocket requires TLS configuration") {
		t.Fatalf("start: exit %d\n%s", code, out)
	}
}
