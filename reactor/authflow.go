package reactor

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net"
	"time"

	"github.com/panjf2000/gnet/v2"

	"github.com/reactor-nats/reactor/auth"
	"github.com/reactor-nats/reactor/codec"
)

// How a connection is admitted when the server requires authentication, as nats-server does it:
//
//   - Until its CONNECT has been accepted, any other op is an 'Authorization Violation' and closes it.
//   - CONNECT goes to the auth pool (authpool.go). Until the answer comes back the connection's reads are
//     paused and the bytes after CONNECT stay unparsed in gnet's buffer (so a client that pipelines SUBs
//     and PUBs behind its CONNECT waits, bounded by its socket buffers, and nothing it sent is lost).
//   - The answer is applied on the connection's loop: refused, it gets -ERR 'Authorization Violation' and
//     is closed; accepted, it is bound to its account and permissions, reading resumes and the buffered
//     input is processed.
//   - A connection not admitted within the auth timeout gets -ERR 'Authentication Timeout' and is closed;
//     one whose credentials expire while connected gets -ERR 'User Authentication Expired'.

// newNonce returns the nonce a connection's INFO carries when nkey or JWT users must sign it.
func newNonce() string {
	var b [11]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// startAuth hands c's CONNECT to the auth pool. It runs on c's loop inside readOps, which stops parsing
// while c.authPending is set.
func (c *client) startAuth(a *auth.Authenticator, o *connectOptions) {
	c.authPending = true
	if c.loop.epollFD > 0 && c.pausedUntil == 0 {
		_ = c.setReading(false)
	}
	c.authReq = &auth.Request{
		User:     o.User,
		Pass:     o.Pass,
		Token:    o.AuthToken,
		Nkey:     o.Nkey,
		Sig:      o.Sig,
		JWT:      o.JWT,
		Nonce:    c.nonce,
		RemoteIP: c.ip(),
		Now:      time.Now(),
	}
	if w := c.ws; w != nil {
		r := c.authReq
		r.ConnType = "WEBSOCKET"
		fill := func(field *string, cookie string) {
			if *field == "" {
				*field = cookie
			}
		}
		fill(&r.JWT, w.jwt)
		fill(&r.User, w.user)
		fill(&r.Pass, w.pass)
		fill(&r.Token, w.token)
	}
	if t := c.srv.opts.TLS; t != nil && t.VerifyAndMap && c.tls != nil && c.ws == nil {
		c.authReq.CertIdentities = certIdentities(c.tls.ConnectionState().PeerCertificates)
	}
	c.srv.authWorkers.submit(&authJob{c: c, a: a, req: *c.authReq})
}

// finishAuth applies the pool's answer on c's loop.
func (c *client) finishAuth(g *auth.Grant, err error) {
	if c.closing || c.gone() {
		return
	}
	c.authPending = false
	defer c.loop.endCallback()
	if err == nil {
		err = c.bind(g)
	}
	if errors.Is(err, errAccountFull) {
		c.srv.log.Debug().Uint64("cid", c.cid).Str("account", g.Account).Msg("account connection limit reached")
		c.closeWithErr(codec.ErrAccountConnections)
		return
	}
	if err != nil {
		c.srv.log.Debug().Uint64("cid", c.cid).Str("ip", c.host).Err(err).Msg("authentication failed")
		c.setReason(reasonAuthViolation)
		c.closeWithErr(codec.ErrAuthViolation)
		return
	}
	c.authed = true
	c.srv.log.Debug().Uint64("cid", c.cid).Str("user", c.user).Str("account", c.acct.name).Msg("client authorized")
	c.ok()
	if c.loop.epollFD > 0 && c.pausedUntil == 0 {
		_ = c.setReading(true)
	}
	c.resumeInput()
}

// errAccountFull refuses a connection its account has no room for.
var errAccountFull = errors.New("account connection limit reached")

// ip is the remote address, for source-network checks.
func (c *client) ip() net.IP { return net.ParseIP(c.host) }

// bind attaches c to the account, permissions and limits of its grant.
func (c *client) bind(g *auth.Grant) error {
	acct, err := c.srv.accountNamed(g.Account)
	if err != nil {
		return err
	}
	if !acct.admit() {
		return errAccountFull
	}
	c.acct.leave()
	c.acct = acct
	c.user = g.User
	c.grant(g)
	return nil
}

// grant applies the permissions, expiry and limits of g to c, bound to its account.
func (c *client) grant(g *auth.Grant) {
	acct := c.acct
	c.perms = nil
	if g.Permissions != nil {
		c.perms = newPermissions(g.Permissions)
	}
	c.expires = 0
	if !g.Expires.IsZero() {
		c.expires = g.Expires.UnixNano()
	}
	c.accountExpires = false
	if exp := acct.cur().expires; exp != 0 && (c.expires == 0 || exp < c.expires) {
		c.expires, c.accountExpires = exp, true
	}
	c.maxSubs = tighter(c.maxSubs, g.MaxSubs)
	if mp := tighter(c.parser.Limits.MaxPayload, g.MaxPayload, acct.cur().limits.MaxPayload); mp > 0 {
		c.parser.Limits.MaxPayload = mp
	}
}

// tighter returns the smallest of the limits that are set: cur (0 = none) and the int64 limits (-1 = none).
func tighter(cur int, limits ...int64) int {
	for _, l := range limits {
		if l >= 0 && (cur == 0 || int(l) < cur) {
			cur = int(l)
		}
	}
	return cur
}

// checkAuthTimers closes c if it was not admitted within the auth timeout, or if its credentials expired.
// It runs in the loop's sweep and reports whether c was closed.
func (c *client) checkAuthTimers(now int64, lim *limits) bool {
	switch {
	case !c.authed && lim.auth != nil && now-c.start > int64(lim.auth.Timeout()):
		c.srv.log.Debug().Uint64("cid", c.cid).Str("ip", c.host).Msg("authentication timeout")
		c.closeWithErr(codec.ErrAuthTimeout)
		return true
	case c.expires != 0 && now >= c.expires:
		c.srv.log.Debug().Uint64("cid", c.cid).Str("user", c.user).Msg("authorization expired")
		c.setReason(reasonAuthExpired)
		if c.accountExpires {
			c.closeWithErr(codec.ErrAccountExpired)
		} else {
			c.closeWithErr(codec.ErrAuthExpired)
		}
		return true
	}
	return false
}

// authWaitOverflow closes c when more input waits for its auth verdict than one op may take, and reports
// whether it did.
func (c *client) authWaitOverflow(waiting int) bool {
	if !c.authPending || waiting <= c.parser.Limits.MaxControlLine+c.parser.Limits.MaxPayload {
		return false
	}
	c.setReason(reasonAuthViolation)
	c.closeWithErr(codec.ErrAuthViolation)
	return true
}

// refuseBeforeConnect answers any op but CONNECT from a connection not yet admitted.
func (c *client) refuseBeforeConnect() gnet.Action {
	c.setReason(reasonAuthViolation)
	return c.protocolError(codec.ErrAuthViolation)
}
