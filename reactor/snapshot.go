package reactor

import (
	"context"
	"sort"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// Monitoring reads connection state that only the owning loop may touch. It does so by running a snapshot
// on every loop (Execute) and waiting for the answers: the HTTP handler waits, the loops never do, and
// counters stay plain loop-owned integers.

// ConnInfo is one connection as /connz reports it.
type ConnInfo struct {
	CID          uint64
	Kind         string // "Client"
	Type         string // "nats"
	IP           string
	Port         int
	Start        time.Time
	LastActivity time.Time
	Stop         time.Time // zero while open
	Reason       string    // why it closed; empty while open
	RTT          time.Duration
	PendingBytes int
	InMsgs       int64
	OutMsgs      int64
	InBytes      int64
	OutBytes     int64
	NumSubs      int
	Name         string
	Lang         string
	Version      string
	Account      string
	User         string    // who it authenticated as ("" without authentication), as authorized_user
	Subs         []SubInfo // only when asked for
}

// SubInfo is one subscription as /connz?subs=detail and /subsz?subs=1 report it.
type SubInfo struct {
	Account string
	Subject string
	Queue   string
	SID     string
	Msgs    int64 // messages delivered to it
	Max     int64 // auto-unsubscribe limit; 0 when none
	CID     uint64
}

// snapshotTimeout bounds how long monitoring waits for a loop; a loop that does not answer in time (it is
// shutting down) is left out of the answer.
const snapshotTimeout = 5 * time.Second

// Conns returns every open client connection, ordered by cid, with subscription details if subs is set.
// Safe from any goroutine; it waits for each loop to answer.
func (s *Server) Conns(subs bool) []ConnInfo {
	var all []ConnInfo
	s.onEveryLoop(func(l *loop, now time.Time) {
		for _, c := range l.clients {
			if c.kind == kindClient && !c.closing {
				all = append(all, c.snapshot(subs, now))
			}
		}
	})
	sort.Slice(all, func(i, j int) bool { return all[i].CID < all[j].CID })
	return all
}

// ClosedConns returns the remembered closed connections, oldest first.
func (s *Server) ClosedConns() []ConnInfo { return s.closed.list() }

// onEveryLoop runs fn on each loop in turn and returns when all have run it (or timed out). Calls are
// serialised, so fn may append to state of the caller without locking.
func (s *Server) onEveryLoop(fn func(l *loop, now time.Time)) {
	for _, l := range s.loopList() {
		done := make(chan struct{})
		err := l.el.Execute(context.Background(), gnet.RunnableFunc(func(context.Context) error {
			fn(l, time.Now())
			close(done)
			return nil
		}))
		if err != nil {
			continue // the engine is shutting down
		}
		select {
		case <-done:
		case <-time.After(snapshotTimeout):
			s.log.Warn().Int("loop", l.idx).Msg("monitoring: event loop did not answer")
			<-done // fn may still run; wait so it never races the next loop's
		case <-s.done:
			return
		}
	}
}

// snapshot describes c. It runs on c's loop.
func (c *client) snapshot(subs bool, now time.Time) ConnInfo {
	ci := ConnInfo{
		CID:          c.cid,
		Kind:         "Client",
		Type:         "nats",
		IP:           c.host,
		Port:         c.port,
		Start:        time.Unix(0, c.start),
		LastActivity: time.Unix(0, max(c.lastActivity, c.lastInput)),
		RTT:          time.Duration(c.rtt),
		InMsgs:       c.inMsgs,
		OutMsgs:      c.outMsgs,
		InBytes:      c.inBytes,
		OutBytes:     c.outBytes,
		NumSubs:      c.subs.len(),
		Name:         c.opts.Name,
		Lang:         c.opts.Lang,
		Version:      c.opts.Version,
		Account:      c.acct.name,
		User:         c.user,
	}
	if !c.gone() {
		ci.PendingBytes = c.pending()
	}
	if c.closing {
		ci.Stop = now
		ci.Reason = string(c.reason)
	}
	if subs {
		c.subs.each(func(s *subscription) { ci.Subs = append(ci.Subs, s.info()) })
		sort.Slice(ci.Subs, func(i, j int) bool { return ci.Subs[i].SID < ci.Subs[j].SID })
	}
	return ci
}

func (s *subscription) info() SubInfo {
	return SubInfo{
		Account: s.client.acct.name,
		Subject: s.entry.Subject,
		Queue:   s.entry.Queue,
		SID:     string(s.sid),
		Msgs:    s.delivered,
		Max:     s.max,
		CID:     s.client.cid,
	}
}
