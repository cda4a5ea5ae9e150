package reactor

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// runServer starts a server on an ephemeral loopback port with two event loops (so that cross-loop delivery
// is exercised) and stops it when the test ends.
func runServer(t testing.TB, opts Options) *Server {
	t.Helper()
	opts.Host = "127.0.0.1"
	if opts.EventLoops == 0 {
		opts.EventLoops = 2
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Shutdown)
	return s
}

func (s *Server) clientURL() string { return "nats://" + s.Addr() }

// connect opens a nats.go connection that the test closes at its end.
func connect(t testing.TB, s *Server, opts ...nats.Option) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(s.clientURL(), append([]nats.Option{nats.Timeout(5 * time.Second)}, opts...)...)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// rawConn is a plain TCP client for protocol-level tests.
type rawConn struct {
	t  testing.TB
	nc net.Conn
	r  *bufio.Reader
}

// dialRaw connects and consumes the INFO line, which it returns.
func dialRaw(t testing.TB, s *Server) (*rawConn, string) {
	t.Helper()
	return dialRawAddr(t, s.Addr())
}

// dialRawAddr is dialRaw for any server, reactor or the reference nats-server.
func dialRawAddr(t testing.TB, addr string) (*rawConn, string) {
	t.Helper()
	rc := dialRawConn(t, addr)
	return rc, rc.line()
}

// dialRawConn connects and reads nothing.
func dialRawConn(t testing.TB, addr string) *rawConn {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return &rawConn{t: t, nc: nc, r: bufio.NewReader(nc)}
}

func (rc *rawConn) send(s string) {
	rc.t.Helper()
	if _, err := rc.nc.Write([]byte(s)); err != nil {
		rc.t.Fatalf("write: %v", err)
	}
}

// line reads one \r\n-terminated line (without the terminator) within 5 seconds.
func (rc *rawConn) line() string {
	rc.t.Helper()
	_ = rc.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	l, err := rc.r.ReadString('\n')
	if err != nil {
		rc.t.Fatalf("read line: %v (got %q)", err, l)
	}
	return strings.TrimSuffix(l, "\r\n")
}

// expect reads lines and fails unless they are exactly want, in order.
func (rc *rawConn) expect(want ...string) {
	rc.t.Helper()
	for _, w := range want {
		if got := rc.line(); got != w {
			rc.t.Fatalf("got %q, want %q", got, w)
		}
	}
}

// expectClosed fails unless the server closes the connection (EOF) within 5 seconds, with nothing else sent.
func (rc *rawConn) expectClosed() {
	rc.t.Helper()
	_ = rc.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	l, err := rc.r.ReadString('\n')
	if err == nil || l != "" {
		rc.t.Fatalf("expected close, got %q err=%v", l, err)
	}
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		rc.t.Fatalf("connection still open")
	}
}

// expectSilence fails if the server sends anything within d (the connection stays open and quiet).
func (rc *rawConn) expectSilence(d time.Duration) {
	rc.t.Helper()
	_ = rc.nc.SetReadDeadline(time.Now().Add(d))
	l, err := rc.r.ReadString('\n')
	if err == nil || l != "" {
		rc.t.Fatalf("expected nothing, got %q", l)
	}
	if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
		rc.t.Fatalf("expected an open, quiet connection, got %v", err)
	}
}

// ping round-trips a PING: everything the server sent before the PONG is returned.
func (rc *rawConn) ping() []string {
	rc.t.Helper()
	rc.send("PING\r\n")
	var before []string
	for {
		l := rc.line()
		if l == "PONG" {
			return before
		}
		before = append(before, l)
	}
}

// assertHealthy checks that the server still serves other clients: a fresh nats.go connection can
// subscribe, publish and receive.
func assertHealthy(t testing.TB, s *Server) {
	t.Helper()
	nc := connect(t, s)
	sub, err := nc.SubscribeSync("health.check")
	if err != nil {
		t.Fatal(err)
	}
	if err := nc.Publish("health.check", []byte("ok")); err != nil {
		t.Fatal(err)
	}
	m, err := sub.NextMsg(5 * time.Second)
	if err != nil || string(m.Data) != "ok" {
		t.Fatalf("server unhealthy: %v", err)
	}
	nc.Close()
}
