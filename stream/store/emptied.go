package store

import (
	"cmp"
	"slices"
)

// An expiry (ExpireBefore, ExpireTTL) can say which subjects it left without messages: a stream with
// subject_delete_marker_ttl writes a marker on each, and whether it does depends on the headers of the
// message that went last (a marker's own expiry leaves none). Both stores collect the removed candidates
// as header-only messages, ascending by sequence, and let appendEmptied pick the ones that emptied a
// subject once the removal is done.

// appendEmptied appends to emptied, ascending by sequence, the last message of removed (ascending) on
// each subject that hasSubject says holds no message any more.
func appendEmptied(emptied *[]Msg, removed []Msg, hasSubject func(subject string) bool) {
	start := len(*emptied)
	var reported map[string]bool
	for i := len(removed) - 1; i >= 0; i-- {
		m := &removed[i]
		if reported[m.Subject] || hasSubject(m.Subject) {
			continue
		}
		if reported == nil {
			reported = map[string]bool{}
		}
		reported[m.Subject] = true
		*emptied = append(*emptied, *m)
	}
	slices.Reverse((*emptied)[start:])
}

func bySeq(a, b Msg) int { return cmp.Compare(a.Seq, b.Seq) }

// headerMsg copies a message record out without its payload.
func (r *record) headerMsg() Msg {
	m := Msg{Seq: r.seq, Time: r.time, TTL: r.ttl, Subject: string(r.subject)}
	if len(r.hdr) > 0 {
		m.Hdr = append([]byte(nil), r.hdr...)
	}
	return m
}

// hasSubject reports whether a live message is on subject. Under mu.
func (fs *FileStore) hasSubject(subject string) bool { return fs.subjects[subject] != nil }

// lastsRemoved reads, before an age expiry removes every message below boundary and extra, the last
// message of each subject whose last message it removes (ascending): the candidates for appendEmptied.
// Under mu.
func (fs *FileStore) lastsRemoved(boundary uint64, extra []victim) []Msg {
	var out []Msg
	inExtra := make(map[uint64]bool, len(extra))
	for _, v := range extra {
		inExtra[v.seq] = true
	}
	seen := map[string]bool{}
	consider := func(subject string) {
		if seen[subject] {
			return
		}
		seen[subject] = true
		fsj := fs.subject(subject)
		if fsj == nil || (fsj.last >= boundary && !inExtra[fsj.last]) {
			return
		}
		if sg := fs.segFor(fsj.last); sg != nil {
			if r, err := fs.readMsg(sg, fsj.last); err == nil {
				out = append(out, r.headerMsg())
			}
		}
	}
	for _, sg := range fs.segs {
		if sg.first >= boundary {
			break
		}
		for subject := range sg.subjects {
			consider(subject)
		}
	}
	for _, v := range extra {
		consider(v.subject)
	}
	slices.SortFunc(out, bySeq)
	return out
}
