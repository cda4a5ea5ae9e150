package reactor

import (
	"strconv"

	"github.com/reactor-nats/reactor/auth"
	"github.com/reactor-nats/reactor/codec"
)

// permissions are what one connection may publish and subscribe to. The allow and deny lists are the auth
// package's Checker, which caches its answers so the publish path does not walk the lists per message;
// this adds allow_responses, which depends on what the connection has received, so it lives with the
// connection. Loop-owned, like the rest of the client.
type permissions struct {
	check     *auth.Checker
	responses *auth.ResponsePermission // allow_responses; nil when not granted
	replies   map[string]*replyGrant   // reply subjects of requests received, publishable under allow_responses
}

// replyGrant is one reply subject a client may answer on, so many times, until expires (0 = no expiry).
type replyGrant struct {
	left    int
	expires int64
}

// maxReplyGrants bounds the reply subjects remembered for one connection; past it, expired ones are pruned
// and, if none are, the oldest are forgotten with the rest (a responder that never answers loses nothing
// it would have used).
const maxReplyGrants = 16 << 10

func newPermissions(p *auth.Permissions) *permissions {
	return &permissions{check: auth.NewChecker(p), responses: p.Response}
}

// canPublish reports whether c may publish to subject: by its lists, or as a reply to a request it got.
func (p *permissions) canPublish(subject []byte, now int64) bool {
	if p.check.CanPublish(subject) {
		return true
	}
	g := p.replies[string(subject)]
	if g == nil {
		return false
	}
	if g.expires != 0 && now > g.expires {
		delete(p.replies, string(subject))
		return false
	}
	if g.left--; g.left <= 0 {
		delete(p.replies, string(subject))
	}
	return true
}

// noteRequest remembers the reply subject of a request delivered to a connection with allow_responses.
func (p *permissions) noteRequest(reply []byte, now int64) {
	if p.responses == nil || len(reply) == 0 {
		return
	}
	if len(p.replies) >= maxReplyGrants {
		p.pruneReplies(now)
	}
	if p.replies == nil {
		p.replies = make(map[string]*replyGrant)
	}
	g := &replyGrant{left: max(1, p.responses.MaxMsgs)}
	if p.responses.Expires > 0 {
		g.expires = now + int64(p.responses.Expires)
	}
	p.replies[string(reply)] = g
}

func (p *permissions) pruneReplies(now int64) {
	for k, g := range p.replies {
		if g.expires != 0 && now > g.expires {
			delete(p.replies, k)
		}
	}
	if len(p.replies) >= maxReplyGrants {
		clear(p.replies)
	}
}

// appendPermissionViolation appends nats-server's -ERR for a refused PUB or SUB; sid names a subscription a
// reload took away.
func appendPermissionViolation(dst []byte, op string, subject, queue, sid []byte) []byte {
	text := make([]byte, 0, 64+len(subject)+len(queue))
	text = append(text, "Permissions Violation for "...)
	text = append(text, op...)
	text = append(text, " to "...)
	text = strconv.AppendQuote(text, string(subject))
	if len(queue) > 0 {
		text = append(text, " using queue "...)
		text = strconv.AppendQuote(text, string(queue))
	}
	if sid != nil {
		text = append(text, " (sid "...)
		text = strconv.AppendQuote(text, string(sid))
		text = append(text, ')')
	}
	return codec.AppendErr(dst, string(text))
}

// refusePublish answers a PUB the connection may not make. The connection stays open, as in nats-server.
func (c *client) refusePublish(subject []byte) {
	c.srv.log.Debug().Uint64("cid", c.cid).Bytes("subject", subject).Msg("publish permission violation")
	b := c.buffer()
	b.B = appendPermissionViolation(b.B, "Publish", subject, nil, nil)
}

func (c *client) refuseSubscribe(subject, queue []byte) {
	c.srv.log.Debug().Uint64("cid", c.cid).Bytes("subject", subject).Msg("subscribe permission violation")
	b := c.buffer()
	b.B = appendPermissionViolation(b.B, "Subscription", subject, queue, nil)
}
