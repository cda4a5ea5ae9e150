package stream

import (
	"errors"
	"fmt"
	"slices"

	"github.com/reactor-nats/reactor/stream/store"
)

// entryKind is what an entry does to a stream.
type entryKind uint8

const (
	entryMsg    entryKind = iota + 1 // a captured publish: check it, store it, enforce limits
	entryRemove                      // remove one message (MSG.DELETE, a consumer's ack on a workqueue)
	entryPurge                       // PURGE: by filter, up to a sequence, keeping the newest N
	entryConfig                      // UPDATE: a new configuration, its limits enforced at once
	entryExpire                      // max_age and per-message TTLs as of a time
)

// entry is one change of a stream's state. Applying the same entries in the same order to the same
// store gives the same state: everything apply needs that is not in the state is in the entry (the
// publish's bytes and the time the writer gave it, the time an expiry is judged at), so a replicated log
// of entries can stand in front of apply later.
type entry struct {
	kind entryKind

	subject   string // entryMsg
	hdr, data []byte // entryMsg: alias the writer's batch, alive during apply only
	ts        int64  // entryMsg: unix ns when the writer took it (raised to the last time)

	seq   uint64 // entryRemove
	erase bool   // entryRemove: overwrite the bytes

	filter     string // entryPurge
	upTo, keep uint64 // entryPurge

	cfg Config // entryConfig

	now int64 // entryConfig, entryExpire: unix ns that ages are judged at
}

// applied is what an entry did.
type applied struct {
	pub     pubResult // entryMsg
	removed uint64    // entryRemove (0 or 1), entryPurge, entryExpire
	marked  uint64    // entryExpire, entryConfig: subject delete markers stored (marker.go)
}

// apply applies e to the stream. Under mu; today every entry is applied as soon as it is made.
func (s *Stream) apply(e *entry) (applied, error) {
	var res applied
	var err error
	switch e.kind {
	case entryMsg:
		res.pub = s.applyMsg(e)
	case entryRemove:
		var ok bool
		if ok, err = s.store.Remove(e.seq, e.erase); ok {
			res.removed = 1
		}
	case entryPurge:
		res.removed, err = s.store.Purge(e.filter, e.upTo, e.keep)
	case entryConfig:
		res.marked, err = s.applyConfig(e.cfg, e.now)
	case entryExpire:
		res.removed, res.marked, err = s.expire(e.now)
	}
	s.reconcileUsage()
	return res, err
}

// applyMsg checks a publish, stores it and applies what storing it implies: its id joins the dedupe
// window, a rollup purges what it replaces, an interest stream without interest lets it go, limits drop
// the oldest, and the expiry timer learns of its end.
func (s *Stream) applyMsg(e *entry) pubResult {
	if e.ts < s.lastTime {
		e.ts = s.lastTime
	}
	v := s.check(e)
	if v.err != nil {
		return pubResult{err: v.err}
	}
	if v.dupSeq != 0 {
		return pubResult{seq: v.dupSeq, dup: true}
	}
	subject := e.subject
	seq, err := s.store.Append(subject, e.hdr, e.data, e.ts, v.ttl)
	if err != nil {
		return s.storeFailure(err)
	}
	s.lastTime = e.ts
	s.lastMsgID = string(v.msgID)
	if v.msgID != nil {
		s.dedupe.add(s.lastMsgID, seq, e.ts)
	}
	switch v.rollup {
	case rollupSubject:
		_, err = s.store.Purge(subject, seq, 0)
	case rollupAll:
		_, err = s.store.Purge("", seq, 0)
	}
	if err == nil && s.cfg.Retention == InterestPolicy && (s.interest == nil || !s.interest(seq, subject)) {
		_, err = s.store.Remove(seq, false)
	}
	if err == nil {
		err = s.enforceLimits(subject)
	}
	if err != nil {
		// The message is stored and acknowledged; what failed is tidying after it.
		s.logger().Error().Err(err).Str("stream", s.name).Uint64("seq", seq).Msg("after storing a message")
	}
	s.armFor(e.ts, v.ttl)
	return pubResult{seq: seq}
}

// storeFailure is the pub-ack error for a failed Append. A full disk also takes back what was appended
// since the last Flush (store.Store.Flush), which the writer repairs with takenBack.
func (s *Stream) storeFailure(err error) pubResult {
	switch {
	case errors.Is(err, store.ErrNoSpace):
		return pubResult{err: ErrStorageExceeded, takenBack: true}
	case errors.Is(err, store.ErrTooLarge):
		return pubResult{err: ErrMessageExceedsMax}
	}
	s.logger().Error().Err(err).Str("stream", s.name).Msg("store")
	return pubResult{err: storeFailed(err)}
}

// takenBack brings the stream in line with a store that dropped messages it had appended (a full disk
// before a Flush) and returns the last sequence the store still holds. Under mu.
func (s *Stream) takenBack() uint64 {
	last := s.store.State().LastSeq
	s.dedupe.dropAbove(last)
	s.lastMsgID = ""
	if m, err := s.store.Load(last); err == nil {
		s.lastMsgID = string(msgIDOf(m.Hdr))
	}
	s.reconcileUsage()
	return last
}

// applyConfig makes cfg the stream's configuration: its subjects captured instead of the old ones, its
// dedupe window, its limits and ages enforced now. It returns how many subject delete markers the
// expiry stored.
func (s *Stream) applyConfig(cfg Config, now int64) (uint64, error) {
	old := s.cfg
	s.cfg = cfg
	s.dedupe.window = dupWindow(cfg)
	if !slices.Equal(old.Subjects, cfg.Subjects) && s.cancel != nil {
		s.cancel()
		s.cancel = nil
		cancel, err := s.acct.mgr.host.Capture(s.acct.Name(), cfg.Subjects, s)
		if err != nil {
			s.cfg = old
			s.dedupe.window = dupWindow(old)
			s.cancel, _ = s.acct.mgr.host.Capture(s.acct.Name(), old.Subjects, s)
			return 0, fmt.Errorf("stream %s: capture %v: %w", cfg.Name, cfg.Subjects, err)
		}
		s.cancel = cancel
	}
	if err := s.enforceLimits(""); err != nil {
		return 0, err
	}
	_, marked, err := s.expire(now)
	return marked, err
}
