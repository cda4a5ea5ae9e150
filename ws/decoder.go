package ws

import (
	"encoding/binary"
	"sync"
	"unicode/utf8"
)

// Options configure a Decoder for one connection, from what its handshake negotiated.
type Options struct {
	Limits Limits

	// Compression: permessage-deflate was negotiated, so a message's first frame may set RSV1.
	Compression bool

	// Unmasked accepts frames without a mask: the client asked for Nats-No-Masking (nats-server grants it,
	// for leafnodes), or the Decoder reads a server's frames. Masked frames are still unmasked.
	Unmasked bool

	// SkipUTF8 accepts text messages without checking that they are UTF-8, as nats-server does. RFC 6455
	// §8.1 requires the check, which fails such a message with 1007.
	SkipUTF8 bool
}

// Kind says what an Event is.
type Kind uint8

const (
	// None: every byte given has been consumed and the Decoder needs more.
	None Kind = iota
	// Data: Payload is the next piece of a data message; Final marks its last piece.
	Data
	// Ping: answer with a pong carrying Payload (AppendPong).
	Ping
	// Pong: nothing to do.
	Pong
	// Close: the peer is closing with Code and reason Payload. Answer with a close frame (AppendClose with
	// the same code and reason, as nats-server does) and close the connection. The Decoder then discards
	// any input.
	Close
)

// Event is one thing Decoder.Next found.
type Event struct {
	Kind Kind
	// Payload aliases the input given to Next (unmasked in place), or a buffer of the Decoder. Either way
	// it is valid only until the next call to Next, Reset or Release.
	Payload []byte
	Final   bool   // Data: this piece ends the message
	Text    bool   // Data: the message is text (opcode 1), not binary
	Code    uint16 // Close: the status code; CloseNoStatus when the frame carried none
}

// decState is where the Decoder is in the byte stream.
type decState uint8

const (
	stHeader     decState = iota // between frames, or inside a header cut short (hdrN bytes in hdr)
	stData                       // inside an uncompressed data frame's payload: streamed
	stCompressed                 // inside a compressed data frame's payload: held in inf
	stControl                    // inside a control frame's payload that did not arrive whole: held in ctl
	stInflate                    // a compressed message is complete; its inflated chunks are being read
	stClosed                     // a close frame was read; input is discarded
)

// Decoder reads the frames a peer sends, from input that arrives in pieces of any size. See the package
// documentation for how to drive it. Its zero value reads a client's frames (masked, no compression,
// text checked, the default limits); Reset sets other Options.
type Decoder struct {
	opts  Options
	state decState

	hdr  [MaxHeaderLen]byte // a header cut between calls
	hdrN uint8

	// The frame being read.
	op     Opcode
	fin    bool
	masked bool
	key    uint32 // mask key, rotated to the next byte's position
	rem    uint64 // payload bytes still to come

	// The data message being read (one may be open while control frames go by).
	inMsg      bool
	text       bool
	compressed bool
	msgLen     uint64 // payload bytes so far, fragments summed (compressed: as received)
	utf        utf8State

	ctl *ctlBuf   // only while a control payload is split across calls
	inf *inflater // only while a compressed message is read or inflated
	err error     // sticky: once failed, always failed
}

// ctlBuf holds a control frame's payload that arrived in pieces.
type ctlBuf struct {
	b [MaxControlPayload]byte
	n int
}

var ctlBufs = sync.Pool{New: func() any { return new(ctlBuf) }}

// Reset readies d for a new connection with opts, giving back any buffer it held.
func (d *Decoder) Reset(opts Options) {
	d.Release()
	*d = Decoder{opts: opts}
}

// Release gives back the pooled buffers d holds (a split control frame, a compressed message). Call it
// when the connection closes. d must be Reset before it is used again.
func (d *Decoder) Release() {
	if d.ctl != nil {
		ctlBufs.Put(d.ctl)
		d.ctl = nil
	}
	if d.inf != nil {
		putInflater(d.inf)
		d.inf = nil
	}
	d.err = errReleased
}

