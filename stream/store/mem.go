package store

import (
	"slices"
	"strings"
	"sync"
)

// MemStore keeps a stream's messages in memory: the reference implementation, simple rather than fast.
// Messages sit in a map by sequence; a subject's first and last sequences are found again by walking
// sequences when the message holding one goes.
type MemStore struct {
	mu       sync.Mutex // guards everything below
	msgs     map[uint64]*Msg
	subjects map[string]*SubjectState
	ttls     ttlHeap
	first    uint64 // lowest live sequence; last+1 when empty
	last     uint64 // highest sequence ever assigned (or skipped to)
	lastTime int64
	bytes    uint64
	closed   bool
}

var _ Store = (*MemStore)(nil)

// NewMemStore returns an empty memory store whose first sequence is 1.
func NewMemStore() *MemStore {
	return &MemStore{msgs: map[uint64]*Msg{}, subjects: map[string]*SubjectState{}, first: 1}
}

func (ms *MemStore) Append(subject string, hdr, data []byte, ts int64, ttl int64) (uint64, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ms.closed {
		return 0, ErrClosed
	}
	ms.last++
	seq := ms.last
	m := &Msg{Seq: seq, Time: ts, Subject: strings.Clone(subject), Data: append([]byte{}, data...), TTL: ttl}
	if len(hdr) > 0 {
		m.Hdr = append([]byte(nil), hdr...)
	}
	ms.msgs[seq] = m
	ms.lastTime = ts
	if len(ms.msgs) == 1 {
		ms.first = seq
	}
	ms.bytes += MemMsgSize(subject, hdr, data)
	if ss := ms.subjects[subject]; ss != nil {
		ss.Msgs++
		ss.Last = seq
	} else {
		ms.subjects[m.Subject] = &SubjectState{Msgs: 1, First: seq, Last: seq}
	}
	if ttl > 0 {
		ms.ttls.push(ttlEnd(ts, ttl), seq)
	}
	return seq, nil
}

func (ms *MemStore) SkipTo(seq uint64) error {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ms.closed {
		return ErrClosed
	}
	ms.compact(seq)
	return nil
}

// compact removes every message below seq and, when seq is beyond the next sequence, moves it there.
func (ms *MemStore) compact(seq uint64) uint64 {
	var n uint64
	for s := ms.first; s < seq && s <= ms.last; s++ {
		if ms.removeLocked(s) {
			n++
		}
	}
	if seq > ms.last+1 {
		ms.last = seq - 1
	}
	ms.fixFirst()
	return n
}

func (ms *MemStore) Load(seq uint64) (Msg, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ms.closed {
		return Msg{}, ErrClosed
	}
	m := ms.msgs[seq]
	if m == nil {
		return Msg{}, ErrNotFound
	}
	return copyMsg(m), nil
}

func copyMsg(m *Msg) Msg {
	c := *m
	c.Data = append([]byte{}, m.Data...)
	if m.Hdr != nil {
		c.Hdr = append([]byte{}, m.Hdr...)
	}
	return c
}

func (ms *MemStore) LoadNext(filter string, start uint64) (Msg, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ms.closed {
		return Msg{}, ErrClosed
	}
	start = max(start, ms.first)
	end := ms.last
	if isLiteral(filter) {
		ss := ms.subjects[filter]
		if ss == nil {
			return Msg{}, ErrNotFound
		}
		start, end = max(start, ss.First), ss.Last
	}
	for s := start; s <= end; s++ {
		if m := ms.msgs[s]; m != nil && subjectMatches(filter, m.Subject) {
			return copyMsg(m), nil
		}
	}
	return Msg{}, ErrNotFound
}

func (ms *MemStore) LoadLast(filter string) (Msg, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ms.closed {
		return Msg{}, ErrClosed
	}
	end := ms.last
	if isLiteral(filter) {
		ss := ms.subjects[filter]
		if ss == nil {
			return Msg{}, ErrNotFound
		}
		end = ss.Last
	}
	for s := end; s >= ms.first && s > 0; s-- {
		if m := ms.msgs[s]; m != nil && subjectMatches(filter, m.Subject) {
			return copyMsg(m), nil
		}
	}
	return Msg{}, ErrNotFound
}

