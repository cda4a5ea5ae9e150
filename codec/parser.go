package codec

// Parser reads NATS client protocol ops from the start of a byte slice. The
// zero Parser is ready to use with the default Limits. A Parser belongs to
// one connection and is used by one goroutine at a time (its event loop).
type Parser struct {
	Limits Limits
	Op     Op // the op produced by the last successful Next; aliases that call's buffer

	// need is what Need reports: set only by an incomplete Next that has
	// parsed a whole PUB/HPUB control line, cleared by every other call.
	need int
}

// Next parses the single complete op at the start of buf into p.Op and
// returns how many bytes it used.
//
// (0, nil) means buf does not hold a complete op yet; then Need says how many
// bytes buf must hold, counted from its start, for that op to complete, or 0
// when the control line itself is incomplete. The caller calls Next again
// with a longer buffer starting at the same op; Next keeps no state from the
// previous call, so that buffer may be a different slice holding the same
// bytes.
//
// An error is always a *Error; after one, the stream cannot be resynchronised
// and the connection should be closed.
func (p *Parser) Next(buf []byte) (int, error) {
	n, err := p.next(buf)
	if err != nil {
		// Converting only a non-nil *Error keeps a nil *Error from
		// becoming a non-nil error interface.
		return 0, err
	}
	return n, nil
}

// Need reports how many bytes the buffer given to the last Next must hold for
// the pending op to complete: non-zero only after an incomplete PUB/HPUB
// whose control line has arrived. The engine can use it to reserve room for
// the payload once and to skip calling Next until that many bytes are
// buffered.
func (p *Parser) Need() int { return p.need }

func (p *Parser) next(buf []byte) (int, *Error) {
	p.need = 0
	if len(buf) == 0 {
		return 0, nil
	}
	name, err := matchName(buf)
	if name == nil {
		return 0, err
	}
	arg, lineLen, err := controlLine(buf, name, p.Limits.maxControlLine())
	if lineLen == 0 {
		return 0, err
	}
	switch name.kind {
	case KindPub, KindHPub:
		return p.pub(buf, name.kind, arg, lineLen)
	case KindSub:
		return p.sub(arg, lineLen)
	case KindUnsub:
		return p.unsub(arg, lineLen)
	case KindConnect, KindInfo, KindErr:
		text := trimBlank(arg)
		p.Op = Op{Kind: name.kind, Arg: text[:len(text):len(text)]}
	default: // bare ops; controlLine has checked that only blanks follow
		p.Op = Op{Kind: name.kind}
	}
	return lineLen, nil
}

// pub finishes PUB <subject> [reply] <size> and
// HPUB <subject> [reply] <hdr_size> <total_size>, whose control line fills
// buf[:lineLen] and whose payload follows it.
func (p *Parser) pub(buf []byte, kind Kind, arg []byte, lineLen int) (int, *Error) {
	var fields [maxArgs][]byte
	nf := splitArgs(arg, &fields)
	sizes := 1
	if kind == KindHPub {
		sizes = 2
	}
	var reply []byte
	switch nf - sizes {
	case 1:
	case 2:
		reply = fields[1]
	default:
		return 0, ErrBadArgs
	}
	total, ok := parseCount(fields[nf-1])
	if !ok {
		return 0, ErrBadArgs
	}
	var hdr int64
	if kind == KindHPub {
		if hdr, ok = parseCount(fields[nf-2]); !ok || hdr > total {
			return 0, ErrBadArgs
		}
	}
	// Checked before any payload is awaited, so an oversized message is
	// refused without buffering it.
	if total > int64(p.Limits.maxPayload()) {
		return 0, ErrMaxPayload
	}

	payloadEnd := lineLen + int(total)
	frameLen := payloadEnd + 2 // "\r\n" after the payload
	if len(buf) < frameLen {
		// Fail on a bad terminator as soon as its first byte is in, as
		// the one-piece parse would.
		if len(buf) > payloadEnd && buf[payloadEnd] != '\r' {
			return 0, ErrUnknownOp
		}
		p.need = frameLen
		return 0, nil
	}
	if buf[payloadEnd] != '\r' || buf[payloadEnd+1] != '\n' {
		return 0, ErrUnknownOp
	}
	p.Op = Op{
		Kind:      kind,
		Subject:   fields[0],
		Reply:     reply,
		HeaderLen: int(hdr),
		// Capacity ends with the payload so an append by the caller copies
		// instead of overwriting the next op in the buffer.
		Payload: buf[lineLen:payloadEnd:payloadEnd],
	}
	return frameLen, nil
}

// sub finishes SUB <subject> [queue] <sid>.
func (p *Parser) sub(arg []byte, lineLen int) (int, *Error) {
	var fields [maxArgs][]byte
	switch splitArgs(arg, &fields) {
	case 2:
		p.Op = Op{Kind: KindSub, Subject: fields[0], Sid: fields[1]}
	case 3:
		p.Op = Op{Kind: KindSub, Subject: fields[0], Queue: fields[1], Sid: fields[2]}
	default:
		return 0, ErrBadArgs
	}
	return lineLen, nil
}

// unsub finishes UNSUB <sid> [max].
func (p *Parser) unsub(arg []byte, lineLen int) (int, *Error) {
	var fields [maxArgs][]byte
	switch splitArgs(arg, &fields) {
	case 1:
		p.Op = Op{Kind: KindUnsub, Sid: fields[0]}
	case 2:
		// A max that is not a positive number means "unsubscribe now", as
		// nats-server treats it, not a protocol error.
		max, _ := parseCount(fields[1])
		p.Op = Op{Kind: KindUnsub, Sid: fields[0], Max: max}
	default:
		return 0, ErrBadArgs
	}
	return lineLen, nil
}
