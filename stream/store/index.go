package store

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"os"
)

// An index file (<id>.idx) is written when a segment is sealed or rewritten, and after open had to scan
// a sealed segment. It holds everything recovery needs from the segment without reading it, little
// endian, checksummed as a whole:
//
//	"RSIDX001"
//	size u64 (the segment file's length: an index for a different length is ignored)
//	first u64, count u32, live u32, liveBytes u64, liveRec u64, minTime i64, maxTime i64
//	mark: last u64, lastTime i64, floor u64
//	offsets [count]u32 (deletedSlot for a removed sequence)
//	subjects u32, each: len u16, name, msgs u32, first u64, last u64
//	ttls u32, each: seq u64, end i64 (the live messages with a TTL of their own)
//	tombstones u32, each: seq u64, recLen u64, size u64, len u16, subject (those in the segment for
//	  sequences below first, which recovery applies to older segments)
//	crc32c u32 of everything before it
const idxMagic = "RSIDX001"

// writeIndex writes sg's index file (through a temporary file and a rename), tombs being its
// tombstones for older segments.
func (fs *FileStore) writeIndex(sg *segment, tombs []tombRef) error {
	for name, ss := range sg.subjects {
		fs.fixSegSubject(sg, name, ss)
	}
	le := binary.LittleEndian
	b := make([]byte, 0, 128+4*len(sg.offsets)+40*len(sg.subjects))
	b = append(b, idxMagic...)
	b = le.AppendUint64(b, uint64(sg.size))
	b = le.AppendUint64(b, sg.first)
	b = le.AppendUint32(b, uint32(len(sg.offsets)))
	b = le.AppendUint32(b, uint32(sg.live))
	b = le.AppendUint64(b, sg.liveBytes)
	b = le.AppendUint64(b, uint64(sg.liveRec))
	b = le.AppendUint64(b, uint64(sg.minTime))
	b = le.AppendUint64(b, uint64(sg.maxTime))
	b = le.AppendUint64(b, sg.mark.last)
	b = le.AppendUint64(b, uint64(sg.mark.lastTime))
	b = le.AppendUint64(b, sg.mark.floor)
	for _, off := range sg.offsets {
		b = le.AppendUint32(b, off)
	}
	b = le.AppendUint32(b, uint32(len(sg.subjects)))
	for name, ss := range sg.subjects {
		b = le.AppendUint16(b, uint16(len(name)))
		b = append(b, name...)
		b = le.AppendUint32(b, ss.msgs)
		b = le.AppendUint64(b, ss.first)
		b = le.AppendUint64(b, ss.last)
	}
	var ttls []byte
	nttl := 0
	for s := sg.first; s < sg.end() && sg.ttlLive > 0; s++ {
		if end, ok := fs.ttls[s]; ok && sg.offsets[s-sg.first] != deletedSlot {
			ttls = le.AppendUint64(ttls, s)
			ttls = le.AppendUint64(ttls, uint64(end))
			nttl++
		}
	}
	b = le.AppendUint32(b, uint32(nttl))
	b = append(b, ttls...)
	b = le.AppendUint32(b, uint32(len(tombs)))
	for _, t := range tombs {
		b = le.AppendUint64(b, t.seq)
		b = le.AppendUint64(b, uint64(t.recLen))
		b = le.AppendUint64(b, t.size)
		b = le.AppendUint16(b, uint16(len(t.subject)))
		b = append(b, t.subject...)
	}
	b = le.AppendUint32(b, crc32.Checksum(b, castagnoli))
	path := idxPath(fs.dir, sg.id)
	if err := os.WriteFile(path+".tmp", b, 0o640); err != nil {
		_ = os.Remove(path + ".tmp")
		return err
	}
	fs.dirDirty = true
	return os.Rename(path+".tmp", path)
}

// idxReader decodes an index file without ever reading past its end: the first short read sets bad and
// every later read returns zero.
type idxReader struct {
	b   []byte
	bad bool
}

func (r *idxReader) take(n int) []byte {
	if r.bad || n < 0 || n > len(r.b) {
		r.bad = true
		return nil
	}
	p := r.b[:n]
	r.b = r.b[n:]
	return p
}

