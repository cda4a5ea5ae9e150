package store

import (
	"fmt"
	"os"
	"slices"
)

// Removal. Three ways, cheapest first:
//   - a prefix of the store (purge up to, purge all, age expiry, removing the first message) is one mark
//     (everything below its first sequence is gone), and whole segments below it are deleted;
//   - anything else is a tombstone per message, appended to the active segment;
//   - a sealed segment left with no live message is deleted, carrying its tombstones for older segments
//     forward; one left with less than half its bytes live is rewritten without the dead records.
// Every removal first writes out buffered appends, then its own records, and changes the indexes only once
// those are written, so a failed write changes nothing.

// victim is a live message about to be removed.
type victim struct {
	sg      *segment
	seq     uint64
	off     int64
	subject string // interned
	size    uint64
	recLen  int64
}

// victimAt reads the live message seq of sg; false when it is not live or cannot be read.
func (fs *FileStore) victimAt(sg *segment, seq uint64) (victim, bool) {
	r, err := fs.readMsg(sg, seq)
	if err != nil {
		return victim{}, false
	}
	return fs.victimOf(sg, seq, &r), true
}

func (fs *FileStore) victimOf(sg *segment, seq uint64, r *record) victim {
	off, _ := sg.liveAt(seq)
	return victim{sg: sg, seq: seq, off: off, subject: fs.internedSubject(r.subject),
		size:   MsgSize(string(r.subject), r.hdr, r.data),
		recLen: int64(recordLen(string(r.subject), r.hdr, r.data))}
}

func (fs *FileStore) Remove(seq uint64, erase bool) (bool, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.closed {
		return false, ErrClosed
	}
	sg := fs.segFor(seq)
	if sg == nil {
		return false, nil
	}
	v, ok := fs.victimAt(sg, seq)
	if !ok {
		return false, nil
	}
	if err := fs.removeVictims([]victim{v}, erase); err != nil {
		return false, err
	}
	return true, nil
}

// removeVictims removes vs (ascending): with one mark when they are the store's first live messages and
// need no erasing, else with tombstones.
func (fs *FileStore) removeVictims(vs []victim, erase bool) error {
	if len(vs) == 0 {
		return nil
	}
	if err := fs.flushLocked(); err != nil {
		return err
	}
	if !erase && fs.isPrefix(vs) {
		next := fs.last + 1
		if sg := fs.segFor(vs[len(vs)-1].seq); sg != nil {
			for _, s := range fs.segs[fs.segIndex(sg):] {
				if seq, ok := s.nextLive(vs[len(vs)-1].seq + 1); ok {
					next = seq
					break
				}
			}
		}
		_, err := fs.compactTo(next)
		return err
	}
	for _, v := range vs {
		fs.wbuf = appendRecord(fs.wbuf, recTomb, v.seq, v.recLen, int64(v.size), v.subject, nil, nil)
	}
	if err := fs.flushLocked(); err != nil {
		return err
	}
	act := fs.active()
	for _, v := range vs {
		if v.seq < act.first {
			act.tombs++
			act.tombList = append(act.tombList, tombRef{seq: v.seq, subject: v.subject, recLen: v.recLen, size: v.size})
		}
		fs.unindex(v.sg, v.seq, v.subject, v.size, v.recLen)
		if erase {
			fs.erase(v)
		}
	}
	fs.fixFirst()
	fs.tidy()
	return nil
}

// isPrefix reports whether vs are exactly the store's first len(vs) live messages.
func (fs *FileStore) isPrefix(vs []victim) bool {
	i := 0
	for _, sg := range fs.segs {
		for s := max(sg.first, fs.first); s < sg.end() && i < len(vs); s++ {
			if sg.offsets[s-sg.first] == deletedSlot {
				continue
			}
			if vs[i].seq != s {
				return false
			}
			i++
		}
		if i == len(vs) {
			return true
		}
	}
	return i == len(vs)
}

func (fs *FileStore) segIndex(sg *segment) int {
	for i, s := range fs.segs {
		if s == sg {
			return i
		}
	}
	return -1
}

// erase overwrites a removed message's record in place with a recErased record of the same length whose
// headers and payload are zeros.
func (fs *FileStore) erase(v victim) {
	r, err := fs.readRecord(v.sg, v.off)
	if err != nil || r.seq != v.seq {
		return
	}
	zeros := make([]byte, len(r.hdr)+len(r.data))
	rec := appendRecord(nil, recErased, r.seq, r.time, r.ttl, string(r.subject), zeros[:len(r.hdr)], zeros[len(r.hdr):])
	fs.win = segWindow{} // it may hold the bytes being erased
	if _, err := v.sg.f.WriteAt(rec, v.off); err != nil {
		fs.log.Error().Err(err).Str("file", v.sg.path).Int64("offset", v.off).Msg("store: erase failed")
		return
	}
	v.sg.dirty = true
}

