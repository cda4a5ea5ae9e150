package store

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

// walkRecords calls fn for each valid record of buf in order. At bytes that are not a record it calls
// bad (when not nil) with where they start, where the next valid record starts (len(buf) when none) and
// why, and carries on from there.
func walkRecords(buf []byte, fn func(off int, r *record, raw []byte), bad func(off, next int, reason error)) {
	for off := 0; off < len(buf); {
		r, n, err := decodeRecord(buf[off:])
		if err != nil {
			next := resync(buf, off)
			if bad != nil {
				bad(off, next, err)
			}
			off = next
			continue
		}
		fn(off, &r, buf[off:off+n])
		off += n
	}
}

// recover rebuilds the indexes from the segment files: sealed segments from their index files when
// valid, the rest by scanning. See doc.go for the rules.
func (fs *FileStore) recover() error {
	entries, err := os.ReadDir(fs.dir)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	var ids []uint32
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasSuffix(name, ".tmp"):
			_ = os.Remove(fs.dir + "/" + name)
		case strings.HasSuffix(name, ".seg"):
			id, err := strconv.ParseUint(strings.TrimSuffix(name, ".seg"), 10, 32)
			if err == nil {
				ids = append(ids, uint32(id))
			}
		}
	}
	slices.Sort(ids)
	if len(ids) == 0 {
		sg, err := fs.createSegment(1, false)
		if err != nil {
			return err
		}
		fs.segs = []*segment{sg}
		return nil
	}
	var floor uint64
	var scanned []scannedSeg
	fs.first = 0
	for i, id := range ids {
		path := segPath(fs.dir, id)
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		info, err := f.Stat()
		if err != nil {
			_ = f.Close()
			return fmt.Errorf("store: %w", err)
		}
		sg := &segment{id: id, path: path, f: f, size: info.Size()}
		fs.segs = append(fs.segs, sg)
		isLast := i == len(ids)-1
		var tombs []tombRef
		var mark markRec
		if !isLast {
			if tombs, mark, err = fs.loadIndex(sg); err != nil && !os.IsNotExist(err) {
				fs.log.Warn().Err(err).Str("file", sg.path).Msg("store: index file unusable; scanning the segment")
			}
		}
		if isLast || err != nil {
			if tombs, mark, err = fs.scanSegment(sg, isLast); err != nil {
				return err
			}
			if isLast {
				sg.tombList = tombs // the index written when it is sealed lists them
			} else {
				scanned = append(scanned, scannedSeg{sg, tombs})
			}
		} else {
			fs.applyTombs(tombs)
		}
		sg.sealed = !isLast
		if len(sg.offsets) > 0 && sg.end()-1 >= fs.last {
			fs.last, fs.lastTime = sg.end()-1, sg.maxTime
		}
		if mark.last > fs.last || (mark.last == fs.last && fs.lastTime == 0) {
			fs.last, fs.lastTime = mark.last, mark.lastTime
		}
		floor = max(floor, mark.floor)
	}
	act := fs.active()
	act.mark = markRec{last: fs.last, lastTime: fs.lastTime, floor: floor}
	if len(act.offsets) == 0 {
		act.first = fs.last + 1
	}
	if fs.first == 0 {
		fs.first = 1
	}
	if floor > fs.first {
		for len(fs.segs) > 1 && fs.segs[0].end() <= floor {
			if !fs.dropSegment(fs.segs[0]) {
				break
			}
		}
		fs.unindexBelow(floor)
	}
	fs.last = max(fs.last, floor-min(floor, 1))
	fs.firstTime = 0
	fs.fixFirst()
	fs.flushedLast, fs.flushedLastTime = fs.last, fs.lastTime
	for _, s := range scanned {
		if err := fs.writeIndex(s.sg, s.tombs); err != nil {
			fs.log.Warn().Err(err).Str("file", s.sg.path).Msg("store: index file not written")
		}
	}
	fs.tidy()
	return nil
}

