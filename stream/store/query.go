package store

// Reads that walk messages: by filter, by subject, and the lazy repair of subject bounds.

// segReader reads a segment's records in (roughly) ascending order through a window, so a walk costs one
// read per scanWindow rather than one per record.
type segReader struct {
	fs     *FileStore
	sg     *segment
	win    []byte
	winOff int64
}

// segWindow locates the bytes of a segment that FileStore.scanBuf holds.
type segWindow struct {
	sg  *segment
	off int64
	n   int
}

func (fs *FileStore) reader(sg *segment) *segReader {
	if cap(fs.scanBuf) < scanWindow {
		fs.scanBuf = make([]byte, scanWindow)
	}
	rd := &segReader{fs: fs, sg: sg}
	if w := fs.win; w.sg == sg {
		rd.win, rd.winOff = fs.scanBuf[:w.n], w.off
	}
	return rd
}

// at decodes the record at off.
func (rd *segReader) at(off int64) (record, error) {
	sg := rd.sg
	if off >= sg.size {
		return rd.fs.readRecord(sg, off)
	}
	if off >= rd.winOff && off < rd.winOff+int64(len(rd.win)) {
		r, _, err := decodeRecord(rd.win[off-rd.winOff:])
		if err == nil {
			return r, nil
		}
	}
	n := min(int64(cap(rd.fs.scanBuf)), sg.size-off)
	rd.win = rd.fs.scanBuf[:n]
	rd.winOff = off
	if _, err := sg.f.ReadAt(rd.win, off); err != nil {
		rd.win, rd.fs.win = nil, segWindow{}
		return rd.fs.readRecord(sg, off)
	}
	rd.fs.win = segWindow{sg: sg, off: off, n: int(n)}
	r, _, err := decodeRecord(rd.win)
	if err != nil { // longer than the window, or damaged: readRecord sorts out which
		return rd.fs.readRecord(sg, off)
	}
	return r, nil
}

// eachLive calls fn with the live messages of sg from seq from on, in order, until fn returns false;
// it returns false when fn did. Damaged records are skipped (and recorded as problems). fn must not keep
// r past its call, nor call eachLive: r is fs.walkRec, reused, so that a walk allocates nothing per
// record (a record passed by pointer to a func value would otherwise move to the heap).
func (fs *FileStore) eachLive(sg *segment, from uint64, fn func(seq uint64, r *record) bool) bool {
	if sg.live == 0 {
		return true
	}
	rd := fs.reader(sg)
	r := &fs.walkRec
	for s := max(from, sg.first); s < sg.end(); s++ {
		off, ok := sg.liveAt(s)
		if !ok {
			continue
		}
		var err error
		*r, err = rd.at(off)
		if err != nil || r.typ != recMsg || r.seq != s {
			if err == nil {
				fs.corrupt(sg.path, off, "record does not hold its sequence")
			}
			continue
		}
		if !fn(s, r) {
			return false
		}
	}
	return true
}

// eachLiveBack is eachLive in descending order from seq from (inclusive).
func (fs *FileStore) eachLiveBack(sg *segment, from uint64, fn func(seq uint64, r *record) bool) bool {
	if sg.live == 0 || from < sg.first {
		return true
	}
	for s := min(from, sg.end()-1); s >= sg.first; s-- {
		if r, err := fs.readMsg(sg, s); err == nil && !fn(s, &r) {
			return false
		}
		if s == 0 {
			break
		}
	}
	return true
}

// fixSubject makes fsj's bounds exact, reading the one segment that holds each stale bound.
func (fs *FileStore) fixSubject(fsj *fileSubject) {
	if fsj.firstStale {
		for _, sg := range fs.segs {
			if ss := sg.subjects[fsj.name]; ss != nil && sg.end() > fsj.first {
				fs.fixSegSubject(sg, fsj.name, ss)
				fsj.first = ss.first
				break
			}
		}
		fsj.firstStale = false
	}
	if fsj.lastStale {
		for i := len(fs.segs) - 1; i >= 0; i-- {
			sg := fs.segs[i]
			if ss := sg.subjects[fsj.name]; ss != nil && sg.first <= fsj.last {
				fs.fixSegSubject(sg, fsj.name, ss)
				fsj.last = ss.last
				break
			}
		}
		fsj.lastStale = false
	}
}

