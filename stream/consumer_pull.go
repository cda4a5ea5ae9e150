package stream

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/reactor-nats/reactor/stream/store"
)

// pullRequest is one CONSUMER.MSG.NEXT request waiting for messages.
type pullRequest struct {
	reply     string
	remaining int   // messages still wanted
	maxBytes  int   // 0: no bound
	bytes     int   // delivered so far
	sent      int   // messages delivered so far
	expires   int64 // unix ns; 0 never
	noWait    bool  // answered 404 once it has had what there is (with expires: at least one message)
	heartbeat int64 // idle_heartbeat in ns; 0 none
	lastSent  int64 // unix ns of the request or its last delivery or heartbeat
}

// nextRequest is MSG.NEXT's JSON body (a bare number is a batch size).
type nextRequest struct {
	Expires   time.Duration `json:"expires,omitempty"`
	Batch     int           `json:"batch,omitempty"`
	MaxBytes  int           `json:"max_bytes,omitempty"`
	NoWait    bool          `json:"no_wait,omitempty"`
	Heartbeat time.Duration `json:"idle_heartbeat,omitempty"`
}

// Status lines of the messages a pull request is answered with, as nats-server writes them.
const (
	statusNoMessages      = "NATS/1.0 404 No Messages\r\n\r\n"
	statusConsumerDeleted = "NATS/1.0 409 Consumer Deleted\r\n\r\n"
	statusMaxWaiting      = "NATS/1.0 409 Exceeded MaxWaiting\r\n\r\n"
	statusPushBased       = "NATS/1.0 409 Consumer is push based\r\n\r\n"
	statusRequestsPending = "NATS/1.0 408 Requests Pending\r\n\r\n"
	statusHeartbeatLarge  = "NATS/1.0 400 Bad Request - heartbeat value too large\r\n\r\n"
)

func status409(reason string) string { return "NATS/1.0 409 " + reason + "\r\n\r\n" }

// timeoutStatus is the 408 a request gets when it expires: what it still wanted.
func timeoutStatus(r *pullRequest) string { return pendingStatus("408 Request Timeout", r) }

// sizeStatus is the 409 a request gets when the next message is larger than the bytes it has left.
func sizeStatus(r *pullRequest) string { return pendingStatus("409 Message Size Exceeds MaxBytes", r) }

// pendingStatus is a status with what r still wanted, in messages and bytes, as nats-server writes it.
func pendingStatus(code string, r *pullRequest) string {
	return "NATS/1.0 " + code + "\r\nNats-Pending-Messages: " + strconv.Itoa(r.remaining) +
		"\r\nNats-Pending-Bytes: " + strconv.Itoa(max(r.maxBytes-r.bytes, 0)) + "\r\n\r\n"
}

// status is a status message to reply.
func (c *Consumer) status(reply, hdr string) Outbound {
	return Outbound{Account: c.s.acct.Name(), Subject: reply, Hdr: []byte(hdr), Origin: -1}
}

// parseNext reads a MSG.NEXT body; a problem is the 400 status nats-server answers with.
func parseNext(data []byte) (nextRequest, string) {
	var nr nextRequest
	data = bytes.TrimSpace(data)
	switch {
	case len(data) == 0:
		nr.Batch = 1
	case data[0] == '{':
		if err := json.Unmarshal(data, &nr); err != nil {
			return nr, "NATS/1.0 400 Bad Request - " + err.Error() + "\r\n\r\n"
		}
	default:
		n, err := strconv.Atoi(string(data))
		if err != nil {
			return nr, "NATS/1.0 400 Bad Request\r\n\r\n"
		}
		nr.Batch = n
	}
	nr.Batch = max(nr.Batch, 1)
	return nr, ""
}

