package stream

import (
	"bytes"
	"cmp"
	"slices"
	"strconv"

	"github.com/reactor-nats/reactor/stream/store"
)

// Subject delete markers. A stream with subject_delete_marker_ttl leaves a marker on a subject whose
// last message expired (by max_age or its own Nats-TTL; nats-server gives both the reason MaxAge), so
// that a KV watcher or a consumer learns the key is gone rather than seeing nothing. Observed on the
// reference, and kept here:
//
//   - the marker has no payload and the headers Nats-Marker-Reason: MaxAge, Nats-TTL: <the marker TTL as
//     a Go duration, "3s"> and Nats-Rollup: sub, in that order; it expires by that TTL;
//   - only expiry makes markers: purge, MSG.DELETE and the limits (max_msgs, max_bytes,
//     max_msgs_per_subject, a rollup) make none;
//   - a message whose expiry would be marked but is itself a marker (any Nats-Marker-Reason) or a KV
//     purge (KV-Operation: PURGE) leaves none;
//   - markers come in the sequence order of the messages whose removal emptied their subjects, at the
//     expiry's time;
//   - a publish with a TTL below the marker TTL has its TTL raised to it (its Nats-TTL header replaced by
//     the number of seconds, at the end of the block), unless max_msgs_per_subject is 1 (a KV bucket of
//     history 1, whose keys may live shorter than their markers).
//
// Markers are written by the expire entry that emptied the subjects, in the same apply, so replaying the
// entries gives the same stream.

const (
	hdrMarkerReason  = "Nats-Marker-Reason"
	hdrKVOperation   = "KV-Operation"
	markerReasonAge  = "MaxAge"
	kvOperationPurge = "PURGE"
)

// markerHeader is the header block of every marker the stream of cfg writes.
func markerHeader(cfg *Config) []byte {
	return []byte("NATS/1.0\r\n" + hdrMarkerReason + ": " + markerReasonAge + "\r\n" + hdrTTL + ": " +
		cfg.SubjectDeleteMarkerTTL.String() + "\r\n" + hdrRollup + ": sub\r\n\r\n")
}

// leavesMarker reports whether the expiry of a subject's last message, with header block hdr, leaves a
// marker on it.
func leavesMarker(hdr []byte) bool {
	if len(hdr) == 0 {
		return true
	}
	return headerValue(hdr, hdrMarkerReason) == nil && string(headerValue(hdr, hdrKVOperation)) != kvOperationPurge
}

// writeMarkers stores a marker on the subject of each message of emptied (whose expiry left its subject
// without messages) that leaves one, at now, and returns how many it stored. Under mu, within the expire
// (or config) entry that removed them.
func (s *Stream) writeMarkers(emptied []store.Msg, now int64) (uint64, error) {
	slices.SortFunc(emptied, func(a, b store.Msg) int { return cmp.Compare(a.Seq, b.Seq) })
	var hdr []byte
	var n uint64
	ttl := int64(s.cfg.SubjectDeleteMarkerTTL.Seconds())
	for i := range emptied {
		if !leavesMarker(emptied[i].Hdr) {
			continue
		}
		if hdr == nil {
			hdr = markerHeader(&s.cfg)
		}
		subject := emptied[i].Subject
		ts := max(now, s.lastTime)
		seq, err := s.store.Append(subject, hdr, nil, ts, ttl)
		if err != nil {
			return n, err
		}
		n++
		s.lastTime, s.lastMsgID = ts, ""
		if s.cfg.Retention == InterestPolicy && (s.interest == nil || !s.interest(seq, subject)) {
			if _, err := s.store.Remove(seq, false); err != nil {
				return n, err
			}
		}
		// A discard-new stream keeps its messages: a marker may go over a limit until it expires, rather
		// than push out what a publisher was promised room for.
		if s.cfg.Discard == DiscardOld {
			if err := s.enforceLimits(subject); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// raisesTTL reports whether a publish's own TTL (seconds) is raised to the marker TTL, and to what.
func raisesTTL(cfg *Config, ttl int64) (int64, bool) {
	if ttl <= 0 || cfg.SubjectDeleteMarkerTTL <= 0 || cfg.MaxMsgsPer == 1 {
		return ttl, false
	}
	markerTTL := int64(cfg.SubjectDeleteMarkerTTL.Seconds())
	return markerTTL, ttl < markerTTL
}

// appendWithTTL appends to dst the header block hdr without its Nats-TTL lines and with "Nats-TTL:
// <ttl>" as its last header, as nats-server rewrites a raised TTL.
func appendWithTTL(dst, hdr []byte, ttl int64) []byte {
	for rest := hdr; len(rest) > 0; {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i+1], rest[i+1:]
		} else {
			rest = nil
		}
		if len(bytes.TrimRight(line, "\r\n")) == 0 {
			break // the blank line that ends the block
		}
		if name, _, found := bytes.Cut(line, []byte{':'}); found && string(name) == hdrTTL {
			continue
		}
		dst = append(dst, line...)
	}
	dst = append(dst, hdrTTL+": "...)
	dst = strconv.AppendInt(dst, ttl, 10)
	return append(dst, "\r\n\r\n"...)
}
