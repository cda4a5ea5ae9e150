package tlsconn

import (
	"bytes"
	"crypto/tls"
	"testing"
)

// TestLargeTransferBothWays sends 4 MiB each way at once, fed in random pieces of up to 64 KiB, and checks
// that it arrives intact and that neither side keeps a buffer of ours once everything is read.
func TestLargeTransferBothWays(t *testing.T) {
	const size = 4 << 20
	p := getPKI(t)
	for _, v := range versions {
		t.Run(v.name, func(t *testing.T) {
			serverPool, clientPool := newPools(t, 2)
			l := newLink(t, &Config{TLS: p.serverTLS(v.version)}, &Config{TLS: p.clientTLS()},
				serverPool, clientPool, randomlyLarge)
			l.writeChunk = 64 << 10
			up, down := randomBytes(size), randomBytes(size)
			l.client.unsent, l.server.unsent = up, down
			l.runUntil("4 MiB each way", func() bool {
				return len(l.server.received) >= size && len(l.client.received) >= size
			})
			if !bytes.Equal(l.server.received, up) || !bytes.Equal(l.client.received, down) {
				t.Fatal("data corrupted in transit")
			}
			for _, e := range []*endpoint{l.client, l.server} {
				if e.s.in != nil || e.s.out != nil {
					t.Fatal("an idle session still holds an input or output buffer")
				}
			}
		})
	}
}

// TestSessionTicketsResume: the client side processes the server's session tickets after its handshake
// (a TLS 1.3 post-handshake message, read inside ReadPlain), and a second connection resumes with them.
func TestSessionTicketsResume(t *testing.T) {
	p := getPKI(t)
	for _, v := range versions {
		t.Run(v.name, func(t *testing.T) {
			serverPool, clientPool := newPools(t, 2)
			serverCfg := &Config{TLS: p.serverTLS(v.version)}
			clientTLS := p.clientTLS()
			clientTLS.ClientSessionCache = tls.NewLRUClientSessionCache(4)
			clientCfg := &Config{TLS: clientTLS}

			first := newLink(t, serverCfg, clientCfg, serverPool, clientPool, randomly)
			first.server.unsent = []byte("INFO {}\r\n")
			first.runUntil("first connection", func() bool { return len(first.client.received) == 9 })
			if first.client.s.ConnectionState().DidResume {
				t.Fatal("the first connection resumed")
			}
			second := newLink(t, serverCfg, clientCfg, serverPool, clientPool, randomly)
			second.runUntil("second handshake", second.handshakeDone)
			if !second.client.s.ConnectionState().DidResume || !second.server.s.ConnectionState().DidResume {
				t.Fatal("the second connection did not resume")
			}
		})
	}
}

// TestDataAfterTheClientFinishedWaitsForTheHandshake: a TLS 1.3 client is done once it sends its Finished
// and may send at once; while the server's handshake is held (in VerifyConnection), Feed takes no more than
// its bound, and what it refused is taken once the handshake is over, intact.
func TestDataAfterTheClientFinishedWaitsForTheHandshake(t *testing.T) {
	p := getPKI(t)
	serverPool, clientPool := newPools(t, 2)
	unblock := make(chan struct{})
	serverTLS := p.serverTLS(tls.VersionTLS13)
	serverTLS.VerifyConnection = func(tls.ConnectionState) error { <-unblock; return nil }
	l := newLink(t, &Config{TLS: serverTLS}, &Config{TLS: p.clientTLS()}, serverPool, clientPool, randomlyLarge)
	l.writeChunk = 64 << 10
	up := randomBytes(2 << 20)
	l.client.unsent = up
	l.runUntil("the server to refuse input", func() bool { return l.refused > 0 })
	if done, _ := l.server.s.HandshakeState(); done || l.server.s.unreadIn() != maxHandshakeInput {
		t.Fatalf("server took %d bytes during its handshake (done %v)", l.server.s.unreadIn(), done)
	}
	close(unblock)
	l.runUntil("the data", func() bool { return len(l.server.received) >= len(up) })
	if !bytes.Equal(l.server.received, up) {
		t.Fatal("data corrupted in transit")
	}
}
