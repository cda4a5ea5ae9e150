package tlsconn

import (
	"crypto/tls"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clientHello returns the first flight of a real crypto/tls client, to replay into server sessions.
func clientHello(t *testing.T, p *testPKI) []byte {
	t.Helper()
	pool := NewPool(1)
	defer pool.Close()
	notified := make(chan struct{}, 1)
	c := NewClientSession(&Config{TLS: p.clientTLS()}, func() {
		select {
		case notified <- struct{}{}:
		default:
		}
	})
	defer c.Close()
	c.Start(pool)
	var hello []byte
	for len(hello) == 0 {
		select {
		case <-notified:
			hello = c.TakeOutput(nil)
		case <-time.After(5 * time.Second):
			t.Fatal("no ClientHello")
		}
	}
	return hello
}

// waitFor polls cond; for conditions no notification announces (goroutines exiting, counters).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestStalledPeersDoNotDelayOthers: with a single worker slot, forty peers stalled mid-handshake do not
// keep five others from completing theirs long before the stalled ones time out, and the stalled ones fail
// at the timeout.
func TestStalledPeersDoNotDelayOthers(t *testing.T) {
	const timeout = time.Second
	p := getPKI(t)
	hello := clientHello(t, p)
	serverPool, clientPool := newPools(t, 1)
	cfg := &Config{TLS: p.serverTLS(0), HandshakeTimeout: timeout}
	notified := make(chan struct{}, 1)
	notify := func() {
		select {
		case notified <- struct{}{}:
		default:
		}
	}

	start := time.Now()
	var halfHello, wholeHello []*Session
	for range 20 { // half a ClientHello, then silence: the first record never completes
		s := NewServerSession(cfg, notify)
		s.Start(serverPool)
		s.Feed(hello[:len(hello)/2])
		halfHello = append(halfHello, s)
	}
	for range 20 { // a whole ClientHello, then silence: the server answers and waits for a Finished
		s := NewServerSession(cfg, notify)
		s.Start(serverPool)
		s.Feed(hello)
		wholeHello = append(wholeHello, s)
	}
	answered := make(map[*Session]bool)
	for len(answered) < len(wholeHello) {
		select {
		case <-notified:
		case <-time.After(5 * time.Second):
			t.Fatalf("%d of %d servers answered a ClientHello", len(answered), len(wholeHello))
		}
		for _, s := range wholeHello {
			if len(s.TakeOutput(nil)) > 0 {
				answered[s] = true
			}
		}
	}
	waitFor(t, "answered handshakes to give their slot back", func() bool { return serverPool.Stats().Computing == 0 })
	if st := serverPool.Stats(); st.Handshakes != 40 || st.Running != 20 {
		t.Fatalf("pool %+v: want 40 handshakes, of which only the 20 with a whole ClientHello have a goroutine", st)
	}

	links := make([]*link, 5)
	for i := range links {
		links[i] = newLinkOn(notified, t, cfg, &Config{TLS: p.clientTLS()}, serverPool, clientPool, randomly)
	}
	runLinksUntil(t, "the other handshakes", links, func() bool {
		for _, l := range links {
			if !l.handshakeDone() {
				return false
			}
		}
		return true
	})
	t.Logf("5 handshakes done %v after 40 peers stalled (timeout %v)", time.Since(start), timeout)
	for _, s := range append(halfHello, wholeHello...) {
		if done, err := s.HandshakeState(); done || err != nil {
			t.Fatalf("a stalled handshake ended (%v, %v) before the others were done", done, err)
		}
	}

	stalled := append(halfHello, wholeHello...)
	waitFor(t, "the stalled handshakes to time out", func() bool {
		for _, s := range stalled {
			if _, err := s.HandshakeState(); err == nil {
				return false
			}
		}
		return true
	})
	if elapsed := time.Since(start); elapsed < timeout {
		t.Fatalf("stalled handshakes failed after %v, before the %v timeout", elapsed, timeout)
	}
	for _, s := range stalled {
		if _, err := s.HandshakeState(); !errors.Is(err, ErrHandshakeTimeout) {
			t.Fatalf("stalled handshake failed with %v, want ErrHandshakeTimeout", err)
		}
	}
	waitIdle(t, serverPool)
}

// TestTimeoutWhileQueuedForASlot: the timeout counts time spent waiting for a worker slot, and frees the
// waiting goroutine.
func TestTimeoutWhileQueuedForASlot(t *testing.T) {
	p := getPKI(t)
	hello := clientHello(t, p)
	pool := NewPool(1)
	defer pool.Close()
	unblock := make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(unblock) }) }
	defer release() // before pool.Close, which waits for the blocked handshake, even if the test fails
	holder := p.serverTLS(0)
	holder.GetCertificate = func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
		<-unblock // runs on the handshake goroutine, holding the only slot
		return &p.server, nil
	}
	a := NewServerSession(&Config{TLS: holder, HandshakeTimeout: time.Minute}, nil)
	a.Start(pool)
	a.Feed(hello)
	waitFor(t, "the first handshake to take the slot", func() bool { return pool.Stats().Computing == 1 })

	var notified atomic.Int32
	b := NewServerSession(&Config{TLS: p.serverTLS(0), HandshakeTimeout: 50 * time.Millisecond},
		func() { notified.Add(1) })
	b.Start(pool)
	b.Feed(hello)
	waitFor(t, "the second handshake to time out", func() bool { return notified.Load() > 0 })
	if _, err := b.HandshakeState(); !errors.Is(err, ErrHandshakeTimeout) || notified.Load() != 1 {
		t.Fatalf("queued handshake: %v, notified %d times", err, notified.Load())
	}
	waitFor(t, "the queued goroutine to leave", func() bool { return pool.Stats().Running == 1 })
	release()
	waitFor(t, "the first handshake to answer", func() bool { return len(a.TakeOutput(nil)) > 0 })
	a.Close()
	waitIdle(t, pool)
}