// pull serves a MSG.NEXT request: it is checked against the consumer's limits, served at once as far as
// messages allow, and what remains waits (max_waiting bounds how many).
//
// no_wait, as nats-server: with nothing to deliver at all and no expires, 404 at once; with fewer messages
// to deliver than the waiting requests want, 408 Requests Pending; otherwise the request takes what
// there is and ends with 404, or, when it got nothing (the stream is empty and it has expires, or
// max_ack_pending holds deliveries back), waits silently for its first message, its expiry (408) or the
// consumer's next clock call (404 when it has no expires).
func (c *Consumer) pull(reply string, data []byte) {
	if reply == "" {
		return
	}
	if c.pushing.Load() {
		c.send([]Outbound{c.status(reply, statusPushBased)})
		return
	}
	now := time.Now().UnixNano()
	nr, bad := parseNext(data)
	c.mu.Lock()
	var out []Outbound
	switch cfg := &c.cfg; {
	case c.deleted:
		bad = statusConsumerDeleted
	case bad != "":
	case cfg.MaxRequestBatch > 0 && nr.Batch > cfg.MaxRequestBatch:
		bad = status409("Exceeded MaxRequestBatch of " + strconv.Itoa(cfg.MaxRequestBatch))
	case cfg.MaxRequestExpires > 0 && nr.Expires > cfg.MaxRequestExpires:
		bad = status409("Exceeded MaxRequestExpires of " + cfg.MaxRequestExpires.String())
	case cfg.MaxRequestMaxBytes > 0 && nr.MaxBytes > cfg.MaxRequestMaxBytes:
		bad = status409("Exceeded MaxRequestMaxBytes of " + strconv.Itoa(cfg.MaxRequestMaxBytes))
	case nr.Heartbeat > 0 && nr.Heartbeat > nr.Expires/2:
		bad = statusHeartbeatLarge
	case !nr.NoWait && len(c.waiting) >= cfg.MaxWaiting:
		bad = statusMaxWaiting
	case nr.NoWait && c.pausedUntil(now) != 0:
		bad = statusNoMessages
	case nr.NoWait:
		bad = c.noWaitRefusal(nr)
	}
	if bad != "" {
		c.mu.Unlock()
		c.send([]Outbound{c.status(reply, bad)})
		return
	}
	c.active = now
	r := &pullRequest{reply: reply, remaining: nr.Batch, maxBytes: nr.MaxBytes, noWait: nr.NoWait, lastSent: now}
	if nr.Expires > 0 {
		r.expires = now + int64(nr.Expires)
	}
	if nr.Heartbeat > 0 {
		r.heartbeat = int64(nr.Heartbeat)
	}
	c.waiting = append(c.waiting, r)
	out = c.serve(out, now)
	c.waitingCount.Store(int32(len(c.waiting)))
	c.scheduleNext(now)
	c.mu.Unlock()
	c.send(out)
}

// noWaitRefusal is the status a no_wait request is answered with before it is queued, or "". Under mu.
func (c *Consumer) noWaitRefusal(nr nextRequest) string {
	due := c.numPending() + uint64(len(c.redeliver))
	if due == 0 && nr.Expires == 0 {
		return statusNoMessages
	}
	wanted := 0
	for _, w := range c.waiting {
		wanted += w.remaining
	}
	if due > 0 && due < uint64(wanted) {
		return statusRequestsPending
	}
	return ""
}

// drop removes r from the waiting requests. Under mu.
func (c *Consumer) drop(r *pullRequest) {
	for i, w := range c.waiting {
		if w == r {
			c.waiting = append(c.waiting[:i], c.waiting[i+1:]...)
			return
		}
	}
}

// serve delivers what is due, unless paused: to the deliver subject (a push consumer) or the waiting
// requests; it appends the deliveries and any status messages to out. Under mu.
func (c *Consumer) serve(out []Outbound, now int64) []Outbound {
	if c.deleted || c.pausedUntil(now) != 0 {
		return out
	}
	if c.cfg.push() {
		out = c.servePush(out, now)
	} else {
		out = c.servePull(out, now)
	}
	if len(c.notes) > 0 {
		out = append(out, c.notes...)
		clear(c.notes)
		c.notes = c.notes[:0]
	}
	return out
}

// servePull delivers to the waiting requests, oldest first, while there are messages for them; a
// no_wait request that had some and finds no more is answered 404. A request whose reply nobody listens
// to any more (a stopped Messages iterator, a client gone) is dropped before it takes a message, as
// nats-server does, rather than delivered to nobody until ack_wait. Under mu.
func (c *Consumer) servePull(out []Outbound, now int64) []Outbound {
	var pending pendingCount
	var listened *pullRequest
	for len(c.waiting) > 0 {
		r := c.waiting[0]
		if r != listened { // once per request and serving, not per message
			if !c.replyListened(r.reply) {
				c.waiting = c.waiting[1:]
				continue
			}
			listened = r
		}
		m, redelivery, ok := c.next()
		if !ok {
			if r.noWait && r.sent > 0 {
				out = append(out, c.status(r.reply, statusNoMessages))
				c.waiting = c.waiting[1:]
				continue
			}
			break
		}
		size := len(m.Subject) + len(m.Hdr) + len(m.Data)
		if r.maxBytes > 0 && r.bytes+size > r.maxBytes {
			// What fits has gone; a request too small for even one message is told so.
			if r.sent == 0 {
				out = append(out, c.status(r.reply, sizeStatus(r)))
			}
			c.waiting = c.waiting[1:]
			continue
		}
		out = append(out, c.deliver(r.reply, m, redelivery, now, &pending))
		r.sent++
		r.bytes += size
		r.remaining--
		r.lastSent = now
		if r.remaining == 0 {
			c.waiting = c.waiting[1:]
		}
	}
	c.waitingCount.Store(int32(len(c.waiting)))
	return out
}

