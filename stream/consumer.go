package stream

import (
	"maps"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reactor-nats/reactor/stream/store"
)

// Consumer is one consumer of a stream: where it is in the stream, what it delivered and has not had
// acknowledged, and either the pull requests waiting for messages (a pull consumer) or its deliver
// subject's heartbeats and flow control (a push consumer, consumer_push.go). It has no goroutine: it
// works when a pull request, an ack or a flow-control answer arrives (API and listener handlers), when
// the stream's writer has stored a batch (Stream.notifyConsumers) and when the stream's clock calls it
// (expiring requests, ack_wait, heartbeats, the next slice of a long push delivery).
type Consumer struct {
	s       *Stream
	name    string
	created time.Time

	waitingCount atomic.Int32 // len(waiting), read without mu by the writer's notification
	pushing      atomic.Bool  // cfg has a deliver subject: the writer's notification wakes it too

	// mu guards every field below. Lock order: Stream.mu before Consumer.mu; a consumer never takes the
	// stream's lock while holding its own (acks that remove messages do so after unlocking).
	mu           sync.Mutex
	cfg          ConsumerConfig
	deleted      bool
	nextSeq      uint64                 // the next stream sequence to look at for a first delivery
	lastPer      []uint64               // deliver last_per_subject: each subject's last sequence still to deliver, ascending
	delivered    SequenceInfo           // the last first-time delivery (Last unset: deliveredAt)
	ackFloor     SequenceInfo           // everything at or below is acknowledged (Last unset: ackedAt)
	deliveredAt  int64                  // unix ns of the last delivery, 0 none
	ackedAt      int64                  // unix ns of the last ack that moved the floor, 0 none
	pending      map[uint64]*pendingAck // delivered, not acknowledged, by stream sequence (consumer_pending.go)
	pendingOrder []uint64               // pending's stream sequences ascending, with acknowledged ones not yet dropped
	deadlines    deadlineHeap           // pending deliveries waiting for a deadline, earliest first
	redeliver    []uint64               // stream sequences due again (nak'd or past ack_wait), oldest first
	waiting      []*pullRequest         // oldest first
	active       int64                  // unix ns of the last request or ack: an ephemeral's inactivity
	wake         int64                  // when the clock calls next (0: not scheduled)
	changes      uint64                 // state changes so far, for consumerFiles
	saveDue      int64                  // when the changed state is to be written (0: nothing to write)
	lastSent     int64                  // unix ns of the last delivery or heartbeat to the deliver subject
	flow         flowControl            // a flow-controlled push consumer's outstanding request
	notes        []Outbound             // advisories next raised, sent with serve's deliveries (consumer_advisory.go)
	pace         pacing                 // replay original and rate limit (consumer_pace.go)

	files consumerFiles // a file stream's consumer's directory (consumer_file.go); its own lock
}

// SequenceInfo is a consumer's "delivered" and "ack_floor".
type SequenceInfo struct {
	Consumer uint64     `json:"consumer_seq"`
	Stream   uint64     `json:"stream_seq"`
	Last     *time.Time `json:"last_active,omitempty"`
}

// ConsumerInfo is a consumer's description in create, info and list responses.
type ConsumerInfo struct {
	Stream         string         `json:"stream_name"`
	Name           string         `json:"name"`
	Created        time.Time      `json:"created"`
	Config         ConsumerConfig `json:"config"`
	Delivered      SequenceInfo   `json:"delivered"`
	AckFloor       SequenceInfo   `json:"ack_floor"`
	NumAckPending  int            `json:"num_ack_pending"`
	NumRedelivered int            `json:"num_redelivered"`
	NumWaiting     int            `json:"num_waiting"`
	NumPending     uint64         `json:"num_pending"`
	Paused         bool           `json:"paused,omitempty"`
	PauseRemaining time.Duration  `json:"pause_remaining,omitempty"`
	TimeStamp      time.Time      `json:"ts"`
}