// fixSegSubject makes a segment's bounds for subject exact by walking its messages between them.
func (fs *FileStore) fixSegSubject(sg *segment, subject string, ss *segSubject) {
	if !ss.stale {
		return
	}
	first, last, n := uint64(0), uint64(0), uint32(0)
	fs.eachLive(sg, ss.first, func(seq uint64, r *record) bool {
		if string(r.subject) == subject {
			if first == 0 {
				first = seq
			}
			last = seq
			n++
		}
		return seq < ss.last && n < ss.msgs
	})
	if n > 0 {
		ss.first, ss.last = first, last
	}
	ss.stale = false
}

// subject returns the subject's summary with exact bounds, or nil.
func (fs *FileStore) subject(name string) *fileSubject {
	fsj := fs.subjects[name]
	if fsj != nil {
		fs.fixSubject(fsj)
	}
	return fsj
}

func (fs *FileStore) SubjectState(subject string) SubjectState {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fsj := fs.subject(subject); fsj != nil {
		return SubjectState{Msgs: fsj.msgs, First: fsj.first, Last: fsj.last}
	}
	return SubjectState{}
}

func (fs *FileStore) LoadNext(filter string, start uint64) (Msg, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.closed {
		return Msg{}, ErrClosed
	}
	end := fs.last
	if isLiteral(filter) {
		fsj := fs.subject(filter)
		if fsj == nil {
			return Msg{}, ErrNotFound
		}
		start, end = max(start, fsj.first), fsj.last
	}
	var found Msg
	for _, sg := range fs.segs {
		if sg.end() <= start || !sg.mayMatch(filter) {
			continue
		}
		if sg.first > end {
			break
		}
		done := !fs.eachLive(sg, start, func(seq uint64, r *record) bool {
			if subjectMatches(filter, string(r.subject)) {
				found = fs.msgOf(r)
				return false
			}
			return seq < end
		})
		if done {
			break
		}
	}
	if found.Seq == 0 {
		return Msg{}, ErrNotFound
	}
	return found, nil
}

func (fs *FileStore) LoadLast(filter string) (Msg, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.closed {
		return Msg{}, ErrClosed
	}
	if isLiteral(filter) {
		fsj := fs.subject(filter)
		if fsj == nil {
			return Msg{}, ErrNotFound
		}
		r, err := fs.readMsg(fs.segFor(fsj.last), fsj.last)
		if err != nil {
			return Msg{}, err
		}
		return fs.msgOf(&r), nil
	}
	var found Msg
	for i := len(fs.segs) - 1; i >= 0 && found.Seq == 0; i-- {
		sg := fs.segs[i]
		if !sg.mayMatch(filter) {
			continue
		}
		fs.eachLiveBack(sg, sg.end()-1, func(seq uint64, r *record) bool {
			if subjectMatches(filter, string(r.subject)) {
				found = fs.msgOf(r)
				return false
			}
			return true
		})
	}
	if found.Seq == 0 {
		return Msg{}, ErrNotFound
	}
	return found, nil
}

func (fs *FileStore) FilteredState(filter string, start uint64) SubjectState {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var st SubjectState
	if fs.closed {
		return st
	}
	if fs.everySubjectMatches(filter) {
		return fs.stateFrom(start)
	}
	if start <= fs.first && isLiteral(filter) {
		if fsj := fs.subject(filter); fsj != nil {
			st = SubjectState{Msgs: fsj.msgs, First: fsj.first, Last: fsj.last}
		}
		return st
	}
	var lastSeg *segment
	for _, sg := range fs.segs {
		if sg.end() <= start || !sg.mayMatch(filter) {
			continue
		}
		lastSeg = sg
		if st.Msgs > 0 && sg.first >= start { // whole segment after the first match: count from its summary
			for subj, ss := range sg.subjects {
				if subjectMatches(filter, subj) {
					st.Msgs += uint64(ss.msgs)
				}
			}
			continue
		}
		if sg.allMatch(filter) && sg.live == len(sg.offsets) { // all match, none deleted: the range is the count
			from := max(start, sg.first)
			if st.Msgs == 0 {
				st.First = from
			}
			st.Msgs += sg.end() - from
			st.Last = sg.end() - 1
			continue
		}
		if sg.allMatch(filter) { // every live message matches: count the offset table, decode nothing
			for s := max(start, sg.first); s < sg.end(); s++ {
				if sg.offsets[s-sg.first] != deletedSlot {
					if st.Msgs == 0 {
						st.First = s
					}
					st.Msgs++
					st.Last = s
				}
			}
			continue
		}
		fs.eachLive(sg, start, func(seq uint64, r *record) bool {
			if subjectMatches(filter, string(r.subject)) {
				if st.Msgs == 0 {
					st.First = seq
				}
				st.Msgs++
				st.Last = seq
			}
			return true
		})
	}
	if lastSeg != nil && st.Msgs > 0 && lastSeg.first > st.First && lastSeg.allMatch(filter) {
		for s := lastSeg.end(); s > lastSeg.first; s-- {
			if lastSeg.offsets[s-1-lastSeg.first] != deletedSlot {
				st.Last = s - 1
				break
			}
		}
	} else if lastSeg != nil && st.Msgs > 0 && lastSeg.first > st.First {
		fs.eachLiveBack(lastSeg, lastSeg.end()-1, func(seq uint64, r *record) bool {
			if subjectMatches(filter, string(r.subject)) {
				st.Last = seq
				return false
			}
			return true
		})
	}
	return st
}