func (fs *FileStore) SkipTo(seq uint64) error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if err := fs.flushOpen(); err != nil {
		return err
	}
	_, err := fs.compactTo(seq)
	return err
}

// flushOpen writes the buffer out before a removal, which reads and rewrites what is on disk; ErrClosed
// once the store is closed. fs.mu is held.
func (fs *FileStore) flushOpen() error {
	if fs.closed {
		return ErrClosed
	}
	return fs.flushLocked()
}

// compactTo removes every message below upTo; beyond LastSeq it moves the next sequence to upTo.
func (fs *FileStore) compactTo(upTo uint64) (uint64, error) {
	if upTo > fs.last {
		return fs.reset(max(upTo, fs.last+1))
	}
	if upTo <= fs.first {
		return 0, nil
	}
	fs.wbuf = appendRecord(fs.wbuf, recMark, fs.last, fs.lastTime, int64(upTo), "", nil, nil)
	if err := fs.flushLocked(); err != nil {
		return 0, err
	}
	act := fs.active()
	act.mark = markRec{last: fs.last, lastTime: fs.lastTime, floor: upTo}
	var n uint64
	if len(fs.segs) > 1 && fs.segs[0].end() <= upTo {
		// Whole segments go: the mark must be on disk before they are.
		if err := act.f.Sync(); err != nil {
			return 0, fmt.Errorf("%w: %s: %w", ErrNoSpace, act.path, err)
		}
		for len(fs.segs) > 1 && fs.segs[0].end() <= upTo {
			live := uint64(fs.segs[0].live)
			if !fs.dropSegment(fs.segs[0]) {
				break
			}
			n += live
		}
	}
	n += fs.unindexBelow(upTo)
	fs.fixFirst()
	fs.tidy()
	return n, nil
}

// unindexBelow removes the live messages below upTo from the indexes, reading each one's record; a mark
// already says they are gone.
func (fs *FileStore) unindexBelow(upTo uint64) uint64 {
	var n uint64
	for _, sg := range fs.segs {
		if sg.first >= upTo {
			break
		}
		for s := max(sg.first, fs.first); s < min(upTo, sg.end()); s++ {
			if v, ok := fs.victimAt(sg, s); ok {
				fs.unindex(sg, s, v.subject, v.size, v.recLen)
				n++
			}
		}
	}
	return n
}

// reset empties the store, moving its next sequence to next: a new segment starting with a mark, fsynced,
// and then every older file deleted.
func (fs *FileStore) reset(next uint64) (uint64, error) {
	n := fs.msgs
	oldFirst, oldLast := fs.first, fs.last
	fs.first, fs.last = next, next-1
	ns, err := fs.createSegment(fs.active().id+1, true)
	if err != nil {
		fs.first, fs.last = oldFirst, oldLast
		return 0, err
	}
	for _, sg := range fs.segs {
		fs.removeFiles(sg)
	}
	fs.segs = []*segment{ns}
	fs.subjects, fs.ttls, fs.ttlq = map[string]*fileSubject{}, map[uint64]int64{}, nil
	fs.msgs, fs.bytes, fs.firstTime = 0, 0, 0
	fs.flushedLast, fs.flushedLastTime = fs.last, fs.lastTime
	return n, nil
}

// removeFiles closes sg and deletes its files.
func (fs *FileStore) removeFiles(sg *segment) {
	fs.win = segWindow{}
	_ = sg.f.Close()
	sg.f = nil
	for _, p := range []string{sg.path, idxPath(fs.dir, sg.id)} {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			fs.log.Warn().Err(err).Str("file", p).Msg("store: cannot remove")
		}
	}
	fs.dirDirty = true
}

// dropSegment deletes the sealed segment sg with whatever it still holds, from the indexes in bulk (no
// record is read) and from disk. Its tombstones for older segments still present are carried forward
// first; if that write fails the segment stays.
func (fs *FileStore) dropSegment(sg *segment) bool {
	i := fs.segIndex(sg)
	if i < 0 || !sg.sealed {
		return false
	}
	if sg.tombs > 0 && i > 0 {
		if err := fs.carryTombs(sg); err != nil {
			fs.log.Warn().Err(err).Str("file", sg.path).Msg("store: segment kept: its tombstones could not be carried forward")
			return false
		}
	}
	for name, ss := range sg.subjects {
		fsj := fs.subjects[name]
		if fsj == nil {
			continue
		}
		fsj.msgs -= uint64(ss.msgs)
		switch {
		case fsj.msgs == 0:
			delete(fs.subjects, name)
		default:
			fsj.firstStale = fsj.firstStale || fsj.first < sg.end()
			fsj.lastStale = fsj.lastStale || fsj.last < sg.end()
		}
	}
	if sg.ttlLive > 0 {
		for s := sg.first; s < sg.end(); s++ {
			delete(fs.ttls, s)
		}
	}
	fs.msgs -= uint64(sg.live)
	fs.bytes -= sg.liveBytes
	fs.removeFiles(sg)
	fs.segs = append(fs.segs[:i], fs.segs[i+1:]...)
	return true
}

