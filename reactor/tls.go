package reactor

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"slices"
	"time"

	"github.com/panjf2000/gnet/v2"

	"github.com/reactor-nats/reactor/tlsconn"
)

// TLS on the client port, as nats-server does it:
//
//   - By default the INFO goes out in plaintext with tls_required, and the client's next bytes must start a
//     TLS handshake; a plaintext client is closed without a word (with allow_non_tls it may go on in
//     plaintext). With handshake_first the handshake comes first and the INFO follows, encrypted.
//   - The handshake runs on tlsconn's pool, off the loops. Until it ends the loop only feeds the session
//     the bytes that arrive and writes what it has for the peer, when the session notifies it.
//   - After it, the loop owns the session: arriving ciphertext is decrypted into c.plainIn, which the usual
//     parser reads (a partial op stays there); output is encrypted as it is written (writeTLS).

type tlsPhase uint8

const (
	tlsNone      tlsPhase = iota // plaintext
	tlsExpect                    // the plaintext INFO is out; the client's first byte decides
	tlsHandshake                 // the session is handshaking
	tlsReady                     // encrypted traffic
)

// plainChunk is the room made for plaintext before each ReadPlain (a TLS record holds at most 16 KiB).
const plainChunk = 64 << 10

// startTLS begins c's handshake. It runs on c's loop.
func (c *client) startTLS() {
	cfg := c.srv.tlsCfg
	if c.ws != nil {
		cfg = c.srv.wsTLSCfg
	}
	c.tls = tlsconn.NewServerSession(cfg, c.notifyTLS)
	c.tlsPhase = tlsHandshake
	c.tls.Start(c.srv.tlsPool)
}

// notifyTLS is the session's call for the loop's attention, from a handshake goroutine or timer.
func (c *client) notifyTLS() {
	_ = c.loop.el.Execute(context.Background(), gnet.RunnableFunc(func(context.Context) error {
		c.tlsProgress()
		return nil
	}))
}

// tlsProgress writes what the handshake has for the peer and acts on its outcome. It runs on c's loop.
func (c *client) tlsProgress() {
	if c.closing || c.gone() || c.tls == nil || c.tlsPhase != tlsHandshake {
		return
	}
	defer c.loop.endCallback()
	c.flushTLS()
	done, err := c.tls.HandshakeState()
	switch {
	case err != nil:
		c.srv.log.Debug().Uint64("cid", c.cid).Str("ip", c.host).Err(err).Msg("TLS handshake error")
		c.setReason(reasonTLSHandshake)
		c.closeWithErr(nil)
	case done:
		c.tlsPhase = tlsReady
		if c.infoAfterTLS {
			b := c.buffer()
			b.B = c.srv.lim().info.appendClientInfo(b.B, c.cid, c.host, c.nonce, c.ws != nil)
		}
		if c.loop.epollFD > 0 && c.pausedUntil == 0 && !c.authPending {
			_ = c.setReading(true) // paused if the handshake could not take everything that arrived
		}
		// The client may have sent its first ops right behind its Finished, into the session already.
		c.lastInput = time.Now().UnixNano()
		c.loop.now = c.lastInput
		if c.readPlain() == gnet.Close && !c.gone() {
			_ = c.conn.Close()
			return
		}
		if !c.gone() && c.conn.InboundBuffered() > 0 {
			_ = c.conn.Wake(nil) // and more may wait in gnet's buffer, left there while handshaking
		}
	}
}

// onTLSTraffic is OnTraffic for a connection on the TLS port: the first byte's check, the handshake, and
// decryption. It returns what OnTraffic should.
func (c *client) onTLSTraffic(gc gnet.Conn) gnet.Action {
	buf, _ := gc.Peek(-1)
	if len(buf) == 0 {
		return gnet.None
	}
	if c.tlsPhase == tlsExpect {
		if !tlsconn.LooksLikeTLS(buf[0]) { // (with allow_non_tls OnTraffic has already let it through)
			c.srv.log.Debug().Uint64("cid", c.cid).Str("ip", c.host).Msg("plaintext client on a TLS port")
			c.setReason(reasonTLSHandshake)
			_, _ = gc.Discard(-1)
			return gnet.Close // nats-server closes without an -ERR
		}
		c.startTLS()
	}
	took := c.tls.Feed(buf)
	if took > 0 {
		_, _ = gc.Discard(took) // Discard(0) would drop everything gnet holds
	}
	if c.tlsPhase == tlsHandshake {
		if took < len(buf) && c.loop.epollFD > 0 && c.pausedUntil == 0 {
			_ = c.setReading(false) // the rest waits in gnet's buffer for the handshake's end
		}
		return gnet.None
	}
	c.lastInput = c.loop.now
	return c.readPlain()
}

// readPlain decrypts what has been fed and parses it. It runs on c's loop, in a callback.
func (c *client) readPlain() gnet.Action {
	if c.ws != nil {
		return c.readPlainWS()
	}
	// Decrypt into the loop's buffer, after the partial op carried from the last read, and parse it there:
	// only what is left unparsed is copied out, to c.plainIn.
	in := append(c.loop.plainBuf[:0], c.plainIn...)
	closed := c.decryptInto(&in)
	c.flushTLS() // answers crypto/tls wrote from inside Read (a TLS 1.3 KeyUpdate)
	action := c.parseCarrying(in)
	c.loop.plainBuf = reuse(in)
	return c.afterDecrypt(action, closed)
}