func newConsumer(s *Stream, cfg ConsumerConfig, created time.Time) *Consumer {
	c := &Consumer{s: s, name: cfg.Name, created: created, cfg: cfg, pending: map[uint64]*pendingAck{},
		active: created.UnixNano(), lastSent: created.UnixNano(), files: consumerFiles{dir: s.consumerDir(cfg)}}
	c.pushing.Store(cfg.push())
	c.nextSeq = c.startSeq()
	c.delivered.Stream = c.nextSeq - 1
	c.ackFloor.Stream = c.nextSeq - 1
	return c
}

// startSeq is the first stream sequence a new consumer looks at, by its deliver policy; for
// last_per_subject it also lists the messages to deliver first.
func (c *Consumer) startSeq() uint64 {
	st := c.s.store.State()
	switch c.cfg.DeliverPolicy {
	case DeliverNew:
		return st.LastSeq + 1
	case DeliverLastPerSubject:
		c.lastPer = c.lastPerSubjectOfFilters()
		if len(c.lastPer) > 0 {
			return c.lastPer[0]
		}
		return st.LastSeq + 1
	case DeliverLast:
		if last := c.lastSeq(); last != 0 {
			return last
		}
		return st.LastSeq + 1
	case DeliverByStartSeq:
		return max(c.cfg.OptStartSeq, 1)
	case DeliverByStartTime:
		if c.cfg.OptStartTime != nil {
			at := c.cfg.OptStartTime.UnixNano()
			for m, err := c.loadNext(st.FirstSeq); err == nil; m, err = c.loadNext(m.Seq + 1) {
				if m.Time >= at {
					return m.Seq
				}
			}
			return st.LastSeq + 1
		}
	}
	return max(st.FirstSeq, 1)
}

// Name returns the consumer's name.
func (c *Consumer) Name() string { return c.name }

// Config returns the consumer's configuration.
func (c *Consumer) Config() ConsumerConfig {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cfg
}

// Info describes the consumer as nats-server's CONSUMER.INFO does.
func (c *Consumer) Info() *ConsumerInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	info := &ConsumerInfo{Stream: c.s.name, Name: c.name, Created: c.created.UTC(), Config: c.cfg,
		Delivered: c.deliveredInfo(), AckFloor: c.ackFloorInfo(), NumAckPending: len(c.pending),
		NumWaiting: len(c.waiting), NumPending: c.numPending(), TimeStamp: now.UTC()}
	c.pauseInfo(info, now)
	for _, p := range c.pending {
		if p.deliveries > 1 {
			info.NumRedelivered++
		}
	}
	info.Config.Metadata = consumerMetadata(c.cfg.Metadata)
	return info
}

// deliveredInfo is delivered with its time, as info and the state file show it. Under mu.
func (c *Consumer) deliveredInfo() SequenceInfo { return withTime(c.delivered, c.deliveredAt) }

// ackFloorInfo is the ack floor with its time. Under mu.
func (c *Consumer) ackFloorInfo() SequenceInfo { return withTime(c.ackFloor, c.ackedAt) }

// withTime is si with Last at (unix ns), none for 0. The time is kept as a number and made a
// *time.Time only here, so that a delivery or an ack allocates none.
func withTime(si SequenceInfo, at int64) SequenceInfo {
	si.Last = nil
	if at != 0 {
		t := time.Unix(0, at).UTC()
		si.Last = &t
	}
	return si
}

// consumerMetadata is a consumer's metadata as responses show it: the server's level and version added.
func consumerMetadata(md map[string]string) map[string]string {
	md = maps.Clone(md)
	if md == nil {
		md = make(map[string]string, 3)
	}
	md[metaLevel] = strconv.Itoa(APILevel)
	md[metaReqLevel] = "0"
	md[metaVersion] = serverVersion
	return md
}

