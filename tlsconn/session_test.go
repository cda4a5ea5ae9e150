package tlsconn

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

var versions = []struct {
	name    string
	version uint16
}{{"TLS1.2", tls.VersionTLS12}, {"TLS1.3", tls.VersionTLS13}}

var splits = []struct {
	name  string
	chunk func(int) int
}{{"whole", whole}, {"bytewise", oneByte}, {"random", randomly}}

func newPools(t testing.TB, serverWorkers int) (server, client *Pool) {
	server, client = NewPool(serverWorkers), NewPool(2)
	t.Cleanup(server.Close)
	t.Cleanup(client.Close)
	return server, client
}

// waitIdle waits for every handshake goroutine of p to be gone.
func waitIdle(t testing.TB, p *Pool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for p.Stats() != (PoolStats{}) {
		if time.Now().After(deadline) {
			t.Fatalf("pool still busy: %+v", p.Stats())
		}
		time.Sleep(time.Millisecond)
	}
}

func TestHandshakeAndDataBothWays(t *testing.T) {
	p := getPKI(t)
	for _, v := range versions {
		for _, sp := range splits {
			t.Run(v.name+"/"+sp.name, func(t *testing.T) {
				serverPool, clientPool := newPools(t, 2)
				l := newLink(t, &Config{TLS: p.serverTLS(v.version)}, &Config{TLS: p.clientTLS()},
					serverPool, clientPool, sp.chunk)
				up, down := randomBytes(3000), randomBytes(5000)
				l.client.unsent, l.server.unsent = up, down
				l.runUntil("data both ways", func() bool {
					return len(l.server.received) == len(up) && len(l.client.received) == len(down)
				})
				if !bytes.Equal(l.server.received, up) || !bytes.Equal(l.client.received, down) {
					t.Fatal("data corrupted in transit")
				}
				for _, e := range []*endpoint{l.client, l.server} {
					if e.readErr != nil {
						t.Fatalf("read error: %v", e.readErr)
					}
					if got := e.s.ConnectionState().Version; got != v.version {
						t.Fatalf("negotiated version %x, want %x", got, v.version)
					}
				}
				waitIdle(t, serverPool)
			})
		}
	}
}

func TestCloseNotifyEndsThePeersReads(t *testing.T) {
	p := getPKI(t)
	serverPool, clientPool := newPools(t, 2)
	l := newLink(t, &Config{TLS: p.serverTLS(0)}, &Config{TLS: p.clientTLS()}, serverPool, clientPool, randomly)
	l.server.unsent = []byte("goodbye")
	l.runUntil("data", func() bool { return len(l.client.received) == 7 })
	l.server.s.Close()
	l.runUntil("close_notify", func() bool { return l.client.readErr != nil })
	if l.client.readErr.Error() != "EOF" {
		t.Fatalf("client read error %v, want EOF", l.client.readErr)
	}
	if _, err := l.server.s.WritePlain(nil, []byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("WritePlain after Close: %v", err)
	}
	if _, err := l.server.s.ReadPlain(make([]byte, 10)); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("ReadPlain after Close: %v", err)
	}
	if out := l.server.s.TakeOutput(nil); len(out) != 0 {
		t.Fatalf("output after close_notify was taken: %d bytes", len(out))
	}
}

func TestDataPathBeforeHandshake(t *testing.T) {
	p := getPKI(t)
	s := NewServerSession(&Config{TLS: p.serverTLS(0)}, nil)
	if _, err := s.ReadPlain(make([]byte, 10)); !errors.Is(err, ErrWouldBlock) {
		t.Fatalf("ReadPlain before the handshake: %v, want ErrWouldBlock", err)
	}
	if _, err := s.WritePlain(nil, []byte("x")); !errors.Is(err, ErrHandshakeIncomplete) {
		t.Fatalf("WritePlain before the handshake: %v, want ErrHandshakeIncomplete", err)
	}
	if cs := s.ConnectionState(); cs.HandshakeComplete {
		t.Fatal("ConnectionState before the handshake claims it is complete")
	}
	s.Close()
	if _, err := s.ReadPlain(make([]byte, 10)); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("ReadPlain after Close: %v, want net.ErrClosed", err)
	}
}