// readPlainWS is readPlain on wss: the decrypted bytes go through the WebSocket layer first.
func (c *client) readPlainWS() gnet.Action {
	closed := c.decryptInto(&c.wsRaw)
	c.flushTLS()
	action := gnet.None
	if len(c.wsRaw) > 0 {
		var used int
		used, action = c.wsInput(c.wsRaw)
		rest := copy(c.wsRaw, c.wsRaw[used:])
		c.wsRaw = c.wsRaw[:rest]
		if rest == 0 && cap(c.wsRaw) > plainChunk {
			c.wsRaw = nil
		}
	}
	if action == gnet.None {
		action = c.parsePlain()
	}
	return c.afterDecrypt(action, closed)
}

// decryptInto appends every complete record's plaintext to *dst. It returns the session's final error
// (io.EOF for a close_notify), or nil when it only needs more input.
func (c *client) decryptInto(dst *[]byte) error {
	in := *dst
	defer func() { *dst = in }()
	for {
		if cap(in)-len(in) < plainChunk/4 {
			in = slices.Grow(in, plainChunk)
		}
		n, err := c.tls.ReadPlain(in[len(in):cap(in)])
		in = in[:len(in)+n]
		if errors.Is(err, tlsconn.ErrWouldBlock) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// afterDecrypt closes the connection once its input is processed if the session has ended.
func (c *client) afterDecrypt(action gnet.Action, closed error) gnet.Action {
	if closed != nil && action == gnet.None {
		if !errors.Is(closed, io.EOF) {
			c.srv.log.Debug().Uint64("cid", c.cid).Err(closed).Msg("TLS read error")
		}
		return gnet.Close
	}
	return action
}

// parsePlain applies the complete ops in c.plainIn and keeps the rest for the next read.
func (c *client) parsePlain() gnet.Action { return c.parseCarrying(c.plainIn) }

// parseCarrying applies the complete ops in in (c.plainIn itself, or a loop buffer it was copied into) and
// keeps what is left in c.plainIn for the next read: a partial op, or everything while an auth verdict is
// pending.
func (c *client) parseCarrying(in []byte) gnet.Action {
	used, action := 0, gnet.None
	if !c.authPending && len(in) > 0 {
		used, action = c.readOps(in)
	}
	c.plainIn = append(c.plainIn[:0], in[used:]...)
	if len(c.plainIn) == 0 && cap(c.plainIn) > plainChunk {
		c.plainIn = nil // an idle connection keeps no large buffer
	}
	if c.authWaitOverflow(len(c.plainIn)) {
		return gnet.None
	}
	return action
}

// resumeInput processes input that waited for an auth verdict: for TLS it is already decrypted in
// c.plainIn, otherwise gnet holds it and is asked to call OnTraffic again.
func (c *client) resumeInput() {
	if c.tls != nil || c.ws != nil {
		if action := c.parsePlain(); action == gnet.Close && !c.gone() {
			_ = c.conn.Close()
		}
		return
	}
	if c.conn.InboundBuffered() > 0 {
		_ = c.conn.Wake(nil)
	}
}

// certIdentities are the names verify_and_map tries for a client certificate, in nats-server's order: the
// subject in RFC 2253 form, then e-mail addresses, DNS names and URIs.
func certIdentities(chain []*x509.Certificate) []string {
	if len(chain) == 0 {
		return []string{}
	}
	cert := chain[0]
	ids := []string{cert.Subject.String()}
	ids = append(ids, cert.EmailAddresses...)
	ids = append(ids, cert.DNSNames...)
	for _, u := range cert.URIs {
		ids = append(ids, u.String())
	}
	return ids
}

// flushTLS writes the ciphertext the session has for the peer (handshake flights, alerts, answers to a
// KeyUpdate).
func (c *client) flushTLS() {
	c.sendCipher(c.tls.TakeOutput(c.loop.tlsOut[:0]))
}

// writeTLS encrypts chunks of output into the loop's scratch buffer and writes the records at once.
func (c *client) writeTLS(chunks [][]byte) {
	if c.tlsPhase != tlsReady {
		return // nothing can be said before the handshake is over (a timeout's -ERR is dropped)
	}
	out := c.loop.tlsOut[:0]
	var err error
	for _, p := range chunks {
		if out, err = c.tls.WritePlain(out, p); err != nil {
			break
		}
	}
	c.sendCipher(out)
}

// sendCipher writes ciphertext built in the loop's tlsOut scratch, and keeps the scratch for the next time.
func (c *client) sendCipher(out []byte) {
	if len(out) > 0 {
		c.queuedBytes += int64(len(out))
		_, _ = c.conn.Write(out) // gnet copies what the socket does not take
	}
	c.loop.tlsOut = reuse(out)
}

// maxScratch bounds the loop's scratch buffers kept between callbacks: one that grew past it for a burst
// is dropped rather than held for good.
const maxScratch = 4 << 20

// reuse returns scratch emptied for its next use, or nil when it grew past maxScratch.
func reuse(scratch []byte) []byte {
	if cap(scratch) > maxScratch {
		return nil
	}
	return scratch[:0]
}
