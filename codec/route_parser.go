package codec

// RouteParser reads route protocol ops (what a cluster peer sends on a
// route connection) from the start of a byte slice. It follows the same
// contract as Parser: whole ops only, (0, nil) plus Need for an incomplete
// one, slices in Op alias the input, no state between calls, no allocation.
// The zero RouteParser is ready to use with the default Limits; a route
// should normally raise Limits.MaxPayload to the largest message any
// server in the cluster accepts, since routes carry what peers accepted.
type RouteParser struct {
	Limits Limits
	Op     RouteOp // the op produced by the last successful Next; aliases that call's buffer

	// need is what Need reports: set only by an incomplete Next that has
	// parsed a whole RMSG/HMSG/LMSG control line, cleared by every other call.
	need int
}

// Next parses the single complete op at the start of buf into p.Op and
// returns how many bytes it used; see Parser.Next for the contract. An error
// is always a *Error, and the route cannot be resynchronised after one.
func (p *RouteParser) Next(buf []byte) (int, error) {
	n, err := p.next(buf)
	if err != nil {
		return 0, err
	}
	return n, nil
}

// Need reports how many bytes the buffer given to the last Next must hold
// for the pending message to complete: non-zero only after an incomplete
// RMSG/HMSG/LMSG whose control line has arrived.
func (p *RouteParser) Need() int { return p.need }

// maxInterestArgs is the most fields an interest op takes
// (LS+ origin account subject queue weight).
const maxInterestArgs = 5

func (p *RouteParser) next(buf []byte) (int, *Error) {
	p.need = 0
	if len(buf) == 0 {
		return 0, nil
	}
	name, err := matchRouteName(buf)
	if name == nil {
		return 0, err
	}
	arg, lineLen, err := controlLine(buf, &name.opName, p.Limits.maxControlLine())
	if lineLen == 0 {
		return 0, err
	}
	switch name.kind {
	case RouteKindRMsg, RouteKindHMsg, RouteKindLMsg:
		return p.msg(buf, name.kind, arg, lineLen)
	case RouteKindRSPlus, RouteKindRSMinus, RouteKindLSPlus, RouteKindLSMinus:
		return p.interest(name.kind, arg, lineLen)
	case RouteKindInfo, RouteKindConnect, RouteKindErr:
		text := trimBlank(arg)
		p.Op = RouteOp{Kind: name.kind, Arg: text[:len(text):len(text)]}
	default: // PING, PONG, +OK: only blanks may follow the name
		if !isBlank(trimCR(buf[len(name.lower) : lineLen-1])) {
			return 0, ErrUnknownOp
		}
		p.Op = RouteOp{Kind: name.kind}
	}
	return lineLen, nil
}

// interest finishes RS+, RS-, LS+ and LS-. The leaf variants carry the
// origin cluster first; otherwise the shapes are the same.
func (p *RouteParser) interest(kind RouteKind, arg []byte, lineLen int) (int, *Error) {
	var fields [maxInterestArgs + 1][]byte
	nf := 0
	for field, rest := NextQueue(arg); field != nil; field, rest = NextQueue(rest) {
		if nf == len(fields) {
			return 0, ErrBadArgs
		}
		fields[nf] = field
		nf++
	}
	op := RouteOp{Kind: kind}
	f := fields[:nf]
	if kind == RouteKindLSPlus || kind == RouteKindLSMinus {
		if nf == 0 {
			return 0, ErrBadArgs
		}
		op.Origin, f = f[0], f[1:]
	}
	plus := kind == RouteKindRSPlus || kind == RouteKindLSPlus
	switch {
	case len(f) == 2:
	case len(f) == 3:
		op.Queue = f[2]
	case len(f) == 4 && plus:
		op.Queue = f[2]
	default:
		return 0, ErrBadArgs
	}
	op.Account, op.Subject = f[0], f[1]
	if plus && op.Queue != nil {
		op.Weight = 1
		if len(f) == 4 {
			if w, ok := parseCount(f[3]); ok && w > 0 && w <= maxWeight {
				op.Weight = int(w)
			}
		}
	}
	p.Op = op
	return lineLen, nil
}

// maxWeight keeps a queue weight within an int32, as nats-server stores it.
const maxWeight = 1<<31 - 1

// msg finishes RMSG, HMSG and LMSG, whose control line fills buf[:lineLen]
// and whose payload follows it.
func (p *RouteParser) msg(buf []byte, kind RouteKind, arg []byte, lineLen int) (int, *Error) {
	op := RouteOp{Kind: kind}
	rest := arg
	if kind == RouteKindLMsg {
		op.Origin, rest = NextQueue(rest)
	}
	op.Account, rest = NextQueue(rest)
	op.Subject, rest = NextQueue(rest)

	// The sizes are the last one (RMSG) or two fields; everything between
	// the subject and them is the reply and queue part.
	middle := trimBlank(rest)
	var totalField, hdrField []byte
	totalField, middle = lastField(middle)
	if kind != RouteKindRMsg {
		hdrField, middle = lastField(middle)
		if hdrField == nil {
			return 0, ErrBadArgs
		}
	}
	if op.Subject == nil || totalField == nil {
		return 0, ErrBadArgs
	}
	total, ok := parseCount(totalField)
	if !ok {
		return 0, ErrBadArgs
	}
	if hdrField != nil {
		hdr, ok := parseCount(hdrField)
		if !ok || hdr > total {
			return 0, ErrBadArgs
		}
		op.HeaderLen = int(hdr)
	}

	first, after := NextQueue(middle)
	switch {
	case first == nil:
	case isBlank(after):
		op.Reply = first
	case len(first) == 1 && first[0] == '+':
		op.Reply, after = NextQueue(after)
		if q := trimBlank(after); len(q) > 0 {
			op.Queues = q[:len(q):len(q)]
		}
	case len(first) == 1 && first[0] == '|':
		q := trimBlank(after)
		op.Queues = q[:len(q):len(q)]
	default:
		return 0, ErrBadArgs
	}

	// Checked before any payload is awaited, so an oversized message is
	// refused without buffering it.
	if total > int64(p.Limits.maxPayload()) {
		return 0, ErrMaxPayload
	}
	payloadEnd := lineLen + int(total)
	frameLen := payloadEnd + 2
	if len(buf) < frameLen {
		if len(buf) > payloadEnd && buf[payloadEnd] != '\r' {
			return 0, ErrUnknownOp
		}
		p.need = frameLen
		return 0, nil
	}
	if buf[payloadEnd] != '\r' || buf[payloadEnd+1] != '\n' {
		return 0, ErrUnknownOp
	}
	op.Payload = buf[lineLen:payloadEnd:payloadEnd]
	p.Op = op
	return frameLen, nil
}

// lastField splits the last blank-separated field off b, which has no
// trailing blanks: it returns nil when b is empty, and what precedes the
// field with trailing blanks removed.
func lastField(b []byte) (field, before []byte) {
	if len(b) == 0 {
		return nil, nil
	}
	start := len(b)
	for start > 0 && !isBlankByte(b[start-1]) {
		start--
	}
	field = b[start:len(b):len(b)]
	before = b[:start]
	for len(before) > 0 && isBlankByte(before[len(before)-1]) {
		before = before[:len(before)-1]
	}
	return field, before
}
