package ws

import (
	"encoding/binary"
	"math/bits"
)

// mask XORs p with key, key[0] applying to p[0] (RFC 6455 §5.3), and returns key rotated so that its first
// byte applies to the byte after p. A payload split across calls is unmasked piece by piece by passing
// the returned key along: no position to track, and masking twice restores the bytes.
//
// It works eight bytes at a time; the key is a uint32 in little-endian order so that byte i of a
// little-endian uint64 load lines up with key[i%4].
func mask(key uint32, p []byte) uint32 {
	if len(p) >= 8 {
		k := uint64(key) | uint64(key)<<32
		for len(p) >= 32 {
			binary.LittleEndian.PutUint64(p, binary.LittleEndian.Uint64(p)^k)
			binary.LittleEndian.PutUint64(p[8:], binary.LittleEndian.Uint64(p[8:])^k)
			binary.LittleEndian.PutUint64(p[16:], binary.LittleEndian.Uint64(p[16:])^k)
			binary.LittleEndian.PutUint64(p[24:], binary.LittleEndian.Uint64(p[24:])^k)
			p = p[32:]
		}
		for len(p) >= 8 {
			binary.LittleEndian.PutUint64(p, binary.LittleEndian.Uint64(p)^k)
			p = p[8:]
		}
	}
	for i := range p {
		p[i] ^= byte(key >> (8 * (i & 3)))
	}
	// Rotate so the byte for position len(p) comes first.
	return bits.RotateLeft32(key, -8*(len(p)&3))
}

// maskCopy is mask into dst instead of in place: dst[i] = src[i] ^ key. len(dst) must be len(src).
func maskCopy(key uint32, dst, src []byte) uint32 {
	copy(dst, src)
	return mask(key, dst)
}
