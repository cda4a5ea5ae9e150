package codec

import "strconv"

// Kind names a protocol operation. The zero Kind is not an op, so a zeroed
// Op is recognisably empty.
type Kind uint8

const (
	KindPub     Kind = iota + 1 // PUB <subject> [reply] <size>\r\n<payload>\r\n
	KindHPub                    // HPUB <subject> [reply] <hdr_size> <total_size>\r\n<headers+payload>\r\n
	KindSub                     // SUB <subject> [queue] <sid>\r\n
	KindUnsub                   // UNSUB <sid> [max]\r\n
	KindPing                    // PING\r\n
	KindPong                    // PONG\r\n
	KindConnect                 // CONNECT <json>\r\n
	KindInfo                    // INFO <json>\r\n   (sent by peers; parsed for later route/client use)
	KindOK                      // +OK\r\n
	KindErr                     // -ERR <text>\r\n
)

var kindNames = [...]string{
	KindPub:     "PUB",
	KindHPub:    "HPUB",
	KindSub:     "SUB",
	KindUnsub:   "UNSUB",
	KindPing:    "PING",
	KindPong:    "PONG",
	KindConnect: "CONNECT",
	KindInfo:    "INFO",
	KindOK:      "+OK",
	KindErr:     "-ERR",
}

// String returns the op name as written on the wire.
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Op is one parsed protocol operation. Every slice aliases the buffer given
// to Parser.Next and dies with it (see the package doc); fields an op does
// not use are zero.
type Op struct {
	Kind      Kind
	Subject   []byte // PUB, HPUB, SUB
	Reply     []byte // PUB, HPUB; nil when absent
	Queue     []byte // SUB; nil when absent
	Sid       []byte // SUB, UNSUB
	Max       int64  // UNSUB: auto-unsubscribe after Max messages; 0 when absent
	HeaderLen int    // HPUB: length of the header block at the start of Payload
	Payload   []byte // PUB, HPUB: the whole message (headers first for HPUB), WITHOUT the trailing \r\n
	Arg       []byte // CONNECT, INFO, -ERR: the argument text after the op name, trimmed of surrounding spaces/tabs
}
