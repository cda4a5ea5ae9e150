package stream

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Acks arrive on $JS.ACK.> in each JetStream account (one listener per account, like the API's).
const ackPrefix = "$JS.ACK."

// ackKind is what an ack body asks.
type ackKind uint8

const (
	ackAck ackKind = iota
	ackNak
	ackProgress
	ackNext
	ackTerm
)

// parseAck reads an ack body: "" or +ACK, -NAK with an optional {"delay":ns}, +WPI, +NXT, +TERM.
func parseAck(body []byte) (ackKind, time.Duration, bool) {
	body = bytes.TrimSpace(body)
	switch {
	case len(body) == 0, bytes.Equal(body, []byte("+ACK")):
		return ackAck, 0, true
	case bytes.HasPrefix(body, []byte("-NAK")):
		var d struct {
			Delay time.Duration `json:"delay"`
		}
		if rest := bytes.TrimSpace(body[4:]); len(rest) > 0 {
			_ = json.Unmarshal(rest, &d)
		}
		return ackNak, d.Delay, true
	case bytes.Equal(body, []byte("+WPI")):
		return ackProgress, 0, true
	case bytes.HasPrefix(body, []byte("+NXT")):
		return ackNext, 0, true
	case bytes.HasPrefix(body, []byte("+TERM")):
		return ackTerm, 0, true
	}
	return 0, 0, false
}

// ackTokens splits an ack subject (after $JS.ACK.) into stream, consumer and stream sequence. The v1
// layout has 7 tokens; the v2 one puts a domain and an account hash first and a random token last.
// The tokens are cut in place (an ack allocates nothing here).
func ackTokens(rest string) (stream, consumer string, sseq uint64, ok bool) {
	var tokens [9]string
	n := 0
	for n < len(tokens) {
		token, after, more := strings.Cut(rest, ".")
		tokens[n] = token
		n++
		rest = after
		if !more {
			break
		}
	}
	switch {
	case n == 7 && !strings.Contains(tokens[6], "."):
	case n >= 9:
		copy(tokens[:], tokens[2:])
	default:
		return "", "", 0, false
	}
	sseq, err := strconv.ParseUint(tokens[3], 10, 64)
	return tokens[0], tokens[1], sseq, err == nil
}

// handleAck serves one message on $JS.ACK.> in the account. An ack of a run (Request.More: a client's
// burst of acks, handed over together) applies at once but leaves the deliveries it frees to the run's
// last request, so a consumer serves once per burst, in one Host.Send, rather than once per ack: a push
// consumer acked message by message would otherwise send one delivery per ack.
func (a *Account) handleAck(req Request) {
	a.ackOne(req)
	if !req.More && req.Run != nil {
		req.Run.serveOwed()
	}
}

// serveOwed has the consumers whose deliveries a run's acks put off serve, and empties the run.
func (r *Run) serveOwed() {
	for i, c := range r.owed {
		c.serveNow()
		r.owed[i] = nil
	}
	r.owed = r.owed[:0]
}

// owe records that c's deliveries wait for the end of the run.
func (r *Run) owe(c *Consumer) {
	if n := len(r.owed); n > 0 && r.owed[n-1] == c { // a burst is nearly always one consumer's
		return
	}
	if slices.Contains(r.owed, c) {
		return
	}
	r.owed = append(r.owed, c)
}

// ackOne applies one message on $JS.ACK.>.
func (a *Account) ackOne(req Request) {
	rest, ok := strings.CutPrefix(req.Subject, ackPrefix)
	if !ok {
		return
	}
	streamName, name, sseq, ok := ackTokens(rest)
	if !ok {
		return
	}
	kind, delay, ok := parseAck(req.Data)
	if !ok {
		return
	}
	s := a.Stream(streamName)
	if s == nil {
		return
	}
	c := s.consumer(name)
	if c == nil {
		return
	}
	var reason string
	if kind == ackTerm {
		reason = string(bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(req.Data), []byte("+TERM"))))
	}
	deferServe := req.More && req.Run != nil
	var acked [1]uint64 // room for an explicit ack's one sequence; ack_policy all may need more
	removals := c.applyAck(kind, sseq, delay, reason, acked[:0], !deferServe)
	if deferServe {
		req.Run.owe(c)
	}
	if s.Config().Retention == WorkQueuePolicy {
		for _, seq := range removals {
			if _, err := s.RemoveMsg(seq, false); err != nil {
				s.logger().Error().Err(err).Str("stream", s.name).Uint64("seq", seq).Msg("workqueue ack")
			}
		}
	}
	switch {
	case kind == ackNext && req.Reply != "":
		c.pull(req.Reply, bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(req.Data), []byte("+NXT"))))
	case req.Reply != "": // a double ack: the empty reply says it was processed
		a.mgr.host.Send([]Outbound{{Account: a.name, Subject: req.Reply, Origin: -1}})
	}
}

// ack applies one ack to the delivery of stream sequence sseq and delivers what it made possible. It
// returns the sequences acknowledged (a workqueue stream removes them), appended to acked. A +TERM
// (with its reason) is announced by an advisory.
func (c *Consumer) ack(kind ackKind, sseq uint64, delay time.Duration, reason string, acked []uint64) []uint64 {
	return c.applyAck(kind, sseq, delay, reason, acked, true)
}

// applyAck is ack, delivering what the ack made possible only with serve (without, the caller has the
// consumer serveNow later).
func (c *Consumer) applyAck(kind ackKind, sseq uint64, delay time.Duration, reason string, acked []uint64, serve bool) []uint64 {
	now := time.Now().UnixNano()
	c.mu.Lock()
	if c.deleted {
		c.mu.Unlock()
		return nil
	}
	c.active = now
	p := c.pending[sseq]
	var out []Outbound
	switch {
	case c.cfg.AckPolicy == AckNone:
	case kind == ackNak && p != nil:
		if delay > 0 {
			p.queued = false // a later nak's delay stands over an earlier one's "now"
			c.setDeadline(p, now+int64(delay))
		} else {
			c.queueRedelivery(p)
		}
	case kind == ackProgress && p != nil:
		if !p.queued {
			c.setDeadline(p, now+int64(c.cfg.AckWait))
		}
	case kind == ackNak, kind == ackProgress:
	case c.cfg.AckPolicy == AckAll:
		// pendingOrder is ascending: what this acks is at its front.
		for _, seq := range c.pendingOrder {
			if seq > sseq {
				break
			}
			if q := c.pending[seq]; q != nil {
				c.removePending(q)
				acked = append(acked, seq)
			}
		}
	case p != nil:
		if kind == ackTerm {
			out = c.terminatedAdvisory(out, p, reason, now)
		}
		c.removePending(p)
		acked = append(acked, sseq)
	}
	if len(acked) > 0 || (kind == ackNak && p != nil) {
		c.changed(now)
	}
	if len(acked) > 0 {
		c.moveAckFloor()
		c.ackedAt = now
	}
	if serve {
		out = c.serve(out, now)
	}
	c.mu.Unlock()
	c.send(out)
	return acked
}

// serveNow delivers what is due (the acks of a run freed).
func (c *Consumer) serveNow() {
	now := time.Now().UnixNano()
	c.mu.Lock()
	out := c.serve(nil, now)
	c.mu.Unlock()
	c.send(out)
}
