package reactor

import (
	"errors"
	"time"

	"github.com/panjf2000/gnet/v2"

	"github.com/reactor-nats/reactor/ws"
)

// The websocket listener serves the NATS client protocol inside WebSocket frames, for browsers (nats.ws)
// and other WebSocket clients, as nats-server's websocket block does. It shares the loops with the client
// port: a connection accepted on it is a client whose bytes pass through the ws codec.
//
//   - Until the HTTP upgrade, its input is the request (ws.Upgrader); the 101 response goes out, then the
//     INFO, framed. A connection that does not finish its handshake within the handshake timeout is
//     closed.
//   - After it, frames are decoded as they arrive (ws.Decoder streams payload pieces); the NATS bytes they
//     carry go to c.plainIn, where the usual parser reads them. Pings are answered, a close is echoed and
//     the connection closed.
//   - Output is framed when written (writeWS): binary frames, compressed when negotiated, at most
//     ws.BrowserFrameSize to browsers, as nats-server sends them.

// wsConn is the WebSocket state of one connection.
type wsConn struct {
	upgraded bool
	compress bool // permessage-deflate negotiated
	browser  bool // frames of at most ws.BrowserFrameSize
	noFrag   bool // a Safari browser: compressed messages go unfragmented
	dec      ws.Decoder

	// Credentials from the configured cookies, used where CONNECT leaves them out (as nats-server).
	jwt, user, pass, token string
}

// WebSocketOptions are the websocket listener's settings (nats-server's websocket block).
type WebSocketOptions struct {
	Host             string // DefaultHost when empty
	Port             int    // 0 picks an ephemeral port (tests)
	Upgrader         ws.UpgraderConfig
	HandshakeTimeout time.Duration // DefaultWSHandshakeTimeout when 0
	// TLS serves wss: the TLS handshake first, then the HTTP upgrade inside it. NoTLS (no_tls) serves
	// plain ws; one of the two must be set, as nats-server requires.
	TLS   *TLSOptions
	NoTLS bool
}

// DefaultWSHandshakeTimeout bounds the HTTP upgrade (nats-server's websocket handshake_timeout default).
const DefaultWSHandshakeTimeout = 2 * time.Second

// onWSTraffic is OnTraffic for a plain (ws://) connection of the websocket listener.
func (c *client) onWSTraffic(gc gnet.Conn) gnet.Action {
	buf, _ := gc.Peek(-1)
	consumed, action := c.wsInput(buf)
	if consumed > 0 && !c.gone() {
		_, _ = gc.Discard(consumed)
	}
	if action != gnet.None {
		return action
	}
	c.lastInput = c.loop.now
	return c.parsePlain()
}

// wsInput reads the handshake or the frames at the start of buf, appends the NATS bytes they carry to
// c.plainIn, and returns how much of buf it consumed.
func (c *client) wsInput(buf []byte) (consumed int, action gnet.Action) {
	if !c.ws.upgraded {
		out, hs := c.srv.wsUpgrader.Upgrade(c.loop.wsOut[:0], buf, time.Now())
		switch hs.Status {
		case ws.NeedMore:
			return 0, gnet.None
		case ws.Refused:
			c.writeRaw(out)
			c.srv.log.Debug().Uint64("cid", c.cid).Str("ip", c.host).Err(hs.Err).Msg("websocket handshake error")
			if hs.Close {
				c.setReason(reasonProtocolViolation)
				return hs.N, gnet.Close
			}
			return hs.N, gnet.None
		}
		c.writeRaw(out) // the 101, before any frame
		consumed = hs.N
		c.ws.upgraded, c.ws.compress = true, hs.Compress
		c.ws.browser, c.ws.noFrag = hs.Browser, hs.NoCompressedFragments
		c.ws.jwt, c.ws.user, c.ws.pass, c.ws.token = hs.JWT, hs.Username, hs.Password, hs.Token
		opts := hs.DecoderOptions(ws.DefaultLimits(c.parser.Limits.MaxPayload))
		opts.SkipUTF8 = true // nats-server takes text frames as bytes; the NATS parser checks the protocol
		c.ws.dec.Reset(opts)
		b := c.buffer()
		b.B = c.srv.lim().info.appendClientInfo(b.B, c.cid, c.host, c.nonce, true)
	}
	in := buf[consumed:]
	// Until Next says None: a compressed message's inflated chunks come out without more input.
	for {
		ev, n, err := c.ws.dec.Next(in)
		in = in[n:]
		consumed += n
		if err != nil {
			var we *ws.Error
			if errors.As(err, &we) {
				c.writeRaw(ws.AppendClose(c.loop.wsOut[:0], we.Code, we.Reason))
			}
			c.srv.log.Debug().Uint64("cid", c.cid).Err(err).Msg("websocket protocol error")
			c.setReason(reasonProtocolViolation)
			return consumed, gnet.Close
		}
		switch ev.Kind {
		case ws.Data:
			c.plainIn = append(c.plainIn, ev.Payload...)
		case ws.Ping:
			c.writeRaw(ws.AppendPong(c.loop.wsOut[:0], ev.Payload))
		case ws.Close:
			c.writeRaw(ws.AppendClose(c.loop.wsOut[:0], ev.Code, string(ev.Payload)))
			return consumed, gnet.Close
		}
		if ev.Kind == ws.None {
			break
		}
	}
	return consumed, gnet.None
}

// writeRaw writes bytes that are already framed (a handshake response, control frames, framed output),
// ahead of any output still held for the connection: encrypted first on a wss connection. b is the loop's
// wsOut scratch, kept for the next frames.
func (c *client) writeRaw(b []byte) {
	if len(b) > 0 && !c.gone() {
		if c.tls != nil {
			c.writeTLS([][]byte{b})
		} else {
			c.queuedBytes += int64(len(b))
			_, _ = c.conn.Write(b)
		}
	}
	c.loop.wsOut = reuse(b)
}

// wsFrame appends p framed for c: binary, compressed when negotiated (and worth it), cut to the browser
// frame size for browsers.
func (c *client) wsFrame(dst, p []byte) []byte {
	maxFrame := 0
	if c.ws.browser {
		maxFrame = ws.BrowserFrameSize
	}
	if c.ws.compress && len(p) > ws.MinCompressSize {
		if c.ws.noFrag {
			maxFrame = 0
		}
		return ws.AppendCompressed(dst, ws.OpBinary, p, maxFrame)
	}
	for maxFrame > 0 && len(p) > maxFrame {
		dst = ws.AppendBinary(dst, p[:maxFrame])
		p = p[maxFrame:]
	}
	return ws.AppendBinary(dst, p)
}

// wsHandshakeExpired reports whether a websocket connection has not upgraded within the timeout.
func (c *client) wsHandshakeExpired(now int64) bool {
	timeout := c.srv.opts.WebSocket.HandshakeTimeout
	if timeout <= 0 {
		timeout = DefaultWSHandshakeTimeout
	}
	return now-c.start > int64(timeout)
}

// writeWS frames chunks of output into the loop's scratch buffer and writes them at once.
func (c *client) writeWS(chunks [][]byte) {
	if !c.ws.upgraded {
		return // nothing is said before the upgrade
	}
	out := c.loop.wsOut[:0]
	for _, p := range chunks {
		out = c.wsFrame(out, p)
	}
	c.writeRaw(out)
}