var errReleased = &Error{CloseInternalError, "decoder released"}

// Held reports the bytes of input d holds between calls: a compressed message being received (bounded by
// Limits.MaxCompressed) plus a few bytes of a cut header or control frame. Uncompressed data is never
// held.
func (d *Decoder) Held() int {
	n := int(d.hdrN)
	if d.ctl != nil {
		n += d.ctl.n
	}
	if d.inf != nil {
		n += len(d.inf.msg)
	}
	return n
}

// Next decodes from the start of in and returns the first event it finds and how many bytes of in it
// consumed to find it. Call it again with in[n:] until it returns an event of Kind None, which means
// all of in was consumed; keep nothing of in after that.
//
// Next unmasks payload bytes in place, and only within in[:n]: the caller must treat those n bytes as
// consumed. A header or control payload cut short is copied into d, so n is len(in) whenever Kind is
// None. Once the last frame of a compressed message is in, Next returns the message's inflated chunks
// one per call, consuming nothing more until the last.
//
// A protocol violation returns an *Error (close code and reason) and d stays failed. An error may follow
// a Data event that delivered the valid part of the offending frame, so that where an error falls does
// not depend on how the input was split.
func (d *Decoder) Next(in []byte) (ev Event, n int, err error) {
	if d.err != nil {
		return Event{}, 0, d.err
	}
	d.tidy()
	for {
		switch {
		case d.state == stClosed:
			return Event{}, len(in), nil
		case d.state != stInflate && n == len(in):
			return Event{}, n, nil // inflation needs no input; everything else does
		}
		var emit bool
		var m int
		switch d.state {
		case stInflate:
			emit, err = d.inflate(&ev)
		case stHeader:
			m, emit, err = d.header(in[n:], &ev)
		case stData:
			m, emit, err = d.data(in[n:], &ev)
		case stCompressed:
			m = d.compressedData(in[n:])
		case stControl:
			m, emit, err = d.controlPayload(in[n:], &ev)
		}
		n += m
		if err != nil {
			d.err = err
			return Event{}, n, err
		}
		if emit {
			return ev, n, nil
		}
	}
}

// tidy gives back buffers whose last use was the event returned by the previous call.
func (d *Decoder) tidy() {
	if d.ctl != nil && d.state != stControl {
		ctlBufs.Put(d.ctl)
		d.ctl = nil
	}
	if d.inf != nil && d.state != stInflate && !(d.inMsg && d.compressed) {
		putInflater(d.inf)
		d.inf = nil
	}
}

// header reads (the rest of) a frame header from p. The first two bytes are checked as soon as both are
// in, whether or not the rest of the header is, so a bad frame fails at the same point however the
// input is cut.
func (d *Decoder) header(p []byte, ev *Event) (n int, emit bool, err error) {
	if d.hdrN == 0 && len(p) >= 2 {
		if err := d.checkStart(p[0], p[1]); err != nil {
			return 0, false, err
		}
		if hl := headerLen(p[1]); len(p) >= hl {
			var h frameHeader
			if err := parseHeader(p[:hl], &h); err != nil {
				return 0, false, err
			}
			emit, err = d.begin(&h, ev)
			return hl, emit, err
		}
	}
	// The header is cut: gather it in d.hdr.
	for n < len(p) {
		need := 2
		if d.hdrN >= 2 {
			need = headerLen(d.hdr[1])
		}
		c := copy(d.hdr[d.hdrN:need], p[n:])
		n += c
		d.hdrN += uint8(c)
		if int(d.hdrN) < need {
			return n, false, nil
		}
		if need == 2 {
			if err := d.checkStart(d.hdr[0], d.hdr[1]); err != nil {
				return n, false, err
			}
			if headerLen(d.hdr[1]) > 2 {
				continue
			}
		}
		var h frameHeader
		err := parseHeader(d.hdr[:d.hdrN], &h)
		d.hdrN = 0
		if err != nil {
			return n, false, err
		}
		emit, err = d.begin(&h, ev)
		return n, emit, err
	}
	return n, false, nil
}

