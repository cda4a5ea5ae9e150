package store

import (
	"fmt"
	"os"
	"path/filepath"
)

// deletedSlot marks a removed sequence in a segment's offset table.
const deletedSlot = ^uint32(0)

// segment is one file of the log and its in-memory index. Every field is guarded by the FileStore's mu.
type segment struct {
	id   uint32 // the file's number: dir/msgs/<id>.seg and <id>.idx
	path string // the .seg file
	f    *os.File
	size int64 // bytes in the file; the active segment's buffered records follow at size

	// first is the sequence of offsets[0]; offsets[i] is where the record of first+i starts, or
	// deletedSlot. A segment's sequences are contiguous from first; the active one ends at the store's
	// LastSeq.
	first   uint64
	offsets []uint32

	live      int                    // messages still stored
	liveBytes uint64                 // their MsgSize
	liveRec   int64                  // their record bytes (compaction rewrites a segment when below half)
	ttlLive   int                    // live messages with a TTL of their own (age expiry cannot drop it whole)
	subjects  map[string]*segSubject // live messages per subject; keys are the store's interned subjects
	minTime   int64                  // times of the messages written to it
	maxTime   int64
	tombs     int // tombstones in it for sequences below first, which outlive it unless carried on

	// Only while active: what the index file needs that the offset table does not hold.
	tombList []tombRef
	mark     markRec // the last mark written to it

	sealed bool // full: it has an index file and takes no more records
	dirty  bool // written since the last fsync
}

// tombRef is a tombstone in a segment for a sequence in an older one.
type tombRef struct {
	seq     uint64
	subject string
	recLen  int64
	size    uint64
}

// markRec is a mark's content: LastSeq, LastTime and the first sequence (all below it are gone).
type markRec struct {
	last     uint64
	lastTime int64
	floor    uint64
}

func segPath(dir string, id uint32) string { return filepath.Join(dir, fmt.Sprintf("%08d.seg", id)) }
func idxPath(dir string, id uint32) string { return filepath.Join(dir, fmt.Sprintf("%08d.idx", id)) }

// end is one past the segment's last sequence.
func (sg *segment) end() uint64 { return sg.first + uint64(len(sg.offsets)) }

// has reports whether seq is in the segment's range.
func (sg *segment) has(seq uint64) bool { return seq >= sg.first && seq < sg.end() }

// liveAt reports the record offset of seq when it is stored here.
func (sg *segment) liveAt(seq uint64) (int64, bool) {
	if !sg.has(seq) {
		return 0, false
	}
	off := sg.offsets[seq-sg.first]
	return int64(off), off != deletedSlot
}

// nextLive is the first live sequence at or after seq in the segment.
func (sg *segment) nextLive(seq uint64) (uint64, bool) {
	for s := max(seq, sg.first); s < sg.end(); s++ {
		if sg.offsets[s-sg.first] != deletedSlot {
			return s, true
		}
	}
	return 0, false
}

// lastLive is the segment's highest live sequence.
func (sg *segment) lastLive() (uint64, bool) {
	if sg.live == 0 {
		return 0, false
	}
	for i := len(sg.offsets) - 1; i >= 0; i-- {
		if sg.offsets[i] != deletedSlot {
			return sg.first + uint64(i), true
		}
	}
	return 0, false
}

// liveFrom counts the segment's live messages at or after seq. With nothing removed it is the length of
// the range; otherwise it counts the offset table on whichever side of seq is shorter, as live is the
// count of the whole table.
func (sg *segment) liveFrom(seq uint64) uint64 {
	switch {
	case seq <= sg.first:
		return uint64(sg.live)
	case seq >= sg.end():
		return 0
	case sg.live == len(sg.offsets):
		return sg.end() - seq
	}
	split := int(seq - sg.first)
	if split > len(sg.offsets)/2 {
		return uint64(countLive(sg.offsets[split:]))
	}
	return uint64(sg.live - countLive(sg.offsets[:split]))
}

func countLive(offsets []uint32) int {
	n := 0
	for _, off := range offsets {
		if off != deletedSlot {
			n++
		}
	}
	return n
}

// segSubject is one subject's live messages in a segment. first and last are bounds once stale (one of
// them was removed); they are made exact again by a scan of the segment when needed (fixSegSubject).
type segSubject struct {
	msgs        uint32
	first, last uint64
	stale       bool
}

func (sg *segment) subjectCount(subject string) uint32 {
	if ss := sg.subjects[subject]; ss != nil {
		return ss.msgs
	}
	return 0
}

// mayMatch reports whether the segment may hold a live message matching filter.
func (sg *segment) mayMatch(filter string) bool {
	switch {
	case sg.live == 0:
		return false
	case matchesAll(filter):
		return true
	case isLiteral(filter):
		return sg.subjectCount(filter) > 0
	}
	for subj, ss := range sg.subjects {
		if ss.msgs > 0 && subjectMatches(filter, subj) {
			return true
		}
	}
	return false
}
