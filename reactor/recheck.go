package reactor

import (
	"errors"
	"time"

	"github.com/reactor-nats/reactor/auth"
)

// After a reload that changes authentication, every admitted client is checked again with the credentials
// it connected with, as nats-server does: a client the new configuration refuses, or puts in another
// account, is closed; one it still admits gets its new permissions, and loses (with an -ERR naming each)
// the subscriptions they no longer allow.

// recheckClients hands every admitted client to the auth pool for a new verdict from a, or, when a is nil
// (authentication turned off), lifts every restriction.
func (s *Server) recheckClients(a *auth.Authenticator) {
	s.onEveryLoop(func(l *loop, now time.Time) {
		for _, c := range l.clients {
			if c.kind != kindClient || c.closing || !c.authed {
				continue
			}
			if a == nil {
				c.grant(&auth.Grant{MaxSubs: -1, MaxPayload: -1})
				c.subs.each(func(sub *subscription) { sub.filter.Store(nil) })
				continue
			}
			var req auth.Request
			if c.authReq != nil {
				req = *c.authReq
			}
			req.Now = now
			s.authWorkers.submit(&authJob{c: c, a: a, req: req, recheck: true})
		}
	})
}

// finishRecheck applies a reload's verdict on c's loop.
func (c *client) finishRecheck(g *auth.Grant, err error) {
	if c.closing || c.gone() {
		return
	}
	defer c.loop.endCallback()
	if err == nil && g.Account != c.acct.name && !(g.Account == "" && c.acct == c.srv.global) {
		err = errAccountChanged
	}
	if err != nil {
		c.srv.log.Info().Uint64("cid", c.cid).Str("user", c.user).Err(err).Msg("Closing client: not authorized after reload")
		c.setReason(reasonAuthViolation)
		c.closeWithErr(nil) // nats-server closes it without an -ERR
		return
	}
	c.grant(g)
	var denied []*subscription
	c.subs.each(func(sub *subscription) {
		subject, queue := []byte(sub.entry.Subject), []byte(sub.entry.Queue)
		if c.perms != nil && !c.perms.check.CanSubscribe(subject, queue) {
			denied = append(denied, sub)
			return
		}
		var f *auth.DeliverFilter
		if c.perms != nil {
			f = c.perms.check.DeliverFilter(subject, queue)
		}
		sub.filter.Store(f)
	})
	for _, sub := range denied {
		c.srv.log.Info().Uint64("cid", c.cid).Str("user", c.user).Str("subject", sub.entry.Subject).
			Msg("Removed sub: not authorized")
		b := c.buffer()
		b.B = appendPermissionViolation(b.B, "Subscription", []byte(sub.entry.Subject), nil, sub.sid)
		c.unsubscribe(sub)
	}
}

var errAccountChanged = errors.New("the reloaded configuration puts the user in another account")
