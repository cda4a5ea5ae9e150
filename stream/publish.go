package stream

import (
	"strings"

	"github.com/reactor-nats/reactor/stream/store"
)

// rollup is what a Nats-Rollup header asks for once the message is stored.
type rollup uint8

const (
	rollupNone    rollup = iota
	rollupSubject        // "sub": the message replaces every earlier one on its subject
	rollupAll            // "all": the message replaces every earlier one in the stream
)

// verdict is what the checks decided for one publish.
type verdict struct {
	dupSeq uint64 // a duplicate of the message stored at dupSeq: acknowledged, not stored
	ttl    int64  // the message's own TTL for the store: seconds, -1 never, 0 none
	rollup rollup
	msgID  []byte // Nats-Msg-Id, aliasing the header block
	err    *APIError
}

// check runs nats-server's publish checks on e against the stream's state, in nats-server's order (the
// order decides which error a publish breaking several rules gets; each step was placed by publishing
// such combinations to the reference). Under mu.
func (s *Stream) check(e *entry) (v verdict) {
	cfg := &s.cfg
	if cfg.Sealed {
		v.err = ErrStreamSealed
		return v
	}
	if cfg.MaxMsgSize > 0 && len(e.hdr)+len(e.data) > int(cfg.MaxMsgSize) {
		v.err = ErrMessageExceedsMax
		return v
	}
	if len(e.hdr) > maxHdrLen {
		v.err = ErrHeaderExceedsMax
		return v
	}
	var h pubHeaders
	if e.hdr != nil {
		h.parse(e.hdr)
	}
	v.msgID = h.msgID
	if h.expStream != nil && string(h.expStream) != cfg.Name {
		v.err = ErrStreamNotMatch
		return v
	}
	if v.err = refusedFeature(&h); v.err != nil {
		return v
	}
	ttl, ttlOK := int64(0), true
	if h.ttl != nil {
		ttl, ttlOK = parseTTL(h.ttl)
		if ttlOK && !cfg.AllowMsgTTL {
			v.err = ErrMessageTTLDisabled
			return v
		}
	}
	if v.err = s.checkExpectedSeqs(e.subject, &h); v.err != nil {
		return v
	}
	if h.msgID != nil {
		if seq, dup := s.dedupe.lookup(h.msgID, e.ts); dup {
			v.dupSeq = seq
			return v
		}
	}
	if h.expLastMsgID != nil && string(h.expLastMsgID) != s.lastMsgID {
		v.err = WrongLastMsgID(s.lastMsgID)
		return v
	}
	if h.rollup != nil {
		if v.rollup, v.err = parseRollup(cfg, h.rollup); v.err != nil {
			return v
		}
	}
	if !ttlOK {
		v.err = ErrMessageTTLInvalid
		return v
	}
	if raised, ok := raisesTTL(cfg, ttl); ok {
		ttl = raised
		s.ttlHdr = appendWithTTL(s.ttlHdr[:0], e.hdr, ttl)
		e.hdr = s.ttlHdr
	}
	v.ttl = ttl
	size := s.msgSize(e.subject, e.hdr, e.data)
	if v.err = s.checkDiscardNew(e.subject, size); v.err != nil {
		return v
	}
	v.err = s.acct.room(cfg.Storage, size)
	return v
}

// refusedFeature refuses the headers of features reactor's streams do not offer (counters, atomic
// batches, schedules), with the error nats-server gives a stream that has them disabled.
func refusedFeature(h *pubHeaders) *APIError {
	switch {
	case h.incr != nil:
		return ErrMessageIncrDisabled
	case h.batchID != nil:
		return ErrAtomicPubDisabled
	case h.schedule != nil:
		return ErrSchedulesDisabled
	}
	return nil
}

// checkExpectedSeqs checks Nats-Expected-Last-Subject-Sequence (against the last message on the
// subject, or on the filter Nats-Expected-Last-Subject-Sequence-Subject names) and then
// Nats-Expected-Last-Sequence. A value that is not a number matches nothing.
func (s *Stream) checkExpectedSeqs(subject string, h *pubHeaders) *APIError {
	if h.expLastSubjSeq == nil && h.expLastSubjAs != nil {
		return ErrLastSeqPerSubjInval
	}
	if h.expLastSubjSeq != nil {
		filter := subject
		if h.expLastSubjAs != nil {
			filter = string(h.expLastSubjAs)
		}
		last := s.lastOn(filter)
		if want, ok := parseSeq(h.expLastSubjSeq); !ok || want != last {
			return WrongLastSequence(last)
		}
	}
	if h.expLastSeq != nil {
		last := s.store.State().LastSeq
		if want, ok := parseSeq(h.expLastSeq); !ok || want != last {
			return WrongLastSequence(last)
		}
	}
	return nil
}

// lastOn is the sequence of the last stored message matching filter, 0 when none.
func (s *Stream) lastOn(filter string) uint64 {
	if strings.ContainsAny(filter, "*>") {
		m, err := s.store.LoadLast(filter)
		if err != nil {
			return 0
		}
		return m.Seq
	}
	return s.store.SubjectState(filter).Last
}

// parseRollup reads Nats-Rollup ("sub" or "all", any case) where the stream allows it.
func parseRollup(cfg *Config, v []byte) (rollup, *APIError) {
	if !cfg.AllowRollup || cfg.DenyPurge {
		return rollupNone, errRollupNotPermitted
	}
	switch {
	case equalFold(string(v), "sub"):
		return rollupSubject, nil
	case equalFold(string(v), "all"):
		return rollupAll, nil
	}
	return rollupNone, rollupInvalid(v)
}

// msgSize is the bytes the stream's store counts for a message.
func (s *Stream) msgSize(subject string, hdr, data []byte) uint64 {
	if s.cfg.Storage == MemoryStorage {
		return store.MemMsgSize(subject, hdr, data)
	}
	return store.MsgSize(subject, hdr, data)
}
