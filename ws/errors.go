package ws

import "strconv"

// Error is a WebSocket protocol error found by the Decoder. It fails the connection: the engine sends a
// close frame with Code and Reason (AppendClose) and closes.
//
// Reasons are nats-server v2.15.2's texts where it has one (wsHandleProtocolError), so logs and close
// frames read the same. All errors but the two that carry a number are allocated once, here: failing a
// connection allocates nothing.
type Error struct {
	Code   uint16 // close status to send: 1002 protocol error, 1007 invalid data, 1009 too big
	Reason string // close frame reason, at most MaxControlPayload-2 bytes
}

func (e *Error) Error() string { return "websocket: " + e.Reason }

func protocolError(reason string) *Error { return &Error{CloseProtocolError, reason} }

var (
	// Header errors (1002), in the order nats-server checks them.
	ErrRSV23                 = protocolError("RSV2 and RSV3 must be clear")
	ErrRSV1WithoutDeflate    = protocolError("compressed frame received without negotiated permessage-deflate")
	ErrMaskMissing           = protocolError("mask bit missing")
	ErrControlTooBig         = protocolError("control frame length bigger than maximum allowed of 125 bytes")
	ErrControlFragmented     = protocolError("control frame does not have final bit set")
	ErrControlCompressed     = protocolError("control frame must not be compressed")
	ErrMessageNotFinished    = protocolError("new message started before final frame for previous message was received")
	ErrInvalidContinuation   = protocolError("invalid continuation frame")
	ErrInvalidLength         = protocolError("invalid 64-bit payload length")
	ErrCloseOneByte          = protocolError("close frame payload cannot be 1 byte")
	errUnknownOpcode         = [16]*Error{}
	ErrInvalidCloseReason    = &Error{CloseInvalidData, "invalid utf8 body in close frame"}
	ErrInvalidText           = &Error{CloseInvalidData, "invalid utf8 in text message"}
	ErrInvalidCompressedData = &Error{CloseInvalidData, "invalid compressed data"}

	// ErrTooBig: a frame or message above the Decoder's Limits. The reason is nats-server's for its
	// MaxPayloadExceeded close (1009).
	ErrTooBig = &Error{CloseTooBig, "Maximum Payload Exceeded"}
)

func init() {
	for op := range errUnknownOpcode {
		errUnknownOpcode[op] = protocolError("unknown opcode " + strconv.Itoa(op))
	}
}

// errCloseCode is the error for a close frame whose code a peer may not send. It allocates, once per
// failed connection.
func errCloseCode(code uint16) *Error {
	return protocolError("invalid close status code " + strconv.Itoa(int(code)))
}
