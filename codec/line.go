package codec

import "bytes"

// bareLineMax bounds how much of an unterminated PING/PONG/+OK line is
// buffered. nats-server ignores whatever follows those names up to the line
// end, however long; a parser that keeps no state between calls has to hold
// those bytes, so it gives up (ErrMaxControlLine) past this many.
const bareLineMax = 64 << 10

// controlLine finds the end of the control line whose op name fills
// buf[:len(name.lower)]. It returns the argument part (after the name and the
// blanks that follow it, before the line terminator) and the length of the
// whole line including its terminator; lineLen == 0 means the line has not
// ended yet.
//
// What may follow a name is what nats-server accepts:
//   - PING, PONG, +OK: anything up to the line end, ignored ("PINGX" is PING).
//   - CONNECT, INFO: the argument, blank-separated or not ("CONNECTX {}" is a
//     CONNECT whose JSON is bad).
//   - PUB, HPUB, SUB, UNSUB, -ERR: blanks, then the arguments; the line ending
//     or another byte right after the name is an unknown op.
//
// The control-line limit applies to the argument from its first non-blank
// byte to the terminator, trailing blanks included, as nats-server counts it.
// Every error is decided by the earliest offending byte, so a line split at
// any point fails exactly as it would have in one piece.
func controlLine(buf []byte, name *opName, limit int) (arg []byte, lineLen int, err *Error) {
	nameLen := len(name.lower)
	if len(buf) == nameLen {
		return nil, 0, nil
	}
	if name.bare {
		newline := bytes.IndexByte(buf[nameLen:], '\n')
		if newline < 0 {
			if len(buf)-nameLen > max(bareLineMax, limit) {
				return nil, 0, ErrMaxControlLine
			}
			return nil, 0, nil
		}
		return nil, nameLen + newline + 1, nil
	}

	argStart := nameLen
	switch c := buf[nameLen]; {
	case c == ' ' || c == '\t':
		for argStart < len(buf) && (buf[argStart] == ' ' || buf[argStart] == '\t') {
			argStart++
		}
		if argStart-nameLen > limit { // an endless run of blanks must not be buffered forever
			return nil, 0, ErrMaxControlLine
		}
	case name.kind == KindConnect || name.kind == KindInfo:
	default: // "PUB\r\n", "PUBX", "-ERR\r\n"
		return nil, 0, ErrUnknownOp
	}

	rest := buf[argStart:]
	newline := bytes.IndexByte(rest, '\n')
	if newline >= 0 {
		arg = rest[:newline]
		lineLen = argStart + newline + 1
	} else {
		// Still arriving. A final CR may be the start of the terminator, so
		// it does not count against the limit yet.
		arg = rest
	}
	arg = trimCR(arg)
	if len(arg) > limit {
		return nil, 0, ErrMaxControlLine
	}
	if lineLen == 0 {
		return nil, 0, nil
	}
	return arg, lineLen, nil
}

// trimCR drops one trailing carriage return: the CR of a CRLF terminator.
func trimCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}
