package codec

// opName describes how an op's name is spelled and what may follow it.
type opName struct {
	kind Kind
	// lower is the name in lower case; comparing input|0x20 against it makes
	// the match case-insensitive for letters. Only the first byte can be a
	// non-letter ('+', '-'), and that byte is dispatched on exactly.
	lower string
	// bare ops (PING, PONG, +OK) take no arguments: only blanks may follow.
	bare bool
}

var (
	namePub     = opName{KindPub, "pub", false}
	nameHPub    = opName{KindHPub, "hpub", false}
	nameSub     = opName{KindSub, "sub", false}
	nameUnsub   = opName{KindUnsub, "unsub", false}
	namePing    = opName{KindPing, "ping", true}
	namePong    = opName{KindPong, "pong", true}
	nameConnect = opName{KindConnect, "connect", false}
	nameInfo    = opName{KindInfo, "info", false}
	nameOK      = opName{KindOK, "+ok", true}
	nameErr     = opName{KindErr, "-err", false}
)

// matchName identifies the op name at the start of buf (len(buf) > 0). It
// returns (nil, nil) when buf ends before the name is decided, and
// ErrUnknownOp at the first byte that no op name can continue with, so
// garbage is rejected without waiting for a line end.
func matchName(buf []byte) (*opName, *Error) {
	var name *opName
	switch first := buf[0]; first {
	case '+':
		name = &nameOK
	case '-':
		name = &nameErr
	default:
		// Only letters reach the |0x20 test: '+' and '-' were taken above
		// and no other byte folds onto these lower-case letters.
		switch first | 0x20 {
		case 'p':
			if len(buf) < 2 {
				return nil, nil
			}
			switch buf[1] | 0x20 {
			case 'u':
				name = &namePub
			case 'i':
				name = &namePing
			case 'o':
				name = &namePong
			default:
				return nil, ErrUnknownOp
			}
		case 'h':
			name = &nameHPub
		case 's':
			name = &nameSub
		case 'u':
			name = &nameUnsub
		case 'c':
			name = &nameConnect
		case 'i':
			name = &nameInfo
		default:
			return nil, ErrUnknownOp
		}
	}
	n := min(len(buf), len(name.lower))
	for i := 1; i < n; i++ {
		if buf[i]|0x20 != name.lower[i] {
			return nil, ErrUnknownOp
		}
	}
	if n < len(name.lower) {
		return nil, nil
	}
	return name, nil
}