// carryTombs appends sg's tombstones for sequences still in an older segment to the active one.
func (fs *FileStore) carryTombs(sg *segment) error {
	tombs, err := fs.segTombs(sg)
	if err != nil {
		return err
	}
	if err := fs.flushLocked(); err != nil {
		return err
	}
	oldest := fs.segs[0].first
	var carried []tombRef
	for _, t := range tombs {
		if t.seq >= oldest {
			fs.wbuf = appendRecord(fs.wbuf, recTomb, t.seq, t.recLen, int64(t.size), t.subject, nil, nil)
			carried = append(carried, t)
		}
	}
	if err := fs.flushLocked(); err != nil {
		return err
	}
	act := fs.active()
	act.tombs += len(carried)
	act.tombList = append(act.tombList, carried...)
	return nil
}

// segTombs reads sg's tombstones for sequences below its first.
func (fs *FileStore) segTombs(sg *segment) ([]tombRef, error) {
	buf, err := fs.readSegment(sg)
	if err != nil {
		return nil, err
	}
	var tombs []tombRef
	walkRecords(buf, func(off int, r *record, raw []byte) {
		if r.typ == recTomb && r.seq < sg.first {
			tombs = append(tombs, tombRef{seq: r.seq, subject: fs.internedSubject(r.subject), recLen: r.time, size: uint64(r.ttl)})
		}
	}, nil)
	return tombs, nil
}

// readSegment reads the whole of sg's file.
func (fs *FileStore) readSegment(sg *segment) ([]byte, error) {
	buf := make([]byte, sg.size)
	if _, err := sg.f.ReadAt(buf, 0); err != nil {
		return nil, fmt.Errorf("store: read %s: %w", sg.path, err)
	}
	return buf, nil
}

// tidy deletes sealed segments left with no live message and rewrites those less than half live.
func (fs *FileStore) tidy() {
	for i := 0; i < len(fs.segs)-1; i++ {
		sg := fs.segs[i]
		switch {
		case !sg.sealed:
		case sg.live == 0:
			if fs.dropSegment(sg) {
				i--
			}
		case sg.liveRec*2 < sg.size:
			if err := fs.rewrite(sg); err != nil {
				fs.log.Warn().Err(err).Str("file", sg.path).Msg("store: compaction failed")
			}
		}
	}
}

// rewrite compacts the sealed segment sg: a new file with its live messages and the tombstones still
// needed, written beside it, fsynced, then renamed over it (its index file removed first, so a crash in
// between costs a scan, never a stale index).
func (fs *FileStore) rewrite(sg *segment) error {
	buf, err := fs.readSegment(sg)
	if err != nil {
		return err
	}
	oldest := fs.segs[0].first
	out := make([]byte, 0, sg.liveRec)
	offsets := make([]uint32, len(sg.offsets))
	for i := range offsets {
		offsets[i] = deletedSlot
	}
	var tombs []tombRef
	walkRecords(buf, func(off int, r *record, raw []byte) {
		switch {
		case r.typ == recMsg && sg.has(r.seq) && sg.offsets[r.seq-sg.first] == uint32(off):
			offsets[r.seq-sg.first] = uint32(len(out))
			out = append(out, raw...)
		case r.typ == recTomb && r.seq < sg.first && r.seq >= oldest:
			tombs = append(tombs, tombRef{seq: r.seq, subject: fs.internedSubject(r.subject), recLen: r.time, size: uint64(r.ttl)})
			out = append(out, raw...)
		}
	}, nil)
	tmp := sg.path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	if _, err = f.WriteAt(out, 0); err == nil {
		err = f.Sync()
	}
	if err == nil {
		if err = os.Remove(idxPath(fs.dir, sg.id)); os.IsNotExist(err) {
			err = nil
		}
	}
	if err == nil {
		err = os.Rename(tmp, sg.path)
	}
	if err != nil {
		_ = f.Close()
		_ = os.Remove(tmp)
		return err
	}
	_ = sg.f.Close()
	fs.win = segWindow{} // the segment's offsets have all changed
	sg.f, sg.offsets, sg.size, sg.tombs = f, offsets, int64(len(out)), len(tombs)
	fs.dirDirty = true
	if err := fs.writeIndex(sg, tombs); err != nil {
		fs.log.Warn().Err(err).Str("file", sg.path).Msg("store: index file not written after compaction")
	}
	return nil
}

