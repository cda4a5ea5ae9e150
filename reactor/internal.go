package reactor

import (
	"context"

	"github.com/panjf2000/gnet/v2"

	"github.com/reactor-nats/reactor/subtrie"
)

// Internal services are the server's own subscribers and publishers: the system account's request handlers
// today, the JetStream API later. They take part in the same index and delivery path as clients, without a
// socket:
//
//   - An internal subscription is an index entry owned by a service. A publish that matches it copies the
//     message and hands it to the service goroutine (never run on a loop: services may touch the disk);
//     the publish counts it as delivered, so the requester does not get no-responders.
//   - A service answers through publishInternal, which runs the publish on a loop as that loop's internal
//     client, a client of kind kindInternal with no connection, so deliveries, batching and slow-consumer
//     rules are the same as for any publisher.

// internalSub routes messages on its subject to a service handler.
type internalSub struct {
	entry  subtrie.Subscription
	handle func(req internalMsg)
}

// internalMsg is a message copied off the loop for a service.
type internalMsg struct {
	acct    *account
	subject string
	reply   string
	msg     []byte
}

// deliverInternal hands a matched message to its service. It runs on the publisher's loop.
func (is *internalSub) deliverInternal(s *Server, acct *account, m *message) {
	req := internalMsg{acct: acct, subject: string(m.subject), reply: string(m.reply), msg: append([]byte(nil), m.payload()...)}
	s.services.submit(func() { is.handle(req) })
}

// subscribeInternal installs a service handler on subject in acct.
func (s *Server) subscribeInternal(acct *account, subject string, handle func(internalMsg)) error {
	is := &internalSub{handle: handle}
	is.entry = subtrie.Subscription{Subject: subject, Owner: is}
	return acct.subs.Insert(&is.entry)
}

// publishInternal publishes msg on subject in acct from any goroutine, as the internal client of a loop.
// Nothing happens when no loop runs yet: with no connection there is nobody to receive it.
func (s *Server) publishInternal(acct *account, subject string, msg []byte) {
	loops := s.loopList()
	if len(loops) == 0 || len(subject) == 0 {
		return
	}
	l := loops[0]
	_ = l.el.Execute(context.Background(), gnet.RunnableFunc(func(context.Context) error {
		c := l.internalClient()
		m := message{subject: []byte(subject), msg: msg, hdrLen: -1}
		l.current = c
		c.publishIn(acct, &m, 0)
		l.endCallback()
		l.current = nil
		return nil
	}))
}

// internalClient is the loop's socket-less publisher, made on first use.
func (l *loop) internalClient() *client {
	if l.internal == nil {
		l.internal = &client{srv: l.srv, loop: l, kind: kindInternal, acct: l.srv.global, opts: connectOptions{Echo: true},
			authed: true, loopSlot: -1}
	}
	return l.internal
}