// expireRequests answers the waiting requests whose time is up: 408 past their expiry, 404 for a no_wait
// request without expires still waiting for its first message, and an idle heartbeat to those that
// had nothing for their idle_heartbeat. Under mu.
func (c *Consumer) expireRequests(out []Outbound, now int64) []Outbound {
	kept := c.waiting[:0]
	for _, r := range c.waiting {
		switch {
		case r.expires != 0 && r.expires <= now:
			out = append(out, c.status(r.reply, timeoutStatus(r)))
			continue
		case r.noWait && r.expires == 0:
			out = append(out, c.status(r.reply, statusNoMessages))
			continue
		case r.heartbeat > 0 && now-r.lastSent >= r.heartbeat:
			r.lastSent = now
			out = append(out, Outbound{Account: c.s.acct.Name(), Subject: r.reply, Hdr: c.heartbeatHeader(""), Origin: -1})
		}
		kept = append(kept, r)
	}
	clear(c.waiting[len(kept):])
	c.waiting = kept
	c.waitingCount.Store(int32(len(kept)))
	return out
}

// replyListened reports whether anyone subscribes to a request's reply (always, when the Host cannot
// tell).
func (c *Consumer) replyListened(reply string) bool {
	ih, ok := c.s.acct.mgr.host.(InterestHost)
	return !ok || ih.HasInterest(c.s.acct.Name(), reply)
}

// pendingCount is num_pending through one serving: read from the store at the first delivery, then
// counted down, so a batch costs one count rather than one per message.
type pendingCount struct {
	n     uint64
	known bool
}

// deliver takes m (from next) and returns its delivery to subject: the stored subject shown, the ack
// subject as reply, only the headers and Nats-Msg-Size for a headers_only consumer. Under mu.
func (c *Consumer) deliver(subject string, m store.Msg, redelivery bool, now int64, pending *pendingCount) Outbound {
	if !pending.known {
		pending.n, pending.known = c.numPending(), true
	}
	deliveries, cseq := c.take(m, redelivery, now)
	if !redelivery && pending.n > 0 {
		pending.n--
	}
	d := Outbound{Account: c.s.acct.Name(), Subject: subject, MsgSubject: m.Subject,
		Reply: c.ackSubject(deliveries, m.Seq, cseq, m.Time, pending.n), Hdr: m.Hdr, Data: m.Data, Origin: -1}
	if c.cfg.HeadersOnly {
		d.Hdr, d.Data = headersOnly(m.Hdr, len(m.Data)), nil
	}
	return d
}

// headersOnly is a headers_only delivery's header block: the message's own headers (or none) and
// Nats-Msg-Size, the size of the payload left out, as nats-server writes it.
func headersOnly(hdr []byte, size int) []byte {
	b := make([]byte, 0, len(hdr)+40)
	if len(hdr) == 0 {
		b = append(b, "NATS/1.0\r\n"...)
	} else {
		b = append(b, bytes.TrimSuffix(hdr, []byte("\r\n"))...)
	}
	b = append(b, "Nats-Msg-Size: "...)
	b = strconv.AppendInt(b, int64(size), 10)
	return append(b, "\r\n\r\n"...)
}

// ackSubject is the reply subject of a delivery, in nats-server's layout:
// $JS.ACK.<stream>.<consumer>.<deliveries>.<stream seq>.<consumer seq>.<time>.<pending>. Under mu.
func (c *Consumer) ackSubject(deliveries, sseq, cseq uint64, ts int64, pending uint64) string {
	b := make([]byte, 0, 64+len(c.s.name)+len(c.name))
	b = append(b, ackPrefix...)
	b = append(b, c.s.name...)
	b = append(b, '.')
	b = append(b, c.name...)
	for _, n := range []uint64{deliveries, sseq, cseq, uint64(ts), pending} {
		b = append(b, '.')
		b = strconv.AppendUint(b, n, 10)
	}
	return string(b)
}
