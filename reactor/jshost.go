package reactor

import (
	"fmt"
	"sync"

	"github.com/reactor-nats/reactor/stream"
	"github.com/reactor-nats/reactor/subtrie"
)

// jsHost is what the server gives JetStream (stream.Host): captures of stream subjects in the accounts'
// indexes, API listeners on JetStream's own work queue, and batched publishing from the loops.
//
//   - A capture is an index entry like a subscription. A publish that matches it (from a client, a route,
//     an import or the server itself) reaches Ingest.Enqueue on the publishing loop, with slices of that
//     loop's buffers, and counts as delivered, so a request to a stream subject never gets no-responders.
//     Its interest is announced to route peers, so that a publish anywhere in the cluster reaches it.
//   - A listener is an internal subscription (internal.go) whose handler runs on jsAPI, JetStream's own
//     service queue, so that slow disk work in the API never delays the system account's requests. A
//     burst of messages for one listener (a client's acks) is handed over as a run (servicequeue.go),
//     each but the last marked More.
//   - Send copies each loop's messages into one outBatch and queues it for that loop (outqueue.go), which
//     publishes everything queued before it runs in one callback: pub-acks go out from the loop the publish
//     came in on, in order, and a push consumer's deliveries, one per ack it takes, share the loop's writes.
type jsHost struct{ s *Server }

var (
	_ stream.Host         = jsHost{}
	_ stream.InterestHost = jsHost{}
)

// HasInterest implements stream.InterestHost: whether a client of this server subscribes to subject in
// account (a push consumer's deliver subject), which decides whether the consumer delivers and whether an
// ephemeral one is active. Only this server's subscribers count, as only they receive deliveries.
func (h jsHost) HasInterest(account, subject string) bool {
	acct, err := h.s.jsAccount(account)
	if err != nil {
		return false
	}
	r := acct.subs.Match(bytesOf(subject)) // Match keeps no reference to the subject
	for _, e := range r.Plain {
		if _, ok := e.Owner.(*subscription); ok {
			return true
		}
	}
	for _, group := range r.Queues {
		for _, e := range group {
			if _, ok := e.Owner.(*subscription); ok {
				return true
			}
		}
	}
	return false
}

// streamCapture hands publishes on one of a stream's subjects to the stream. Immutable once inserted.
type streamCapture struct {
	entry subtrie.Subscription
	in    stream.Ingest
}

// Capture implements stream.Host.
func (h jsHost) Capture(account string, subjects []string, in stream.Ingest) (cancel func(), err error) {
	acct, err := h.s.jsAccount(account)
	if err != nil {
		return nil, err
	}
	caps := make([]*streamCapture, 0, len(subjects))
	remove := func() {
		for _, sc := range caps {
			acct.removeOwn(&sc.entry)
			h.s.announceInterest(acct, sc.entry.Subject, false)
		}
	}
	for _, subject := range subjects {
		sc := &streamCapture{in: in}
		sc.entry = subtrie.Subscription{Subject: subject, Owner: sc}
		if err := acct.insertOwn(&sc.entry); err != nil {
			remove()
			return nil, fmt.Errorf("capture %q in account %s: %w", subject, account, err)
		}
		caps = append(caps, sc)
		h.s.announceInterest(acct, subject, true)
	}
	var once sync.Once
	return func() { once.Do(remove) }, nil
}

// Listen implements stream.Host.
func (h jsHost) Listen(account, subject string, handle func(stream.Request)) (cancel func(), err error) {
	acct, err := h.s.jsAccount(account)
	if err != nil {
		return nil, err
	}
	is, err := installInternal(acct, subject, &h.s.jsAPI, func(req internalMsg) {
		handle(stream.Request{Account: req.acct.name, Subject: req.subject, Reply: req.reply, Hdr: req.hdr, Data: req.msg,
			More: req.more, Run: req.run})
	})
	if err != nil {
		return nil, fmt.Errorf("listen on %q in account %s: %w", subject, account, err)
	}
	var once sync.Once
	return func() { once.Do(func() { acct.removeOwn(&is.entry) }) }, nil
}

// Send implements stream.Host: one batch, and so one Execute and one endCallback, per origin loop.
func (h jsHost) Send(msgs []stream.Outbound) {
	type pending struct {
		origin int
		batch  *outBatch
	}
	var byLoopBuf [4]pending
	byLoop := byLoopBuf[:0]
	var acct *account // the last account named: a batch is nearly always one account's
	var (
		homeSubject string // the last subject homeLoop was asked about, and its answer: deliveries come in runs
		home        = -1
	)
	for i := range msgs {
		o := &msgs[i]
		if acct == nil || acct.name != o.Account {
			a, err := h.s.jsAccount(o.Account)
			if err != nil {
				h.s.log.Warn().Err(err).Str("subject", o.Subject).Msg("JetStream message for an unknown account dropped")
				continue
			}
			acct = a
		}
		origin := max(o.Origin, -1)
		if origin < 0 {
			if o.Subject != homeSubject {
				homeSubject, home = o.Subject, homeLoop(acct, o.Subject)
			}
			origin = home
		}
		var b *outBatch
		for _, p := range byLoop {
			if p.origin == origin {
				b = p.batch
				break
			}
		}
		if b == nil {
			if b = h.s.newOutBatch(origin); b == nil {
				return // no loop runs: nobody is connected to receive anything
			}
			byLoop = append(byLoop, pending{origin, b})
		}
		b.add(acct, outAddr{subject: o.Subject, reply: o.Reply, shown: o.MsgSubject}, o.Hdr, o.Data)
	}
	for _, p := range byLoop {
		p.batch.post()
	}
}

// jsAccount is the account JetStream names: "$G" the global account, otherwise a configured account, the
// system account, or (operator mode) one made from its JWT.
func (s *Server) jsAccount(name string) (*account, error) {
	if name == "" || name == globalAccountName {
		return s.global, nil
	}
	return s.accountNamed(name)
}

// announceInterest tells route peers about an interest that is not a client's subscription. A no-op
// without a cluster.
func (s *Server) announceInterest(acct *account, subject string, add bool) {
	cs := s.cluster
	if cs == nil {
		return
	}
	if add {
		cs.announcer.Subscribe(acct.name, subject, "", cs.toEveryPeer)
	} else {
		cs.announcer.Unsubscribe(acct.name, subject, "", cs.toEveryPeer)
	}
}

// homeLoop is the loop to publish a message on subject from when it names none (Origin -1: an API reply, a
// consumer's delivery): the loop of a client subscribing to it, so a reply or a delivery to one client is
// written by that client's own loop in one turn, instead of being published on loop 0 and handed on to
// the client's loop (a second wake-up: ack round trips of a client on loop 1 were 25% slower). -1 (loop 0)
// when no client subscribes.
func homeLoop(acct *account, subject string) int {
	r := acct.subs.Match(bytesOf(subject)) // Match keeps no reference to the subject
	for _, e := range r.Plain {
		if sub, ok := e.Owner.(*subscription); ok {
			return sub.client.loop.idx
		}
	}
	for _, group := range r.Queues {
		for _, e := range group {
			if sub, ok := e.Owner.(*subscription); ok {
				return sub.client.loop.idx
			}
		}
	}
	return -1
}
