package stream

import (
	"bytes"
	"iter"
	"math"
	"strconv"
	"time"
)

// The publish headers a stream reads. Names are matched exactly, as nats-server does (nats.go sends
// them in this canonical form; "nats-msg-id" is an ordinary header).
const (
	hdrMsgID              = "Nats-Msg-Id"
	hdrExpectedStream     = "Nats-Expected-Stream"
	hdrExpectedLastSeq    = "Nats-Expected-Last-Sequence"
	hdrExpectedLastSubj   = "Nats-Expected-Last-Subject-Sequence"
	hdrExpectedLastSubjAs = "Nats-Expected-Last-Subject-Sequence-Subject"
	hdrExpectedLastMsgID  = "Nats-Expected-Last-Msg-Id"
	hdrRollup             = "Nats-Rollup"
	hdrTTL                = "Nats-TTL"
	hdrIncr               = "Nats-Incr"
	hdrBatchID            = "Nats-Batch-Id"
	hdrSchedule           = "Nats-Schedule"
)

// maxHdrLen is the largest header block a stream stores ("header size exceeds maximum allowed of 64k").
const maxHdrLen = 1<<16 - 1

// pubHeaders are the values of the headers a publish carries, aliasing its header block; a header that
// is absent or empty is nil (nats-server ignores an empty one).
type pubHeaders struct {
	msgID, expStream, expLastSeq, expLastSubjSeq, expLastSubjAs, expLastMsgID []byte
	rollup, ttl, incr, batchID, schedule                                      []byte
}

// parse reads hdr, a NATS/1.0 header block: the first occurrence of each header counts.
func (h *pubHeaders) parse(hdr []byte) {
	*h = pubHeaders{}
	for name, value := range headerLines(hdr) {
		var into *[]byte
		switch string(name) {
		case hdrMsgID:
			into = &h.msgID
		case hdrExpectedStream:
			into = &h.expStream
		case hdrExpectedLastSeq:
			into = &h.expLastSeq
		case hdrExpectedLastSubj:
			into = &h.expLastSubjSeq
		case hdrExpectedLastSubjAs:
			into = &h.expLastSubjAs
		case hdrExpectedLastMsgID:
			into = &h.expLastMsgID
		case hdrRollup:
			into = &h.rollup
		case hdrTTL:
			into = &h.ttl
		case hdrIncr:
			into = &h.incr
		case hdrBatchID:
			into = &h.batchID
		case hdrSchedule:
			into = &h.schedule
		default:
			continue
		}
		if *into == nil {
			*into = value
		}
	}
}

// headerValue is the value of the first header named name (exactly) in the header block hdr, trimmed;
// nil when it is absent or empty.
func headerValue(hdr []byte, name string) []byte {
	for key, value := range headerLines(hdr) {
		if string(key) == name {
			return value
		}
	}
	return nil
}

// headerLines yields the name and trimmed value of each header of the block hdr after its status line,
// in order; a line without a name or with an empty value is skipped (nats-server ignores an empty one).
func headerLines(hdr []byte) iter.Seq2[[]byte, []byte] {
	return func(yield func(name, value []byte) bool) {
		i := bytes.IndexByte(hdr, '\n')
		if i < 0 {
			return
		}
		for rest := hdr[i+1:]; len(rest) > 0; {
			line := rest
			if i := bytes.IndexByte(rest, '\n'); i >= 0 {
				line, rest = rest[:i], rest[i+1:]
			} else {
				rest = nil
			}
			colon := bytes.IndexByte(line, ':')
			if colon <= 0 {
				continue
			}
			if value := bytes.TrimSpace(line[colon+1:]); len(value) > 0 && !yield(line[:colon], value) {
				return
			}
		}
	}
}

// msgIDOf returns the Nats-Msg-Id of a stored message's header block, nil when it has none.
func msgIDOf(hdr []byte) []byte {
	var h pubHeaders
	h.parse(hdr)
	return h.msgID
}

// parseSeq reads an expected sequence; ok is false for anything but a decimal number, which nats-server
// treats as a sequence no stream has ("wrong last sequence" whatever the state).
func parseSeq(v []byte) (seq uint64, ok bool) {
	if len(v) == 0 {
		return 0, false
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if seq > (math.MaxUint64-d)/10 {
			return 0, false
		}
		seq = seq*10 + d
	}
	return seq, true
}

// parseTTL reads Nats-TTL as nats-server does: "never" (any case) is -1, a decimal number is seconds, and
// anything else is a Go duration; ok is false unless the result is at least one second (or never).
func parseTTL(v []byte) (ttl int64, ok bool) {
	if len(v) == 5 && equalFold(string(v), "never") {
		return -1, true
	}
	if n, err := strconv.ParseInt(string(v), 10, 64); err == nil {
		return n, n > 0
	}
	d, err := time.ParseDuration(string(v))
	if err != nil || d < time.Second {
		return 0, false
	}
	return int64(d / time.Second), true
}
