package codec

import "strconv"

// RouteKind names an operation on a route connection (what a cluster peer
// sends). The zero RouteKind is not an op.
type RouteKind uint8

const (
	RouteKindRSPlus  RouteKind = iota + 1 // RS+ <account> <subject> [<queue> [<weight>]]
	RouteKindRSMinus                      // RS- <account> <subject> [<queue>]
	RouteKindLSPlus                       // LS+ <origin> <account> <subject> [<queue> [<weight>]]
	RouteKindLSMinus                      // LS- <origin> <account> <subject> [<queue>]
	RouteKindRMsg                         // RMSG <account> <subject> [reply | + reply queues… | | queues…] <size>
	RouteKindHMsg                         // HMSG <account> <subject> [reply | + reply queues… | | queues…] <hdr_size> <total_size>
	RouteKindLMsg                         // LMSG <origin> <account> <subject> [reply | + reply queues… | | queues…] <hdr_size> <total_size>
	RouteKindPing                         // PING
	RouteKindPong                         // PONG
	RouteKindInfo                         // INFO <json>
	RouteKindConnect                      // CONNECT <json>
	RouteKindOK                           // +OK
	RouteKindErr                          // -ERR '<text>'
)

var routeKindNames = [...]string{
	RouteKindRSPlus:  "RS+",
	RouteKindRSMinus: "RS-",
	RouteKindLSPlus:  "LS+",
	RouteKindLSMinus: "LS-",
	RouteKindRMsg:    "RMSG",
	RouteKindHMsg:    "HMSG",
	RouteKindLMsg:    "LMSG",
	RouteKindPing:    "PING",
	RouteKindPong:    "PONG",
	RouteKindInfo:    "INFO",
	RouteKindConnect: "CONNECT",
	RouteKindOK:      "+OK",
	RouteKindErr:     "-ERR",
}

// String returns the op name as written on the wire.
func (k RouteKind) String() string {
	if int(k) < len(routeKindNames) && routeKindNames[k] != "" {
		return routeKindNames[k]
	}
	return "RouteKind(" + strconv.Itoa(int(k)) + ")"
}

// RouteOp is one parsed route operation. Every slice aliases the buffer
// given to RouteParser.Next and dies with it, exactly like Op; fields an op
// does not use are zero.
type RouteOp struct {
	Kind RouteKind
	// Origin is the originating leaf cluster of LS+, LS- and LMSG, as sent:
	// "_" is nats-server's sentinel for "leaf origin, name unknown".
	Origin  []byte
	Account []byte // every interest and message op
	Subject []byte // every interest and message op
	// Reply is the reply subject of RMSG/HMSG/LMSG; nil when absent.
	Reply []byte
	// Queue is the queue group of RS+/RS-/LS+/LS-; nil for plain interest.
	Queue []byte
	// Weight is the number of members behind a queue RS+/LS+: the new
	// total for that (account, subject, queue), not an increment. A missing,
	// malformed or non-positive weight is 1, as nats-server counts it. 0 when
	// Queue is nil.
	Weight int
	// Queues lists the queue groups a message is for (RMSG/HMSG/LMSG with a
	// "+" or "|" marker), as the blank-separated span of the control line:
	// walk it with NextQueue. nil when the message names no queue group.
	// Keeping the span instead of a [][]byte keeps parsing allocation-free
	// for any number of groups.
	Queues []byte
	// HeaderLen is the length of the header block at the start of Payload
	// (HMSG, LMSG; 0 for RMSG and for an LMSG without headers).
	HeaderLen int
	// Payload is the whole message, headers first, WITHOUT the trailing \r\n.
	Payload []byte
	// Arg is the argument text of INFO, CONNECT and -ERR, trimmed of
	// surrounding blanks (for -ERR, quotes included: see ErrText).
	Arg []byte
}

// NextQueue splits the first queue name off a RouteOp.Queues span:
//
//	for q, rest := NextQueue(op.Queues); q != nil; q, rest = NextQueue(rest) { … }
//
// It returns a nil queue when the span holds no more names. The names alias
// the span, capacity cut at their end.
func NextQueue(queues []byte) (queue, rest []byte) {
	start := 0
	for start < len(queues) && isBlankByte(queues[start]) {
		start++
	}
	if start == len(queues) {
		return nil, nil
	}
	end := start
	for end < len(queues) && !isBlankByte(queues[end]) {
		end++
	}
	return queues[start:end:end], queues[end:]
}

// ErrText returns the text of a -ERR argument without its single quotes,
// as nats-server writes it: -ERR 'Stale Connection'. An argument that is
// not quoted is returned as is.
func ErrText(arg []byte) []byte {
	if n := len(arg); n >= 2 && arg[0] == '\'' && arg[n-1] == '\'' {
		return arg[1 : n-1 : n-1]
	}
	return arg
}

func isBlankByte(c byte) bool { return c == ' ' || c == '\t' }
