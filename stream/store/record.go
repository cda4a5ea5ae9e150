package store

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
)

// A record is one entry of a segment file, little endian:
//
//	offset size
//	0      4    crc32c (Castagnoli) of bytes 4..length
//	4      4    length of the whole record, header included
//	8      1    type: recMsg, recTomb, recMark or recErased
//	9      8    seq
//	17     8    time
//	25     8    ttl
//	33     2    subject length
//	35     4    header length
//	39     ...  subject, header, payload (the rest)
//
// The fields mean, by type:
//
//	recMsg    a message: seq, time (unix ns), ttl (seconds), subject, headers, payload
//	recErased a message removed with erase: as recMsg, headers and payload overwritten with zeros
//	recTomb   seq was removed; subject is its subject, time its record length and ttl its MsgSize, so
//	          the indexes of a segment recovered from its index file can be corrected without reading it
//	recMark   the store's sequence bounds: seq is LastSeq, time LastTime, ttl the first sequence
//	          (everything below it is gone); no subject or body
//
// The type values are unlikely bytes, so that resynchronising after a corrupt record rarely has to check a
// checksum at an offset that is not a record.
const (
	recMsg    byte = 0xA1
	recTomb   byte = 0xA2
	recMark   byte = 0xA3
	recErased byte = 0xA4

	recHeaderLen = 39
	maxSubject   = 1<<16 - 1
	// maxRecordLen bounds a record's length field: beyond it a length is impossible, so corrupt.
	maxRecordLen = 1 << 28
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// record is a decoded record. Its slices alias the bytes it was decoded from.
type record struct {
	typ     byte
	seq     uint64
	time    int64
	ttl     int64
	subject []byte
	hdr     []byte
	data    []byte
}

var (
	errShort = errors.New("short record") // the bytes end before the record does
	errFrame = errors.New("bad frame")    // impossible length or type, or a bad checksum
)

// recordLen is the length of a record with these parts.
func recordLen(subject string, hdr, data []byte) int {
	return recHeaderLen + len(subject) + len(hdr) + len(data)
}

// appendRecord appends a framed record to dst. The caller checks the sizes (checkSizes).
func appendRecord(dst []byte, typ byte, seq uint64, ts, ttl int64, subject string, hdr, data []byte) []byte {
	start := len(dst)
	n := recordLen(subject, hdr, data)
	dst = binary.LittleEndian.AppendUint32(dst, 0)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(n))
	dst = append(dst, typ)
	dst = binary.LittleEndian.AppendUint64(dst, seq)
	dst = binary.LittleEndian.AppendUint64(dst, uint64(ts))
	dst = binary.LittleEndian.AppendUint64(dst, uint64(ttl))
	dst = binary.LittleEndian.AppendUint16(dst, uint16(len(subject)))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(hdr)))
	dst = append(dst, subject...)
	dst = append(dst, hdr...)
	dst = append(dst, data...)
	binary.LittleEndian.PutUint32(dst[start:], crc32.Checksum(dst[start+4:], castagnoli))
	return dst
}

// checkSizes refuses a message a record cannot frame.
func checkSizes(subject string, hdr, data []byte) error {
	if len(subject) > maxSubject || len(hdr) > maxRecordLen || len(data) > maxRecordLen ||
		recordLen(subject, hdr, data) > maxRecordLen {
		return ErrTooLarge
	}
	return nil
}

// decodeRecord decodes the record at the start of b and returns it with its length. errShort means b
// ends before the record does (a torn write at the end of a file); errFrame means the bytes are not a
// record. It never panics, whatever b holds.
func decodeRecord(b []byte) (record, int, error) {
	if len(b) < 9 {
		return record{}, 0, errShort
	}
	n := int(binary.LittleEndian.Uint32(b[4:]))
	typ := b[8]
	if n < recHeaderLen || n > maxRecordLen || typ < recMsg || typ > recErased {
		return record{}, 0, errFrame
	}
	if len(b) < n {
		return record{}, 0, errShort
	}
	if crc32.Checksum(b[4:n], castagnoli) != binary.LittleEndian.Uint32(b) {
		return record{}, 0, errFrame
	}
	subjLen := int(binary.LittleEndian.Uint16(b[33:]))
	hdrLen := int(binary.LittleEndian.Uint32(b[35:]))
	if hdrLen > n || recHeaderLen+subjLen+hdrLen > n {
		return record{}, 0, errFrame
	}
	r := record{
		typ:  typ,
		seq:  binary.LittleEndian.Uint64(b[9:]),
		time: int64(binary.LittleEndian.Uint64(b[17:])),
		ttl:  int64(binary.LittleEndian.Uint64(b[25:])),
	}
	body := b[recHeaderLen:n]
	r.subject, r.hdr, r.data = body[:subjLen:subjLen], body[subjLen:subjLen+hdrLen:subjLen+hdrLen], body[subjLen+hdrLen:]
	return r, n, nil
}

// appendTo re-encodes r (the inverse of decodeRecord).
func (r *record) appendTo(dst []byte) []byte {
	return appendRecord(dst, r.typ, r.seq, r.time, r.ttl, string(r.subject), r.hdr, r.data)
}

// resync finds the next offset after a bad record at which b holds a whole valid record; len(b) when none.
func resync(b []byte, from int) int {
	for off := from + 1; off+recHeaderLen <= len(b); off++ {
		if t := b[off+8]; t < recMsg || t > recErased {
			continue
		}
		if _, _, err := decodeRecord(b[off:]); err == nil {
			return off
		}
	}
	return len(b)
}