func TestCloseStopsAHandshakeWithoutNotifying(t *testing.T) {
	p := getPKI(t)
	hello := clientHello(t, p)
	pool := NewPool(1)
	defer pool.Close()
	var notified atomic.Int32
	s := NewServerSession(&Config{TLS: p.serverTLS(0)}, func() { notified.Add(1) })
	s.Start(pool)
	s.Feed(hello)
	waitFor(t, "the server's first flight", func() bool { return len(s.TakeOutput(nil)) > 0 })
	// Once its goroutine waits for the client, without a slot, it has made all the notify calls of its
	// writes; a late one could otherwise land after Close, which the contract allows.
	waitFor(t, "the handshake to wait for the client", func() bool { return pool.Stats().Computing == 0 })
	before := notified.Load()
	s.Close()
	waitIdle(t, pool)
	if _, err := s.HandshakeState(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("handshake state after Close: %v", err)
	}
	if n := notified.Load(); n != before {
		t.Fatalf("notified %d times after Close", n-before)
	}
}

func TestPoolCloseFailsRunningHandshakes(t *testing.T) {
	p := getPKI(t)
	hello := clientHello(t, p)
	pool := NewPool(1)
	cfg := &Config{TLS: p.serverTLS(0)}
	var notified atomic.Int32
	notify := func() { notified.Add(1) }
	waiting := NewServerSession(cfg, notify) // its goroutine waits for the client's Finished
	waiting.Start(pool)
	waiting.Feed(hello)
	waitFor(t, "the server's first flight", func() bool { return len(waiting.TakeOutput(nil)) > 0 })
	waitFor(t, "the handshake to wait for the client", func() bool { return pool.Stats().Computing == 0 })
	silent := NewServerSession(cfg, notify) // no goroutine yet
	silent.Start(pool)
	before := notified.Load()

	pool.Close() // returns once the handshake goroutines are gone
	if st := pool.Stats(); st != (PoolStats{}) {
		t.Fatalf("pool after Close: %+v", st)
	}
	for _, s := range []*Session{waiting, silent} {
		if _, err := s.HandshakeState(); !errors.Is(err, ErrPoolClosed) {
			t.Fatalf("handshake after pool Close: %v", err)
		}
	}
	if n := notified.Load() - before; n != 2 {
		t.Fatalf("%d notifications for 2 failed handshakes", n)
	}
	late := NewServerSession(cfg, notify)
	late.Start(pool)
	if _, err := late.HandshakeState(); !errors.Is(err, ErrPoolClosed) {
		t.Fatalf("Start on a closed pool: %v", err)
	}
}
