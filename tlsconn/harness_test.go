package tlsconn

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

// endpoint is one side of an in-memory connection, as an engine's loop holds it.
type endpoint struct {
	s        *Session
	wire     []byte // ciphertext taken from s and not yet fed to the peer
	unsent   []byte // plaintext still to write
	received []byte // plaintext read
	readErr  error  // the first error from ReadPlain other than ErrWouldBlock
	scratch  []byte // ReadPlain's destination
}

// link joins a client and a server session in memory. Its methods run on one goroutine, the test's, which
// plays the loop of both connections: after Start it is the only caller of their sessions, and it only
// calls Feed, TakeOutput, ReadPlain, WritePlain and HandshakeState. Handshakes run on the pools.
type link struct {
	t              testing.TB
	client, server *endpoint
	notified       chan struct{} // notify of both sessions; capacity 1, so notifications coalesce
	chunk          func(n int) int
	writeChunk     int
	refused        int // bytes a Feed did not take (and were fed again later)
}

// deliver modes: how many of n waiting wire bytes go to the peer in one Feed.
func whole(n int) int         { return n }
func oneByte(int) int         { return 1 }
func randomly(n int) int      { return 1 + rand.IntN(min(n, 1500)) }  // about one TCP segment's worth
func randomlyLarge(n int) int { return 1 + rand.IntN(min(n, 65536)) } // up to one gnet read buffer

func newLink(t testing.TB, serverCfg, clientCfg *Config, serverPool, clientPool *Pool, chunk func(int) int) *link {
	return newLinkOn(make(chan struct{}, 1), t, serverCfg, clientCfg, serverPool, clientPool, chunk)
}

// newLinkOn makes a link whose sessions notify on notified, which links driven together must share.
func newLinkOn(notified chan struct{}, t testing.TB, serverCfg, clientCfg *Config, serverPool, clientPool *Pool,
	chunk func(int) int) *link {
	l := &link{t: t, notified: notified, chunk: chunk, writeChunk: 16 << 10}
	notify := func() { // captures the channel only: a session kept after its link must not keep the link
		select {
		case notified <- struct{}{}:
		default:
		}
	}
	l.server = &endpoint{s: NewServerSession(serverCfg, notify), scratch: make([]byte, 4096)}
	l.client = &endpoint{s: NewClientSession(clientCfg, notify), scratch: make([]byte, 4096)}
	l.server.s.Start(serverPool)
	l.client.s.Start(clientPool)
	return l
}

// step does one round of loop work for both sides and reports whether anything moved.
func (l *link) step() bool {
	progress := false
	for _, e := range []*endpoint{l.client, l.server} {
		n := len(e.wire)
		e.wire = e.s.TakeOutput(e.wire)
		if done, _ := e.s.HandshakeState(); done && len(e.unsent) > 0 {
			k := min(len(e.unsent), l.writeChunk)
			var err error
			if e.wire, err = e.s.WritePlain(e.wire, e.unsent[:k]); err != nil {
				l.t.Fatalf("WritePlain: %v", err)
			}
			e.unsent = e.unsent[k:]
		}
		progress = progress || len(e.wire) > n
	}
	for _, dir := range [2][2]*endpoint{{l.client, l.server}, {l.server, l.client}} {
		from, to := dir[0], dir[1]
		if len(from.wire) > 0 {
			k := l.chunk(len(from.wire))
			n := to.s.Feed(from.wire[:k]) // what it does not take waits here, as in gnet's buffer
			l.refused += k - n
			from.wire = from.wire[:copy(from.wire, from.wire[n:])]
			progress = progress || n > 0
		}
		if to.drain() {
			progress = true
		}
	}
	return progress
}

// drain reads plaintext until the session would block, as the engine does after each Feed.
func (e *endpoint) drain() bool {
	got := false
	for e.readErr == nil {
		n, err := e.s.ReadPlain(e.scratch)
		e.received = append(e.received, e.scratch[:n]...)
		got = got || n > 0
		if errors.Is(err, ErrWouldBlock) {
			break
		}
		if err != nil {
			e.readErr = err
		}
	}
	return got
}

// runUntil steps the link until cond holds; when nothing moves it waits for a notification, and never
// polls, so a session that fails to notify makes it time out.
func (l *link) runUntil(what string, cond func() bool) {
	l.t.Helper()
	runLinksUntil(l.t, what, []*link{l}, cond)
}

func runLinksUntil(t testing.TB, what string, links []*link, cond func() bool) {
	t.Helper()
	deadline := time.After(30 * time.Second) // generous: other builds may share the CPU
	for !cond() {
		progress := false
		for _, l := range links {
			progress = l.step() || progress
		}
		if progress || cond() { // a step may change the outcome without moving bytes (a read error)
			continue
		}
		select {
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		case <-links[0].notified: // shared by all links; no polling, so a missing notify fails the test
		}
	}
}

func (l *link) handshakeDone() bool {
	c, _ := l.client.s.HandshakeState()
	s, _ := l.server.s.HandshakeState()
	return c && s
}

// handshakeOver is true once both sides have an outcome, success or failure.
func (e *endpoint) handshakeOver() bool {
	done, err := e.s.HandshakeState()
	return done || err != nil
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rand.Uint32())
	}
	return b
}
