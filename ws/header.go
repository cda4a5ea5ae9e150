package ws

import "encoding/binary"

// frameHeader is a decoded frame header (RFC 6455 §5.2).
type frameHeader struct {
	fin    bool
	rsv1   bool
	op     Opcode
	masked bool
	key    uint32 // mask key, little-endian (see mask)
	length uint64
}

// headerLen returns the length of a header from its second byte: 2, plus 2 or 8 bytes of extended
// length, plus 4 bytes of mask key.
func headerLen(b1 byte) int {
	n := 2
	switch b1 & 0x7F {
	case 126:
		n += 2
	case 127:
		n += 8
	}
	if b1&bitMask != 0 {
		n += 4
	}
	return n
}

// parseHeader decodes a complete header, len(b) == headerLen(b[1]). The only thing it can find wrong that
// the first two bytes did not already show is a 64-bit length with its top bit set.
func parseHeader(b []byte, h *frameHeader) error {
	h.fin = b[0]&bitFin != 0
	h.rsv1 = b[0]&bitRSV1 != 0
	h.op = Opcode(b[0] & 0x0F)
	h.masked = b[1]&bitMask != 0
	i := 2
	switch n := b[1] & 0x7F; n {
	case 126:
		h.length = uint64(binary.BigEndian.Uint16(b[2:]))
		i = 4
	case 127:
		h.length = binary.BigEndian.Uint64(b[2:])
		if h.length>>63 != 0 {
			return ErrInvalidLength
		}
		i = 10
	default:
		h.length = uint64(n)
	}
	h.key = 0
	if h.masked {
		h.key = binary.LittleEndian.Uint32(b[i:])
	}
	return nil
}
