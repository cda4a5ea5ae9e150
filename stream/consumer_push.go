package stream

import (
	"crypto/rand"
	"strconv"
	"strings"
	"time"
)

// A push consumer (deliver_subject set) delivers without being asked: whenever it is woken (the writer
// stored a batch, an ack freed max_ack_pending, a flow-control answer came, the clock called) it sends
// what is due to its deliver subject, in one Host.Send, as long as:
//
//   - the deliver subject has interest, when the Host can tell (InterestHost); nats-server holds a push
//     consumer's messages while nobody subscribes, and an ephemeral's inactive_threshold runs from then.
//   - max_ack_pending allows (next) and flow control does not hold it back (flowControl).
//
// One wake-up delivers at most pushBatch messages, then asks the clock to call again at once, so a
// consumer far behind its stream never builds one huge batch nor keeps the others waiting.
//
// Idle heartbeats go to the deliver subject when nothing did for idle_heartbeat: status 100 with
// Nats-Last-Consumer and Nats-Last-Stream (the last delivered sequences, by which an ordered consumer
// finds a gap) and, while flow control holds deliveries back, Nats-Consumer-Stalled naming the
// outstanding request's reply subject, which the client answers.
const (
	pushBatch     = 256
	interestRetry = 250 * time.Millisecond // how often a push consumer without interest looks again

	// flowWindow is the bytes a flow-controlled consumer delivers between requests; with one request
	// outstanding it delivers at most one more window before waiting for the answer (nats-server, the
	// reference, asks after about 1 MB and stalls about 2 MB later).
	flowWindow = 1 << 20

	// Flow-control answers arrive on $JS.FC.<stream>.<consumer>.<token> in each JetStream account.
	flowPrefix = "$JS.FC."

	statusFlowRequest = "NATS/1.0 100 FlowControl Request\r\n\r\n"
)

// InterestHost is a Host that can tell whether anyone in account subscribes to subject. A Host that is
// not one lets every push consumer deliver at once and never counts one as inactive: its messages to a
// deliver subject nobody subscribes to are dropped by the server (redelivered after ack_wait when acks
// are required) and an ephemeral push consumer lives until it is deleted.
type InterestHost interface {
	HasInterest(account, subject string) bool
}

// flowControl is a push consumer's flow control: the one request outstanding and the bytes delivered
// around it. Under Consumer.mu.
type flowControl struct {
	reply string // the outstanding request's reply subject; "" none
	since int    // bytes delivered since the last request was answered (or the start) and before reply
	after int    // bytes delivered since reply was sent
}

// stalled reports whether deliveries wait for the outstanding request's answer.
func (f *flowControl) stalled() bool { return f.reply != "" && f.after >= flowWindow }

// servePush delivers what is due to the deliver subject. Under mu.
func (c *Consumer) servePush(out []Outbound, now int64) []Outbound {
	if !c.interested(now) {
		if _, _, due := c.next(); due {
			c.schedule(now + int64(interestRetry))
		}
		return out
	}
	var pending pendingCount
	for n := 0; !c.flow.stalled(); n++ {
		if n == pushBatch {
			c.schedule(now) // the rest on the clock's next call, after the other consumers'
			break
		}
		m, redelivery, ok := c.next()
		if !ok || c.rateHolds(len(m.Subject)+len(m.Hdr)+len(m.Data), now) {
			break
		}
		out = append(out, c.deliver(c.cfg.DeliverSubject, m, redelivery, now, &pending))
		c.lastSent = now
		if c.cfg.FlowControl {
			out = c.flowDelivered(out, len(m.Subject)+len(m.Hdr)+len(m.Data))
		}
	}
	return out
}

// start has a push consumer deliver what it can, on the stream's clock rather than the caller's
// goroutine.
func (c *Consumer) start() {
	if !c.pushing.Load() {
		return
	}
	c.mu.Lock()
	c.schedule(time.Now().UnixNano())
	c.mu.Unlock()
}

// interested reports whether the deliver subject has interest (always, when the Host cannot tell); a
// push consumer with interest is active. Under mu.
func (c *Consumer) interested(now int64) bool {
	if ih, ok := c.s.acct.mgr.host.(InterestHost); ok && !ih.HasInterest(c.s.acct.Name(), c.cfg.DeliverSubject) {
		return false
	}
	c.active = now
	return true
}

// flowDelivered counts a delivery of size bytes and, a window after the last request, appends the
// next one. Under mu.
func (c *Consumer) flowDelivered(out []Outbound, size int) []Outbound {
	f := &c.flow
	if f.reply != "" {
		f.after += size
		return out
	}
	f.since += size
	if f.since < flowWindow {
		return out
	}
	f.reply = flowPrefix + c.s.name + "." + c.name + "." + randomToken(4)
	f.since = 0
	return append(out, Outbound{Account: c.s.acct.Name(), Subject: c.cfg.DeliverSubject, Reply: f.reply,
		Hdr: []byte(statusFlowRequest), Origin: -1})
}

// flowAnswered takes a message on a flow-control subject: the answer to the outstanding request lets
// deliveries go on.
func (c *Consumer) flowAnswered(subject string) {
	now := time.Now().UnixNano()
	c.mu.Lock()
	if c.deleted || c.flow.reply == "" || subject != c.flow.reply {
		c.mu.Unlock()
		return
	}
	c.flow = flowControl{since: c.flow.after}
	c.active = now
	out := c.serve(nil, now)
	c.scheduleNext(now)
	c.mu.Unlock()
	c.send(out)
}

// heartbeat appends an idle heartbeat when a push consumer with idle_heartbeat sent nothing for that
// long. Under mu.
func (c *Consumer) heartbeat(out []Outbound, now int64) []Outbound {
	if c.deleted || !c.cfg.push() || c.cfg.Heartbeat <= 0 || now-c.lastSent < int64(c.cfg.Heartbeat) {
		return out
	}
	c.lastSent = now
	stalled := ""
	if c.flow.stalled() {
		stalled = c.flow.reply
	}
	return append(out, Outbound{Account: c.s.acct.Name(), Subject: c.cfg.DeliverSubject, Hdr: c.heartbeatHeader(stalled), Origin: -1})
}

// heartbeatHeader is an idle heartbeat's header block, to a deliver subject or a pull request: the last
// delivered sequences and, when flow control stalls deliveries, the subject that answers it. Under mu.
func (c *Consumer) heartbeatHeader(stalled string) []byte {
	hdr := make([]byte, 0, 128)
	hdr = append(hdr, "NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: "...)
	hdr = strconv.AppendUint(hdr, c.delivered.Consumer, 10)
	hdr = append(hdr, "\r\nNats-Last-Stream: "...)
	hdr = strconv.AppendUint(hdr, c.delivered.Stream, 10)
	if stalled != "" {
		hdr = append(hdr, "\r\nNats-Consumer-Stalled: "...)
		hdr = append(hdr, stalled...)
	}
	return append(hdr, "\r\n\r\n"...)
}

// handleFlow serves one message on $JS.FC.> in the account: an answer to a flow-control request (or to
// a stalled heartbeat, which names the same subject).
func (a *Account) handleFlow(req Request) {
	rest, ok := strings.CutPrefix(req.Subject, flowPrefix)
	if !ok {
		return
	}
	tokens := strings.Split(rest, ".")
	if len(tokens) != 3 {
		return
	}
	s := a.Stream(tokens[0])
	if s == nil {
		return
	}
	if c := s.consumer(tokens[1]); c != nil {
		c.flowAnswered(req.Subject)
	}
}

// randomToken is n random characters of [a-zA-Z0-9].
func randomToken(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
