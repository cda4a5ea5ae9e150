package reactor

import "github.com/reactor-nats/reactor/codec"

// closedReason is why a connection ended, in nats-server's words: /connz?state=closed reports it as
// "reason", and monitoring tools match on the text.
type closedReason string

// The reasons reactor can give, as nats-server v2.15.2 reports them (checked against the binary).
const (
	reasonClientClosed        closedReason = "Client Closed"
	reasonProtocolViolation   closedReason = "Protocol Violation"
	reasonParseError          closedReason = "Parse Error"
	reasonMaxPayload          closedReason = "Maximum Message Payload Exceeded"
	reasonMaxControlLine      closedReason = "Maximum Control Line Exceeded"
	reasonMaxConnections      closedReason = "Maximum Connections Exceeded"
	reasonBadProtocol         closedReason = "Bad Client Protocol Version"
	reasonNoResponders        closedReason = "No Responders Requires Headers"
	reasonStale               closedReason = "Stale Connection"
	reasonSlowPending         closedReason = "Slow Consumer (Pending Bytes)"
	reasonSlowWriteDeadline   closedReason = "Slow Consumer (Write Deadline)"
	reasonAuthTimeout         closedReason = "Authentication Timeout"
	reasonAuthViolation       closedReason = "Authentication Failure"
	reasonAuthExpired         closedReason = "Authentication Expired"
	reasonAccountConns        closedReason = "Maximum Account Connections Exceeded"
	reasonServerShutdown      closedReason = "Server Shutdown"
	reasonTLSHandshake        closedReason = "TLS Handshake Failure"
	reasonDuplicateRoute      closedReason = "Duplicate Route"
	reasonClusterNameConflict closedReason = "Cluster Name Conflict"
	reasonDuplicateServerName closedReason = "Duplicate Server Name"
)

// reasonFor maps the protocol error a connection is closed over to the reason nats-server records. Errors
// without a reason of their own are protocol violations, as there.
func reasonFor(e *codec.Error) closedReason {
	switch e {
	case codec.ErrMaxPayload:
		return reasonMaxPayload
	case codec.ErrMaxControlLine:
		return reasonMaxControlLine
	case codec.ErrMaxConnections:
		return reasonMaxConnections
	case codec.ErrInvalidClientProtocol:
		return reasonBadProtocol
	case codec.ErrNoRespondersRequiresHeaders:
		return reasonNoResponders
	case codec.ErrStaleConnection:
		return reasonStale
	case codec.ErrClientErr:
		return reasonParseError
	case codec.ErrAuthTimeout:
		return reasonAuthTimeout
	case codec.ErrAuthViolation:
		return reasonAuthViolation
	case codec.ErrAuthExpired, codec.ErrAccountExpired:
		return reasonAuthExpired
	case codec.ErrAccountConnections:
		return reasonAccountConns
	case codec.ErrSlowConsumer:
		return reasonSlowPending
	}
	return reasonProtocolViolation
}

// setReason records why c ends, unless an earlier cause already did: the first cause is the real one.
func (c *client) setReason(r closedReason) {
	if c.reason == "" {
		c.reason = r
	}
}