// checkStart validates a header's first two bytes, in nats-server's order (wsReadLoop).
func (d *Decoder) checkStart(b0, b1 byte) error {
	op := Opcode(b0 & 0x0F)
	fin := b0&bitFin != 0
	rsv1 := b0&bitRSV1 != 0
	if b0&(bitRSV2|bitRSV3) != 0 {
		return ErrRSV23
	}
	if rsv1 && !d.opts.Compression {
		return ErrRSV1WithoutDeflate
	}
	if b1&bitMask == 0 && !d.opts.Unmasked {
		return ErrMaskMissing
	}
	switch op {
	case OpPing, OpPong, OpClose:
		if b1&0x7F > MaxControlPayload {
			return ErrControlTooBig
		}
		if !fin {
			return ErrControlFragmented
		}
		if rsv1 {
			return ErrControlCompressed
		}
	case OpText, OpBinary:
		if d.inMsg {
			return ErrMessageNotFinished
		}
	case OpContinuation:
		if !d.inMsg || rsv1 {
			return ErrInvalidContinuation
		}
	default:
		return errUnknownOpcode[op]
	}
	return nil
}

// begin starts reading the payload of the frame whose header is h. A frame with an empty payload may
// produce its event at once.
func (d *Decoder) begin(h *frameHeader, ev *Event) (emit bool, err error) {
	d.op, d.fin, d.masked, d.key, d.rem = h.op, h.fin, h.masked, h.key, h.length
	if h.op.IsControl() {
		d.state = stControl
		if h.length == 0 {
			return d.control(nil, ev)
		}
		return false, nil
	}
	if h.op != OpContinuation {
		d.inMsg, d.text, d.compressed, d.msgLen, d.utf = true, h.op == OpText, h.rsv1, 0, utf8State{}
	}
	l := &d.opts.Limits
	if l.MaxFrame > 0 && h.length > l.MaxFrame {
		return false, ErrTooBig
	}
	limit := l.MaxMessage
	if d.compressed {
		limit = l.maxCompressed()
	}
	if limit > 0 && (h.length > limit || d.msgLen > limit-h.length) {
		return false, ErrTooBig
	}
	d.msgLen += h.length
	if d.compressed {
		if d.inf == nil {
			d.inf = getInflater()
		}
		d.state = stCompressed
		if h.length == 0 {
			d.endCompressedFrame()
		}
		return false, nil
	}
	d.state = stData
	if h.length == 0 {
		d.state = stHeader
		if h.fin {
			d.inMsg = false
			return d.deliver(nil, true, ev)
		}
	}
	return false, nil
}

// data streams an uncompressed data frame's payload: whatever of it p holds is unmasked in place and
// delivered.
func (d *Decoder) data(p []byte, ev *Event) (n int, emit bool, err error) {
	n = len(p)
	if uint64(n) > d.rem {
		n = int(d.rem)
	}
	piece := p[:n]
	if d.masked {
		d.key = mask(d.key, piece)
	}
	d.rem -= uint64(n)
	final := false
	if d.rem == 0 {
		d.state = stHeader
		if d.fin {
			d.inMsg = false
			final = true
		}
	}
	emit, err = d.deliver(piece, final, ev)
	return n, emit, err
}

// deliver makes a Data event of piece, checking text as it goes. Invalid text delivers the part before
// the first bad byte and leaves ErrInvalidText for the next call (or returns it when that part is
// empty).
func (d *Decoder) deliver(piece []byte, final bool, ev *Event) (emit bool, err error) {
	if d.text && !d.opts.SkipUTF8 {
		bad := d.utf.scan(piece)
		if bad < 0 && final && !d.utf.complete() {
			bad = len(piece)
		}
		if bad >= 0 {
			d.err = ErrInvalidText
			if bad == 0 {
				return false, ErrInvalidText
			}
			*ev = Event{Kind: Data, Payload: piece[:bad], Text: true}
			return true, nil
		}
	}
	if len(piece) == 0 && !final {
		return false, nil
	}
	*ev = Event{Kind: Data, Payload: piece, Final: final, Text: d.text}
	return true, nil
}