// lastPerSubject is the last sequence of every subject filter selects, ascending.
func lastPerSubject(st store.Store, filter string) []uint64 {
	subjects := st.Subjects(filter)
	seqs := make([]uint64, 0, len(subjects))
	for subject := range subjects {
		if last := st.SubjectState(subject).Last; last != 0 {
			seqs = append(seqs, last)
		}
	}
	slices.Sort(seqs)
	return seqs
}

// numPending is how many stored messages the consumer has yet to deliver a first time. Under mu.
func (c *Consumer) numPending() uint64 {
	if n := len(c.lastPer); n > 0 {
		return uint64(n) + c.countFrom(c.lastPer[n-1]+1)
	}
	return c.countFrom(c.nextSeq)
}

// update applies a new configuration (nats-server allows changing most fields but not the policies
// that decide what was delivered) and stores it.
func (c *Consumer) update(cfg ConsumerConfig) {
	now := time.Now().UnixNano()
	c.mu.Lock()
	if cfg.DeliverSubject != c.cfg.DeliverSubject {
		c.flow = flowControl{}
	}
	c.cfg = cfg
	c.pushing.Store(cfg.push())
	out := c.serve(nil, now) // a new pause_until may have ended a pause, or a larger max_ack_pending room
	c.scheduleNext(now)
	c.mu.Unlock()
	c.send(out)
	c.writeConfig()
}

// next returns the message the consumer would deliver next, without taking it: a redelivery first, then
// the next stored message its filter selects. ok false when there is none or max_ack_pending holds
// first deliveries back. A redelivery that max_deliver forbids stays pending, never delivered again
// until acknowledged or terminated, and is announced by an advisory, as nats-server does when it
// comes to redeliver it (a pull consumer: when a request is waiting). Under mu.
func (c *Consumer) next() (m store.Msg, redelivery, ok bool) {
	for len(c.redeliver) > 0 {
		seq := c.redeliver[0]
		p := c.pending[seq]
		if p == nil || !p.queued {
			c.redeliver = c.redeliver[1:]
			continue
		}
		if c.cfg.MaxDeliver > 0 && p.deliveries >= uint64(c.cfg.MaxDeliver) {
			c.redeliver = c.redeliver[1:]
			p.queued, p.deadline = false, maxTime
			c.notes = c.maxDeliverAdvisory(c.notes, p, time.Now().UnixNano())
			continue
		}
		msg, err := c.s.store.Load(seq)
		if err != nil { // gone from the stream: nothing to wait for
			c.redeliver = c.redeliver[1:]
			c.removePending(p)
			c.moveAckFloor()
			c.changed(time.Now().UnixNano())
			continue
		}
		return msg, true, true
	}
	if c.cfg.AckPolicy != AckNone && len(c.pending) >= c.cfg.MaxAckPending {
		return store.Msg{}, false, false
	}
	for len(c.lastPer) > 0 {
		if msg, err := c.s.store.Load(c.lastPer[0]); err == nil {
			return msg, false, !c.replayHolds(msg)
		}
		c.lastPer = c.lastPer[1:] // gone since the consumer was created
	}
	msg, err := c.loadNext(c.nextSeq)
	if err != nil {
		return store.Msg{}, false, false
	}
	return msg, false, !c.replayHolds(msg)
}