func (ms *MemStore) Remove(seq uint64, erase bool) (bool, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ms.closed {
		return false, ErrClosed
	}
	ok := ms.removeLocked(seq)
	ms.fixFirst()
	return ok, nil
}

// removeLocked removes seq from the indexes; the caller fixes first afterwards.
func (ms *MemStore) removeLocked(seq uint64) bool {
	m := ms.msgs[seq]
	if m == nil {
		return false
	}
	delete(ms.msgs, seq)
	ms.bytes -= MemMsgSize(m.Subject, m.Hdr, m.Data)
	ss := ms.subjects[m.Subject]
	ss.Msgs--
	switch {
	case ss.Msgs == 0:
		delete(ms.subjects, m.Subject)
	case seq == ss.First:
		for s := seq + 1; s <= ss.Last; s++ {
			if o := ms.msgs[s]; o != nil && o.Subject == m.Subject {
				ss.First = s
				break
			}
		}
	case seq == ss.Last:
		for s := seq - 1; s >= ss.First; s-- {
			if o := ms.msgs[s]; o != nil && o.Subject == m.Subject {
				ss.Last = s
				break
			}
		}
	}
	return true
}

// fixFirst moves first to the lowest live sequence, or last+1 when none is left.
func (ms *MemStore) fixFirst() {
	if len(ms.msgs) == 0 {
		ms.first = ms.last + 1
		ms.ttls = nil
		return
	}
	for ms.msgs[ms.first] == nil {
		ms.first++
	}
}

func (ms *MemStore) Purge(filter string, upTo, keep uint64) (uint64, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ms.closed {
		return 0, ErrClosed
	}
	if matchesAll(filter) && keep == 0 {
		if upTo == 0 {
			upTo = ms.last + 1
		}
		return ms.compact(upTo), nil
	}
	var doomed []uint64
	for s := ms.first; s <= ms.last && (upTo == 0 || s < upTo); s++ {
		if m := ms.msgs[s]; m != nil && subjectMatches(filter, m.Subject) {
			doomed = append(doomed, s)
		}
	}
	if keep >= uint64(len(doomed)) {
		return 0, nil
	}
	doomed = doomed[:uint64(len(doomed))-keep]
	for _, s := range doomed {
		ms.removeLocked(s)
	}
	ms.fixFirst()
	return uint64(len(doomed)), nil
}

func (ms *MemStore) ExpireBefore(cutoff int64, emptied *[]Msg) (uint64, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ms.closed {
		return 0, ErrClosed
	}
	var removed []Msg
	for s := ms.first; s <= ms.last; s++ {
		m := ms.msgs[s]
		if m == nil {
			continue
		}
		if m.Time >= cutoff {
			break
		}
		if m.TTL >= 0 && ms.removeLocked(s) {
			removed = append(removed, Msg{Seq: m.Seq, Time: m.Time, Subject: m.Subject, Hdr: m.Hdr, TTL: m.TTL})
		}
	}
	ms.fixFirst()
	if emptied != nil {
		appendEmptied(emptied, removed, ms.hasSubject)
	}
	return uint64(len(removed)), nil
}

// hasSubject reports whether a live message is on subject. Under mu.
func (ms *MemStore) hasSubject(subject string) bool { return ms.subjects[subject] != nil }

// ttlLive reports whether a heap entry's message is still stored.
func (ms *MemStore) ttlLive(e ttlEntry) bool {
	m := ms.msgs[e.seq]
	return m != nil && m.TTL > 0
}