// everySubjectMatches reports whether filter matches every stored subject, so that FilteredState can count
// by sequence alone. A filter other than "" or ">" is tried against the subjects only when they are few
// (a stream's own subject filter over its handful of subjects); beyond that the answer is false.
func (fs *FileStore) everySubjectMatches(filter string) bool {
	const maxTried = 16
	if matchesAll(filter) {
		return true
	}
	if len(fs.subjects) > maxTried {
		return false
	}
	for name := range fs.subjects {
		if !subjectMatches(filter, name) {
			return false
		}
	}
	return true
}

// stateFrom is FilteredState for a filter that matches every message, from the live counts: what lies at
// or after start is the live count of the segments after the one start falls in, plus that segment's
// live messages from start on (arithmetic when it has none removed, else a count of its offset table on
// the shorter side of start). First and Last are the live sequences nearest start and the end. So a
// consumer's num_pending costs a pass over the segment list, not over the messages.
func (fs *FileStore) stateFrom(start uint64) SubjectState {
	start = max(start, fs.first)
	if fs.msgs == 0 || start > fs.last {
		return SubjectState{}
	}
	at := fs.segIndexFrom(start)
	if at == len(fs.segs) {
		return SubjectState{}
	}
	var st SubjectState
	for i, sg := range fs.segs[at:] {
		if i == 0 {
			st.Msgs += sg.liveFrom(start)
		} else {
			st.Msgs += uint64(sg.live)
		}
		if st.First == 0 && sg.live > 0 {
			st.First, _ = sg.nextLive(start)
		}
	}
	if st.Msgs == 0 {
		return SubjectState{}
	}
	for i := len(fs.segs) - 1; i >= at; i-- {
		if last, ok := fs.segs[i].lastLive(); ok {
			st.Last = last
			break
		}
	}
	return st
}

// segIndexFrom is the index of the first segment that ends after seq (len(fs.segs) when none does).
func (fs *FileStore) segIndexFrom(seq uint64) int {
	lo, hi := 0, len(fs.segs)
	for lo < hi {
		mid := (lo + hi) / 2
		if fs.segs[mid].end() <= seq {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

func (fs *FileStore) Subjects(filter string) map[string]uint64 {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := map[string]uint64{}
	for name, fsj := range fs.subjects {
		if subjectMatches(filter, name) {
			out[name] = fsj.msgs
		}
	}
	return out
}

func (fs *FileStore) Deleted() []uint64 {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var gaps []uint64
	if fs.msgs == 0 {
		return nil
	}
	next := fs.first // the first sequence not yet accounted for
	for _, sg := range fs.segs {
		if sg.end() <= next {
			continue
		}
		for ; next < sg.first && next <= fs.last; next++ {
			gaps = append(gaps, next)
		}
		for ; next < sg.end() && next <= fs.last; next++ {
			if sg.offsets[next-sg.first] == deletedSlot {
				gaps = append(gaps, next)
			}
		}
	}
	for ; next <= fs.last; next++ {
		gaps = append(gaps, next)
	}
	return gaps
}

// allMatch reports whether every live message of sg matches filter, from its subject summary.
func (sg *segment) allMatch(filter string) bool {
	if matchesAll(filter) {
		return true
	}
	for subj, ss := range sg.subjects {
		if ss.msgs > 0 && !subjectMatches(filter, subj) {
			return false
		}
	}
	return true
}