type scannedSeg struct {
	sg    *segment
	tombs []tombRef
}

// applyTombs removes the targets of tombstones for older segments that are still live.
func (fs *FileStore) applyTombs(tombs []tombRef) {
	for _, t := range tombs {
		if sg := fs.segFor(t.seq); sg != nil {
			if _, ok := sg.liveAt(t.seq); ok {
				fs.unindex(sg, t.seq, fs.internedSubject([]byte(t.subject)), t.size, t.recLen)
			}
		}
	}
}

// scanSegment reads sg record by record into the indexes, returning its tombstones for older segments
// and its latest mark. A damaged stretch is a problem; at the end of the last segment it is a torn write,
// cut off.
func (fs *FileStore) scanSegment(sg *segment, isLast bool) ([]tombRef, markRec, error) {
	buf, err := fs.readSegment(sg)
	if err != nil {
		return nil, markRec{}, err
	}
	prevEnd := uint64(0) // sequences below it belong to older segments
	if n := len(fs.segs); n > 1 {
		prevEnd = fs.segs[n-2].end()
	}
	var tombs []tombRef
	var mark markRec
	truncateAt := int64(-1)
	walkRecords(buf, func(off int, r *record, raw []byte) {
		switch r.typ {
		case recMark:
			if r.seq >= mark.last {
				mark = markRec{last: r.seq, lastTime: r.time, floor: max(mark.floor, uint64(r.ttl))}
			}
		case recTomb:
			t := tombRef{seq: r.seq, subject: fs.internedSubject(r.subject), recLen: r.time, size: uint64(r.ttl)}
			if len(sg.offsets) == 0 || r.seq < sg.first {
				tombs = append(tombs, t)
			}
			fs.applyTombs([]tombRef{t})
		case recMsg, recErased:
			switch {
			case r.seq < prevEnd || (len(sg.offsets) > 0 && r.seq < sg.end()):
				fs.corrupt(sg.path, int64(off), fmt.Sprintf("sequence %d out of order", r.seq))
				return
			case len(sg.offsets) == 0:
				sg.first = r.seq
			case r.seq-sg.end() > 1<<24:
				fs.corrupt(sg.path, int64(off), fmt.Sprintf("sequence %d far beyond %d", r.seq, sg.end()))
				return
			}
			for sg.end() < r.seq {
				sg.offsets = append(sg.offsets, deletedSlot)
			}
			if r.typ == recErased {
				sg.offsets = append(sg.offsets, deletedSlot)
				sg.maxTime = max(sg.maxTime, r.time)
				return
			}
			sg.offsets = append(sg.offsets, uint32(off))
			fs.index(sg, r.seq, fs.internedSubject(r.subject), MsgSize(string(r.subject), r.hdr, r.data), int64(len(raw)), r.time, r.ttl)
		}
	}, func(off, next int, reason error) {
		if isLast && next == len(buf) {
			truncateAt = int64(off)
			return
		}
		fs.corrupt(sg.path, int64(off), fmt.Sprintf("%v; skipped %d bytes", reason, next-off))
	})
	// Tombstones before the segment's first message were kept as for older segments; drop those that
	// turned out to be for this one.
	tombs = slices.DeleteFunc(tombs, func(t tombRef) bool { return len(sg.offsets) > 0 && t.seq >= sg.first })
	sg.tombs = len(tombs)
	if len(sg.offsets) == 0 {
		sg.first = max(prevEnd, mark.last+1, fs.last+1)
	}
	if truncateAt >= 0 {
		fs.log.Warn().Str("file", sg.path).Int64("offset", truncateAt).Int64("bytes", sg.size-truncateAt).
			Msg("store: torn record at the end of the log truncated")
		if err := sg.f.Truncate(truncateAt); err != nil {
			return nil, markRec{}, fmt.Errorf("store: truncate %s: %w", sg.path, err)
		}
		sg.size = truncateAt
	}
	return tombs, mark, nil
}
