package stream

import "time"

// defaultDupWindow is nats-server's duplicate_window when a stream sets none.
const defaultDupWindow = 2 * time.Minute

// dupWindow is the window cfg asks for, nats-server's default when it names none.
func dupWindow(cfg Config) time.Duration {
	if cfg.Duplicates > 0 {
		return cfg.Duplicates
	}
	return defaultDupWindow
}

// dedupe remembers the Nats-Msg-Id of every message stored within the duplicate window, and the
// sequence it was stored at. Entries leave in the order they came (their times never decrease), lazily
// as the window passes them, so no timer is needed. Owned by the stream, under its lock.
type dedupe struct {
	window time.Duration
	ids    map[string]dedupeEntry
	fifo   []dedupeEntry // ids in the order they were stored, from head
	head   int
}

type dedupeEntry struct {
	id  string
	seq uint64
	ts  int64
}

// lookup returns the sequence id was stored at, if that was within the window before now.
func (d *dedupe) lookup(id []byte, now int64) (uint64, bool) {
	e, ok := d.ids[string(id)]
	if !ok || e.ts < now-int64(d.window) {
		return 0, false
	}
	return e.seq, true
}

// add records id as stored at seq at time ts, forgetting what the window has passed.
func (d *dedupe) add(id string, seq uint64, ts int64) {
	d.expire(ts)
	if d.ids == nil {
		d.ids = make(map[string]dedupeEntry)
	}
	e := dedupeEntry{id: id, seq: seq, ts: ts}
	d.ids[id] = e
	d.fifo = append(d.fifo, e)
}

// expire forgets the ids stored before the window that ends at now.
func (d *dedupe) expire(now int64) {
	cutoff := now - int64(d.window)
	for d.head < len(d.fifo) && d.fifo[d.head].ts < cutoff {
		e := d.fifo[d.head]
		if cur, ok := d.ids[e.id]; ok && cur.seq == e.seq {
			delete(d.ids, e.id)
		}
		d.fifo[d.head] = dedupeEntry{}
		d.head++
	}
	if d.head == len(d.fifo) {
		d.fifo, d.head = d.fifo[:0], 0
	} else if d.head > len(d.fifo)/2 && d.head > 64 {
		n := copy(d.fifo, d.fifo[d.head:])
		clear(d.fifo[n:])
		d.fifo, d.head = d.fifo[:n], 0
	}
}

// dropAbove forgets ids stored above seq: the store took those messages back (a failed flush).
func (d *dedupe) dropAbove(seq uint64) {
	for len(d.fifo) > d.head && d.fifo[len(d.fifo)-1].seq > seq {
		e := d.fifo[len(d.fifo)-1]
		if cur, ok := d.ids[e.id]; ok && cur.seq == e.seq {
			delete(d.ids, e.id)
		}
		d.fifo = d.fifo[:len(d.fifo)-1]
	}
}

// recoverDedupe rebuilds the ids within the window from the stored messages' headers, as nats-server
// does on restart, and the last message's id for Nats-Expected-Last-Msg-Id. It finds the first message
// inside the window by binary search over sequences, so it reads only the window.
func (s *Stream) recoverDedupe(now int64) {
	st := s.store.State()
	if st.Msgs == 0 || s.loadDedupe(st.LastSeq, now) {
		return
	}
	if last, err := s.store.Load(st.LastSeq); err == nil {
		s.lastMsgID = string(msgIDOf(last.Hdr))
	}
	cutoff := now - int64(s.dedupe.window)
	lo, hi := st.FirstSeq, st.LastSeq+1 // every message below lo is older than cutoff; none at or above hi is
	for lo < hi {
		mid := lo + (hi-lo)/2
		m, err := s.store.LoadNext("", mid)
		switch {
		case err != nil || m.Seq >= hi || m.Time >= cutoff:
			hi = mid
		default:
			lo = m.Seq + 1
		}
	}
	for seq := lo; ; {
		m, err := s.store.LoadNext("", seq)
		if err != nil {
			return
		}
		if id := msgIDOf(m.Hdr); id != nil {
			s.dedupe.add(string(id), m.Seq, m.Time)
		}
		seq = m.Seq + 1
	}
}