func (r *idxReader) u16() uint16 {
	if p := r.take(2); p != nil {
		return binary.LittleEndian.Uint16(p)
	}
	return 0
}

func (r *idxReader) u32() uint32 {
	if p := r.take(4); p != nil {
		return binary.LittleEndian.Uint32(p)
	}
	return 0
}

func (r *idxReader) u64() uint64 {
	if p := r.take(8); p != nil {
		return binary.LittleEndian.Uint64(p)
	}
	return 0
}

var errBadIndex = errors.New("index file does not match its segment")

// loadIndex reads sg's index file into sg and the store's indexes, returning the tombstones it lists and
// its mark. An index that is missing, damaged or for another length of the segment is an error, and
// nothing is changed.
func (fs *FileStore) loadIndex(sg *segment) ([]tombRef, markRec, error) {
	raw, err := os.ReadFile(idxPath(fs.dir, sg.id))
	if err != nil {
		return nil, markRec{}, err
	}
	if len(raw) < len(idxMagic)+4 || string(raw[:len(idxMagic)]) != idxMagic ||
		crc32.Checksum(raw[:len(raw)-4], castagnoli) != binary.LittleEndian.Uint32(raw[len(raw)-4:]) {
		return nil, markRec{}, errBadIndex
	}
	r := &idxReader{b: raw[len(idxMagic) : len(raw)-4]}
	if int64(r.u64()) != sg.size {
		return nil, markRec{}, errBadIndex
	}
	first := r.u64()
	count := int(r.u32())
	live := int(r.u32())
	liveBytes, liveRec := r.u64(), int64(r.u64())
	minTime, maxTime := int64(r.u64()), int64(r.u64())
	mark := markRec{last: r.u64(), lastTime: int64(r.u64()), floor: r.u64()}
	offRaw := r.take(4 * count)
	type subj struct {
		name        []byte
		msgs        uint32
		first, last uint64
	}
	subjects := make([]subj, 0, min(int(r.u32()), len(r.b)/22))
	for n := cap(subjects); n > 0 && !r.bad; n-- {
		subjects = append(subjects, subj{name: r.take(int(r.u16())), msgs: r.u32(), first: r.u64(), last: r.u64()})
	}
	ttlRaw := r.take(16 * int(r.u32()))
	var tombs []tombRef
	for n := int(r.u32()); n > 0 && !r.bad; n-- {
		t := tombRef{seq: r.u64(), recLen: int64(r.u64()), size: r.u64()}
		t.subject = string(r.take(int(r.u16())))
		tombs = append(tombs, t)
	}
	if r.bad || len(r.b) != 0 || first == 0 || live > count {
		return nil, markRec{}, errBadIndex
	}
	offsets := make([]uint32, count)
	for i := range offsets {
		offsets[i] = binary.LittleEndian.Uint32(offRaw[4*i:])
		if offsets[i] != deletedSlot && int64(offsets[i]) >= sg.size {
			return nil, markRec{}, errBadIndex
		}
	}
	sg.first, sg.offsets, sg.live, sg.liveBytes, sg.liveRec = first, offsets, live, liveBytes, liveRec
	sg.minTime, sg.maxTime, sg.mark, sg.tombs = minTime, maxTime, mark, len(tombs)
	sg.subjects = make(map[string]*segSubject, len(subjects))
	for _, s := range subjects {
		fsj := fs.subjects[string(s.name)]
		if fsj == nil {
			fsj = &fileSubject{name: string(s.name), first: s.first}
			fs.subjects[fsj.name] = fsj
		}
		fsj.msgs += uint64(s.msgs)
		fsj.last = s.last
		sg.subjects[fsj.name] = &segSubject{msgs: s.msgs, first: s.first, last: s.last}
	}
	for i := 0; i+16 <= len(ttlRaw); i += 16 {
		seq, end := binary.LittleEndian.Uint64(ttlRaw[i:]), int64(binary.LittleEndian.Uint64(ttlRaw[i+8:]))
		fs.ttls[seq] = end
		sg.ttlLive++
		if end != math.MaxInt64 {
			fs.ttlq.push(end, seq)
		}
	}
	fs.msgs += uint64(live)
	fs.bytes += liveBytes
	return tombs, mark, nil
}