// take records the delivery of m (from next) at now and returns its delivery count and consumer
// sequence. Under mu.
func (c *Consumer) take(m store.Msg, redelivery bool, now int64) (deliveries, cseq uint64) {
	c.changed(now)
	c.deliveredAt = now
	if redelivery {
		// Every delivery, a redelivery too, takes the next consumer sequence, as on nats-server: the
		// delivered stream sequence stays the highest delivered for the first time.
		c.redeliver = c.redeliver[1:]
		c.delivered.Consumer++
		p := c.pending[m.Seq]
		p.queued = false
		p.deliveries++
		p.cseq = c.delivered.Consumer
		c.setDeadline(p, now+c.ackWaitFor(p.deliveries))
		return p.deliveries, p.cseq
	}
	c.nextSeq = m.Seq + 1
	c.replayed(m, now)
	if len(c.lastPer) > 0 && c.lastPer[0] == m.Seq {
		c.lastPer = c.lastPer[1:]
	}
	c.delivered = SequenceInfo{Consumer: c.delivered.Consumer + 1, Stream: m.Seq}
	if c.cfg.AckPolicy == AckNone {
		c.ackFloor.Consumer, c.ackFloor.Stream = c.delivered.Consumer, m.Seq
	} else {
		c.addPending(m.Seq, c.delivered.Consumer, now+c.ackWaitFor(1))
	}
	return 1, c.delivered.Consumer
}

// schedule asks the stream's clock to call the consumer at (unix ns), unless it will sooner. Under mu.
func (c *Consumer) schedule(at int64) {
	if c.wake != 0 && c.wake <= at {
		return
	}
	c.wake = at
	c.s.clock.at(at, c)
}

// tick is the clock's call: requests past their expiry get their 408 (and idle ones a heartbeat), deliveries past ack_wait become
// due again, an ephemeral idle past inactive_threshold is deleted, and what is due is delivered.
func (c *Consumer) tick(now int64) {
	c.mu.Lock()
	if c.deleted {
		c.mu.Unlock()
		return
	}
	c.wake = 0
	out := c.expireRequests(nil, now)
	c.expireAcks(now)
	if c.cfg.push() {
		c.interested(now)
	}
	idle := c.cfg.InactiveThreshold > 0 && len(c.waiting) == 0 && now-c.active >= int64(c.cfg.InactiveThreshold)
	out = c.serve(out, now)
	out = c.heartbeat(out, now)
	save := c.saveDue != 0 && c.saveDue <= now
	if save {
		c.saveDue = 0
	}
	c.scheduleNext(now)
	c.mu.Unlock()
	c.send(out)
	if save {
		c.save(false)
	}
	if idle && c.cfg.Durable == "" {
		c.s.deleteConsumer(c.name)
	}
}

const maxTime = int64(^uint64(0) >> 1)

// scheduleNext arms the clock for the earliest of the requests' expiries, the pending deadlines and an
// ephemeral's inactivity. Under mu.
func (c *Consumer) scheduleNext(now int64) {
	next := maxTime
	for _, r := range c.waiting {
		if r.expires != 0 {
			next = min(next, r.expires)
		}
		if r.heartbeat > 0 {
			next = min(next, r.lastSent+r.heartbeat)
		}
	}
	next = min(next, c.nextDeadline())
	if c.cfg.InactiveThreshold > 0 && c.cfg.Durable == "" {
		next = min(next, max(c.active+int64(c.cfg.InactiveThreshold), now+int64(time.Millisecond)))
	}
	if c.saveDue != 0 {
		next = min(next, c.saveDue)
	}
	if c.cfg.push() && c.cfg.Heartbeat > 0 {
		next = min(next, c.lastSent+int64(c.cfg.Heartbeat))
	}
	if until := c.pausedUntil(now); until != 0 {
		next = min(next, until)
	}
	if next != maxTime {
		c.schedule(next)
	}
}

// stop ends the consumer: its waiting requests are answered 409 Consumer Deleted and its clock entries
// become no-ops.
func (c *Consumer) stop() {
	c.mu.Lock()
	c.deleted = true
	var out []Outbound
	for _, r := range c.waiting {
		out = append(out, c.status(r.reply, statusConsumerDeleted))
	}
	c.waiting = nil
	c.waitingCount.Store(0)
	c.mu.Unlock()
	c.send(out)
}

// send hands out what the consumer built to the server, in one Send.
func (c *Consumer) send(out []Outbound) {
	if len(out) > 0 {
		c.s.acct.mgr.host.Send(out)
	}
}