func (ms *MemStore) ExpireTTL(now int64, emptied *[]Msg) (uint64, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ms.closed {
		return 0, ErrClosed
	}
	due := ms.ttls.due(now, ms.ttlLive)
	slices.Sort(due)
	var removed []Msg
	for _, s := range due {
		m := ms.msgs[s]
		ms.removeLocked(s)
		removed = append(removed, Msg{Seq: m.Seq, Time: m.Time, Subject: m.Subject, Hdr: m.Hdr, TTL: m.TTL})
	}
	ms.fixFirst()
	if emptied != nil {
		appendEmptied(emptied, removed, ms.hasSubject)
	}
	return uint64(len(due)), nil
}

func (ms *MemStore) NextTTL() int64 {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if e, ok := ms.ttls.next(ms.ttlLive); ok {
		return e.end
	}
	return 0
}

func (ms *MemStore) State() State {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	st := State{
		Msgs: uint64(len(ms.msgs)), Bytes: ms.bytes, FirstSeq: ms.first, LastSeq: ms.last,
		LastTime: ms.lastTime, NumSubjects: len(ms.subjects),
	}
	if st.Msgs > 0 {
		st.FirstTime = ms.msgs[ms.first].Time
		st.NumDeleted = int(ms.last - ms.first + 1 - st.Msgs)
	}
	return st
}

func (ms *MemStore) Deleted() []uint64 {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	var gaps []uint64
	for s := ms.first; s <= ms.last && len(ms.msgs) > 0; s++ {
		if ms.msgs[s] == nil {
			gaps = append(gaps, s)
		}
	}
	return gaps
}

func (ms *MemStore) SubjectState(subject string) SubjectState {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ss := ms.subjects[subject]; ss != nil {
		return *ss
	}
	return SubjectState{}
}

func (ms *MemStore) FilteredState(filter string, start uint64) SubjectState {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if matchesAll(filter) {
		return ms.stateFrom(start)
	}
	var st SubjectState
	for s := max(start, ms.first); s <= ms.last; s++ {
		if m := ms.msgs[s]; m != nil && subjectMatches(filter, m.Subject) {
			if st.Msgs == 0 {
				st.First = s
			}
			st.Msgs++
			st.Last = s
		}
	}
	return st
}

// stateFrom is FilteredState for "" and ">": arithmetic when no message between first and last was removed,
// else a walk of whichever side of start is shorter (live messages are len(msgs) in all).
func (ms *MemStore) stateFrom(start uint64) SubjectState {
	start = max(start, ms.first)
	if len(ms.msgs) == 0 || start > ms.last {
		return SubjectState{}
	}
	if ms.last-ms.first+1 == uint64(len(ms.msgs)) {
		return SubjectState{Msgs: ms.last - start + 1, First: start, Last: ms.last}
	}
	var st SubjectState
	if start-ms.first < ms.last-start {
		st.Msgs = uint64(len(ms.msgs))
		for s := ms.first; s < start; s++ {
			if ms.msgs[s] != nil {
				st.Msgs--
			}
		}
	} else {
		for s := start; s <= ms.last; s++ {
			if ms.msgs[s] != nil {
				st.Msgs++
			}
		}
	}
	if st.Msgs == 0 {
		return SubjectState{}
	}
	for st.First = start; st.First < ms.last && ms.msgs[st.First] == nil; st.First++ {
	}
	for st.Last = ms.last; st.Last > st.First && ms.msgs[st.Last] == nil; st.Last-- {
	}
	return st
}

func (ms *MemStore) Subjects(filter string) map[string]uint64 {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	out := map[string]uint64{}
	for subj, ss := range ms.subjects {
		if subjectMatches(filter, subj) {
			out[subj] = ss.Msgs
		}
	}
	return out
}

func (ms *MemStore) Flush() error { return nil }
func (ms *MemStore) Sync() error  { return nil }

func (ms *MemStore) Close() error {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	ms.closed = true
	return nil
}

func (ms *MemStore) Delete() error {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	ms.closed = true
	ms.msgs, ms.subjects, ms.ttls = map[uint64]*Msg{}, map[string]*SubjectState{}, nil
	return nil
}