// compressedData copies what p holds of a compressed frame's payload into the message buffer, unmasking
// the copy (p is left as it was).
func (d *Decoder) compressedData(p []byte) int {
	n := len(p)
	if uint64(n) > d.rem {
		n = int(d.rem)
	}
	f := d.inf
	at := len(f.msg)
	f.msg = append(f.msg, p[:n]...)
	if d.masked {
		d.key = mask(d.key, f.msg[at:])
	}
	d.rem -= uint64(n)
	if d.rem == 0 {
		d.endCompressedFrame()
	}
	return n
}

// endCompressedFrame ends a compressed message's frame; after the last one, inflation starts.
func (d *Decoder) endCompressedFrame() {
	d.state = stHeader
	if d.fin {
		d.inMsg = false
		d.inf.start()
		d.state = stInflate
	}
}

// inflate returns the next chunk of the inflated message.
func (d *Decoder) inflate(ev *Event) (emit bool, err error) {
	limit := d.opts.Limits.maxInflated()
	p, done, err := d.inf.next(limit)
	if d.inf.total > limit {
		p = p[:len(p)-int(d.inf.total-limit)]
		err = ErrTooBig
	}
	if err == nil {
		if done {
			d.state = stHeader // the inflater goes back at the next call, once ev has been used
		}
		return d.deliver(p, done, ev)
	}
	// Deliver what came before the failure, then fail: the same rule as for invalid text.
	emit, derr := d.deliver(p, false, ev)
	if derr != nil {
		return false, derr // invalid text came first
	}
	if !emit {
		return false, err
	}
	if d.err == nil {
		d.err = err
	}
	return true, nil
}

// controlPayload reads a control frame's payload. One that p holds whole is unmasked in place and
// reported without a copy; one cut short is gathered in a pooled buffer.
func (d *Decoder) controlPayload(p []byte, ev *Event) (n int, emit bool, err error) {
	if d.ctl == nil && uint64(len(p)) >= d.rem {
		n = int(d.rem)
		payload := p[:n]
		if d.masked {
			mask(d.key, payload)
		}
		emit, err = d.control(payload, ev)
		return n, emit, err
	}
	if d.ctl == nil {
		d.ctl = ctlBufs.Get().(*ctlBuf)
		d.ctl.n = 0
	}
	c := d.ctl
	n = len(p)
	if uint64(n) > d.rem {
		n = int(d.rem)
	}
	dst := c.b[c.n : c.n+n]
	if d.masked {
		d.key = maskCopy(d.key, dst, p[:n])
	} else {
		copy(dst, p[:n])
	}
	c.n += n
	d.rem -= uint64(n)
	if d.rem > 0 {
		return n, false, nil
	}
	emit, err = d.control(c.b[:c.n], ev)
	return n, emit, err
}

// control reports a complete control frame. A close frame's code and reason are checked as nats-server
// checks them (wsHandleControlFrame).
func (d *Decoder) control(payload []byte, ev *Event) (emit bool, err error) {
	d.state = stHeader
	switch d.op {
	case OpPing:
		*ev = Event{Kind: Ping, Payload: payload}
		return true, nil
	case OpPong:
		*ev = Event{Kind: Pong, Payload: payload}
		return true, nil
	}
	code := CloseNoStatus
	var reason []byte
	switch len(payload) {
	case 0:
	case 1:
		return false, ErrCloseOneByte
	default:
		code = binary.BigEndian.Uint16(payload)
		if !validCloseCode(code) {
			return false, errCloseCode(code)
		}
		reason = payload[2:]
		if !utf8.Valid(reason) {
			return false, ErrInvalidCloseReason
		}
	}
	d.state = stClosed
	*ev = Event{Kind: Close, Code: code, Payload: reason}
	return true, nil
}
