package ws

import "encoding/binary"

// HeaderLen returns the length of the header of an unmasked frame (as the server sends) with an n-byte
// payload: 2, 4 or 10.
func HeaderLen(n int) int {
	switch {
	case n <= 125:
		return 2
	case n <= 0xFFFF:
		return 4
	}
	return 10
}

// PutHeader writes the header of an unmasked frame with an n-byte payload into b, which must be exactly
// HeaderLen(n) bytes. fin ends the message; compressed sets RSV1 (the first frame of a compressed
// message).
//
// With it an engine frames output in place: it reserves MaxServerHeaderLen bytes, appends the payload
// after them, then writes the header into the last HeaderLen(n) reserved bytes and sends from there.
func PutHeader(b []byte, op Opcode, fin, compressed bool, n int) {
	b0 := byte(op)
	if fin {
		b0 |= bitFin
	}
	if compressed {
		b0 |= bitRSV1
	}
	b[0] = b0
	switch len(b) {
	case 2:
		b[1] = byte(n)
	case 4:
		b[1] = 126
		binary.BigEndian.PutUint16(b[2:], uint16(n))
	default:
		b[1] = 127
		binary.BigEndian.PutUint64(b[2:], uint64(n))
	}
}

// AppendHeader appends the header of an unmasked frame with an n-byte payload.
func AppendHeader(dst []byte, op Opcode, fin, compressed bool, n int) []byte {
	var h [MaxServerHeaderLen]byte
	hl := HeaderLen(n)
	PutHeader(h[:hl], op, fin, compressed, n)
	return append(dst, h[:hl]...)
}

// AppendFrame appends one complete unmasked frame: a whole message (fin) or a fragment of one.
func AppendFrame(dst []byte, op Opcode, fin bool, payload []byte) []byte {
	dst = AppendHeader(dst, op, fin, false, len(payload))
	return append(dst, payload...)
}

// AppendBinary appends p as one binary message in one frame: how the server sends NATS protocol bytes.
func AppendBinary(dst, p []byte) []byte { return AppendFrame(dst, OpBinary, true, p) }

// AppendPing appends a ping frame. A payload beyond MaxControlPayload bytes is cut there.
func AppendPing(dst, payload []byte) []byte { return AppendFrame(dst, OpPing, true, clip(payload)) }

// AppendPong appends a pong frame: the answer to a ping, with the ping's payload.
func AppendPong(dst, payload []byte) []byte { return AppendFrame(dst, OpPong, true, clip(payload)) }

func clip(p []byte) []byte {
	if len(p) > MaxControlPayload {
		return p[:MaxControlPayload]
	}
	return p
}

// AppendClose appends a close frame with code and reason. CloseNoStatus (the code a Close event reports
// for a close frame that carried none) appends an empty close frame, which is what nats-server answers
// to one. A reason too long for a control frame is cut and ends in "..." as nats-server does
// (wsCreateCloseMessage).
func AppendClose(dst []byte, code uint16, reason string) []byte {
	if code == CloseNoStatus {
		return AppendHeader(dst, OpClose, true, false, 0)
	}
	dots := ""
	if len(reason) > MaxControlPayload-2 {
		reason, dots = reason[:MaxControlPayload-5], "..."
	}
	dst = AppendHeader(dst, OpClose, true, false, 2+len(reason)+len(dots))
	dst = binary.BigEndian.AppendUint16(dst, code)
	dst = append(dst, reason...)
	return append(dst, dots...)
}