func TestMutualTLS(t *testing.T) {
	p := getPKI(t)
	cases := []struct {
		name      string
		certs     []tls.Certificate
		serverErr string // "" when the handshake must succeed
	}{
		{"trusted client certificate", []tls.Certificate{p.client}, ""},
		{"no client certificate", nil, "client didn't provide a certificate"},
		{"client certificate from an unknown CA", []tls.Certificate{p.otherCA}, "unknown authority"},
		{"expired client certificate", []tls.Certificate{p.expired}, "expired"},
	}
	for _, v := range versions {
		for _, c := range cases {
			t.Run(v.name+"/"+c.name, func(t *testing.T) {
				serverPool, clientPool := newPools(t, 2)
				l := newLink(t, &Config{TLS: p.mutualTLS(v.version)}, &Config{TLS: p.clientTLS(c.certs...)},
					serverPool, clientPool, randomly)
				if c.serverErr == "" {
					l.client.unsent = []byte("CONNECT {}\r\n")
					l.runUntil("handshake and data", func() bool { return len(l.server.received) == 12 })
					peers := l.server.s.ConnectionState().PeerCertificates
					if len(peers) == 0 || peers[0].Subject.CommonName != "alice" {
						t.Fatalf("server sees peer certificates %v, want alice's", peers)
					}
					if len(l.server.s.ConnectionState().VerifiedChains) == 0 {
						t.Fatal("no verified chain for the client certificate")
					}
					return
				}
				// The server refuses; the client learns it from the alert, during its handshake (TLS 1.2)
				// or at its first read after it (TLS 1.3, where the client finishes first).
				l.runUntil("both sides to see the failure", func() bool {
					_, serr := l.server.s.HandshakeState()
					_, cerr := l.client.s.HandshakeState()
					return serr != nil && (cerr != nil || l.client.readErr != nil)
				})
				_, serr := l.server.s.HandshakeState()
				if !strings.Contains(serr.Error(), c.serverErr) {
					t.Fatalf("server handshake error %q, want it to mention %q", serr, c.serverErr)
				}
				_, cerr := l.client.s.HandshakeState()
				if cerr == nil {
					cerr = l.client.readErr
				}
				if !strings.Contains(cerr.Error(), "remote error: tls:") {
					t.Fatalf("client error %q, want the server's alert", cerr)
				}
				waitIdle(t, serverPool)
			})
		}
	}
}

func TestClientRefusesServerFromUnknownCA(t *testing.T) {
	p := getPKI(t)
	serverPool, clientPool := newPools(t, 2)
	clientTLS := p.clientTLS()
	clientTLS.RootCAs = p.otherRoots
	l := newLink(t, &Config{TLS: p.serverTLS(0)}, &Config{TLS: clientTLS}, serverPool, clientPool, randomly)
	l.runUntil("both sides to fail", func() bool {
		_, serr := l.server.s.HandshakeState()
		_, cerr := l.client.s.HandshakeState()
		return serr != nil && cerr != nil
	})
	_, cerr := l.client.s.HandshakeState()
	_, serr := l.server.s.HandshakeState()
	if !strings.Contains(cerr.Error(), "unknown authority") || !strings.Contains(serr.Error(), "remote error") {
		t.Fatalf("client error %q, server error %q", cerr, serr)
	}
}

func TestPlaintextClientFailsTheHandshakeAtOnce(t *testing.T) {
	p := getPKI(t)
	pool := NewPool(1)
	defer pool.Close()
	notified := make(chan struct{}, 1)
	s := NewServerSession(&Config{TLS: p.serverTLS(0)}, func() {
		select {
		case notified <- struct{}{}:
		default:
		}
	})
	s.Feed([]byte("CONNECT {}\r\n"))
	s.Start(pool)
	select {
	case <-notified:
	case <-time.After(5 * time.Second):
		t.Fatal("no notification")
	}
	_, err := s.HandshakeState()
	if err == nil || !strings.Contains(err.Error(), "does not look like a TLS handshake") {
		t.Fatalf("handshake error %v", err)
	}
}

func TestFeedTakesAtMostTheHandshakeBound(t *testing.T) {
	p := getPKI(t)
	s := NewServerSession(&Config{TLS: p.serverTLS(0)}, nil)
	taken := s.Feed([]byte{0x16, 3, 1, 0xff, 0xff}) // a first record longer than any Feed will complete
	for range 200 {
		taken += s.Feed(make([]byte, 4096))
	}
	if taken != maxHandshakeInput {
		t.Fatalf("took %d bytes before the handshake, want %d", taken, maxHandshakeInput)
	}
	if done, err := s.HandshakeState(); done || err != nil {
		t.Fatalf("handshake state %v, %v after a refused Feed", done, err)
	}
	s.Close()
	if n := s.Feed(make([]byte, 10)); n != 10 {
		t.Fatalf("a closed session took %d of 10 bytes; it must take and drop them", n)
	}
}

func TestLooksLikeTLS(t *testing.T) {
	for _, c := range []struct {
		first byte
		want  bool
	}{{0x16, true}, {'C', false}, {'P', false}, {'c', false}, {0x80, false}, {0x15, false}} {
		if got := LooksLikeTLS(c.first); got != c.want {
			t.Errorf("LooksLikeTLS(%#x) = %v", c.first, got)
		}
	}
}

func TestFirstRecordComplete(t *testing.T) {
	record := append([]byte{0x16, 3, 1, 0, 3}, 'a', 'b', 'c')
	for i := range len(record) + 1 {
		if got, want := firstRecordComplete(record[:i]), i == len(record); got != want {
			t.Errorf("firstRecordComplete(%d of %d bytes) = %v", i, len(record), got)
		}
	}
	if !firstRecordComplete([]byte("C")) {
		t.Error("plaintext must go to crypto/tls at once, to be refused")
	}
}

func ExampleLooksLikeTLS() {
	fmt.Println(LooksLikeTLS("CONNECT {}\r\n"[0]), LooksLikeTLS(0x16))
	// Output: false true
}
