package codec

// Error is a protocol error: Text is exactly what goes after `-ERR ` inside
// single quotes on the wire (see AppendErr), and Close says whether the server
// closes the connection after sending it.
//
// The values below are the only place protocol error texts are spelled out;
// compare errors with == (or errors.Is), never by text, because ErrBadArgs
// and ErrUnknownOp deliberately share a text.
//
// An empty Text means nats-server closes the connection without sending any
// -ERR (it only logs); Reason then says what went wrong, for our logs.
type Error struct {
	Text   string
	Close  bool
	Reason string
}

func (e *Error) Error() string {
	if e.Text == "" {
		return e.Reason
	}
	return e.Text
}

var (
	// ErrUnknownOp: bytes that cannot start or continue a known op name, an
	// op that takes arguments ended right after its name ("PUB\r\n"), or a
	// payload not followed by \r\n. nats-server sends this text for every
	// state-machine parse error.
	ErrUnknownOp = &Error{"Unknown Protocol Operation", true, ""}

	// ErrMaxControlLine: the argument part of a control line is longer than
	// Limits.MaxControlLine, complete or not.
	ErrMaxControlLine = &Error{"maximum control line exceeded", true, ""}

	// ErrMaxPayload: a PUB/HPUB announces a total size above Limits.MaxPayload.
	ErrMaxPayload = &Error{"Maximum Payload Violation", true, ""}

	// ErrBadArgs: a known op with the wrong number of arguments, a
	// non-numeric or negative size, or an HPUB header size above its total.
	// nats-server v2.15.2 closes such a connection without any -ERR
	// (observed on the wire).
	ErrBadArgs = &Error{"", true, "malformed protocol arguments"}

	// The remaining errors are detected outside codec (subject checks,
	// limits, auth, timers) but their texts belong here with the others.
	// Texts, case included, and whether the connection closes are as
	// nats-server v2.15.2 sends them.
	ErrInvalidSubject              = &Error{"Invalid Subject", false, ""}
	ErrInvalidPubSubject           = &Error{"Invalid Publish Subject", false, ""} // pedantic only; the message is still routed
	ErrMaxSubscriptions            = &Error{"maximum subscriptions exceeded", false, ""}
	ErrMaxConnections              = &Error{"maximum connections exceeded", true, ""}
	ErrStaleConnection             = &Error{"Stale Connection", true, ""}
	ErrAuthViolation               = &Error{"Authorization Violation", true, ""}
	ErrAuthTimeout                 = &Error{"Authentication Timeout", true, ""}
	ErrAuthExpired                 = &Error{"User Authentication Expired", true, ""}
	ErrAccountExpired              = &Error{"Account Authentication Expired", true, ""}
	ErrAccountConnections          = &Error{"maximum account active connections exceeded", true, ""}
	ErrNoRespondersRequiresHeaders = &Error{"no responders requires headers support", true, ""}
	ErrInvalidClientProtocol       = &Error{"invalid client protocol", true, ""}

	// Closed without -ERR, as nats-server does.
	ErrBadConnect          = &Error{"", true, "malformed CONNECT"}
	ErrBadInfo             = &Error{"", true, "malformed INFO"}
	ErrHeadersNotSupported = &Error{"", true, "HPUB from a client that did not enable headers"}
	ErrClientErr           = &Error{"", true, "client sent -ERR"}
	ErrSlowConsumer        = &Error{"", true, "slow consumer"}
)
