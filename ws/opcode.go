package ws

// Opcode is a frame's opcode (RFC 6455 §5.2), the low four bits of its first byte.
type Opcode uint8

// The opcodes RFC 6455 defines. The others (3-7, 11-15) are reserved: a frame carrying one fails the
// connection with 1002.
const (
	OpContinuation Opcode = 0x0
	OpText         Opcode = 0x1
	OpBinary       Opcode = 0x2
	OpClose        Opcode = 0x8
	OpPing         Opcode = 0x9
	OpPong         Opcode = 0xA
)

// IsControl reports whether op is a control opcode (close, ping, pong and the reserved 11-15): control
// frames are never fragmented, never compressed and carry at most MaxControlPayload bytes.
func (op Opcode) IsControl() bool { return op&0x8 != 0 }

// Bits of a frame header's first two bytes.
const (
	bitFin  = 0x80
	bitRSV1 = 0x40 // "per-message compressed" with permessage-deflate (RFC 7692 §6)
	bitRSV2 = 0x20
	bitRSV3 = 0x10
	bitMask = 0x80
)

// Frame size constants.
const (
	// MaxControlPayload is the largest payload a control frame may carry (RFC 6455 §5.5).
	MaxControlPayload = 125

	// MaxHeaderLen is the longest frame header: 2 bytes, an 8-byte extended length and a 4-byte mask key.
	MaxHeaderLen = 14

	// MaxServerHeaderLen is the longest header of a frame the server sends (never masked). An engine that
	// reserves this many bytes before a payload can frame it in place with PutHeader.
	MaxServerHeaderLen = 10
)

// Close status codes (RFC 6455 §7.4.1) this package sends or reports.
const (
	CloseNormal          uint16 = 1000
	CloseGoingAway       uint16 = 1001
	CloseProtocolError   uint16 = 1002
	CloseUnsupportedData uint16 = 1003
	CloseNoStatus        uint16 = 1005 // reported for a close frame without a code; never sent
	CloseInvalidData     uint16 = 1007
	ClosePolicyViolation uint16 = 1008
	CloseTooBig          uint16 = 1009
	CloseInternalError   uint16 = 1011
)

// validCloseCode reports whether a peer may send code in a close frame. It is nats-server's rule
// (wsIsValidCloseStatus): 1000-4999 except the codes RFC 6455 reserves for local use (1004, 1005, 1006,
// 1015) and the unassigned 1016-2999.
func validCloseCode(code uint16) bool {
	switch {
	case code < 1000 || code >= 5000:
		return false
	case code == 1004 || code == 1005 || code == 1006 || code == 1015:
		return false
	case code >= 1016 && code <= 2999:
		return false
	}
	return true
}