func (fs *FileStore) Purge(filter string, upTo, keep uint64) (uint64, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if err := fs.flushOpen(); err != nil {
		return 0, err
	}
	if matchesAll(filter) {
		switch {
		case keep > 0 && keep >= fs.msgs:
			return 0, nil
		case keep > 0:
			upTo = fs.nthNewest(keep)
		case upTo == 0:
			upTo = fs.last + 1
		}
		return fs.compactTo(upTo)
	}
	var vs []victim
	for _, sg := range fs.segs {
		if upTo > 0 && sg.first >= upTo {
			break
		}
		if !sg.mayMatch(filter) {
			continue
		}
		fs.eachLive(sg, sg.first, func(seq uint64, r *record) bool {
			if upTo > 0 && seq >= upTo {
				return false
			}
			if subjectMatches(filter, string(r.subject)) {
				vs = append(vs, fs.victimOf(sg, seq, r))
			}
			return true
		})
	}
	if keep >= uint64(len(vs)) {
		return 0, nil
	}
	vs = vs[:uint64(len(vs))-keep]
	if err := fs.removeVictims(vs, false); err != nil {
		return 0, err
	}
	return uint64(len(vs)), nil
}

// nthNewest is the sequence of the n-th newest live message (n <= msgs).
func (fs *FileStore) nthNewest(n uint64) uint64 {
	for i := len(fs.segs) - 1; i >= 0; i-- {
		sg := fs.segs[i]
		if uint64(sg.live) < n {
			n -= uint64(sg.live)
			continue
		}
		for s := sg.end() - 1; s >= sg.first; s-- {
			if sg.offsets[s-sg.first] != deletedSlot {
				if n--; n == 0 {
					return s
				}
			}
		}
	}
	return fs.first
}

func (fs *FileStore) ExpireBefore(cutoff int64, emptied *[]Msg) (uint64, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if err := fs.flushOpen(); err != nil {
		return 0, err
	}
	// boundary: everything below it goes (no message that never expires before it); extra: the
	// expired messages after the first such message, which go by tombstone.
	boundary, skipped := fs.first, false
	var extra []victim
	for _, sg := range fs.segs {
		if sg.live == 0 {
			continue
		}
		if sg.minTime >= cutoff {
			break
		}
		if sg.maxTime < cutoff && sg.ttlLive == 0 && !skipped {
			boundary = sg.end()
			continue
		}
		reachedCutoff := !fs.eachLive(sg, sg.first, func(seq uint64, r *record) bool {
			switch {
			case r.time >= cutoff:
				return false
			case r.ttl < 0:
				skipped = true
			case !skipped:
				boundary = seq + 1
			default:
				extra = append(extra, fs.victimOf(sg, seq, r))
			}
			return true
		})
		if reachedCutoff {
			break
		}
	}
	var removed []Msg
	if emptied != nil {
		removed = fs.lastsRemoved(boundary, extra)
	}
	n, err := fs.compactTo(boundary)
	if err != nil {
		return 0, err
	}
	if err := fs.removeVictims(extra, false); err != nil {
		return n, err
	}
	if emptied != nil {
		appendEmptied(emptied, removed, fs.hasSubject)
	}
	return n + uint64(len(extra)), nil
}

func (fs *FileStore) ExpireTTL(now int64, emptied *[]Msg) (uint64, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.closed {
		return 0, ErrClosed
	}
	var vs []victim
	var removed []Msg
	seen := map[uint64]bool{}
	for _, seq := range fs.ttlq.due(now, fs.ttlLive) {
		sg := fs.segFor(seq)
		if sg == nil || seen[seq] {
			continue
		}
		r, err := fs.readMsg(sg, seq)
		if err != nil {
			continue
		}
		vs = append(vs, fs.victimOf(sg, seq, &r))
		seen[seq] = true
		if emptied != nil {
			removed = append(removed, r.headerMsg())
		}
	}
	sortVictims(vs)
	if err := fs.removeVictims(vs, false); err != nil {
		for _, v := range vs { // still due next time
			fs.ttlq.push(fs.ttls[v.seq], v.seq)
		}
		return 0, err
	}
	if emptied != nil {
		slices.SortFunc(removed, bySeq)
		appendEmptied(emptied, removed, fs.hasSubject)
	}
	return uint64(len(vs)), nil
}

func sortVictims(vs []victim) {
	for i := 1; i < len(vs); i++ { // insertion sort: due lists are short and nearly ordered
		for j := i; j > 0 && vs[j].seq < vs[j-1].seq; j-- {
			vs[j], vs[j-1] = vs[j-1], vs[j]
		}
	}
}
