package stream

import (
	"encoding/json"
	"time"
)

// A consumer announces, as nats-server does, on the account's $JS.EVENT.ADVISORY.CONSUMER. subjects:
//
//   - MAX_DELIVERIES.<stream>.<consumer>: a delivery that reached max_deliver went unacknowledged
//     past its ack deadline (or was nak'd) and its turn to be redelivered came (next): for a pull
//     consumer, when a request is waiting. The message stays pending, never delivered again.
//   - MSG_TERMINATED.<stream>.<consumer>: a delivery was acknowledged with +TERM (and the reason
//     that followed it, if any).
//
// They are rare, so they are built with encoding/json, in nats-server's field order; the id is random
// like nats-server's nuid (22 characters), the timestamp the event's time in UTC.
const (
	advisoryPrefix        = "$JS.EVENT.ADVISORY.CONSUMER."
	maxDeliverAdvisoryFmt = "io.nats.jetstream.advisory.v1.max_deliver"
	terminatedAdvisoryFmt = "io.nats.jetstream.advisory.v1.terminated"
)

type maxDeliverAdvisory struct {
	Type       string    `json:"type"`
	ID         string    `json:"id"`
	Time       time.Time `json:"timestamp"`
	Stream     string    `json:"stream"`
	Consumer   string    `json:"consumer"`
	StreamSeq  uint64    `json:"stream_seq"`
	Deliveries uint64    `json:"deliveries"`
}

type terminatedAdvisory struct {
	Type        string    `json:"type"`
	ID          string    `json:"id"`
	Time        time.Time `json:"timestamp"`
	Stream      string    `json:"stream"`
	Consumer    string    `json:"consumer"`
	ConsumerSeq uint64    `json:"consumer_seq"`
	StreamSeq   uint64    `json:"stream_seq"`
	Deliveries  uint64    `json:"deliveries"`
	Reason      string    `json:"reason,omitempty"`
}

// maxDeliverAdvisory appends the advisory that p's last allowed delivery went unacknowledged. Under mu.
func (c *Consumer) maxDeliverAdvisory(out []Outbound, p *pendingAck, now int64) []Outbound {
	return c.advisory(out, "MAX_DELIVERIES.", maxDeliverAdvisory{Type: maxDeliverAdvisoryFmt, ID: randomToken(22),
		Time: time.Unix(0, now).UTC(), Stream: c.s.name, Consumer: c.name, StreamSeq: p.seq, Deliveries: p.deliveries})
}

// terminatedAdvisory appends the advisory that p was terminated, for reason. Under mu.
func (c *Consumer) terminatedAdvisory(out []Outbound, p *pendingAck, reason string, now int64) []Outbound {
	return c.advisory(out, "MSG_TERMINATED.", terminatedAdvisory{Type: terminatedAdvisoryFmt, ID: randomToken(22),
		Time: time.Unix(0, now).UTC(), Stream: c.s.name, Consumer: c.name, ConsumerSeq: p.cseq, StreamSeq: p.seq,
		Deliveries: p.deliveries, Reason: reason})
}

// advisory appends an advisory to $JS.EVENT.ADVISORY.CONSUMER.<kind><stream>.<consumer>.
func (c *Consumer) advisory(out []Outbound, kind string, event any) []Outbound {
	data, err := json.Marshal(event)
	if err != nil {
		return out
	}
	return append(out, Outbound{Account: c.s.acct.Name(), Subject: advisoryPrefix + kind + c.s.name + "." + c.name,
		Data: data, Origin: -1})
}
