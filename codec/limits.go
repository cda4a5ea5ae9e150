package codec

// Defaults match nats-server's MAX_CONTROL_LINE_SIZE and MAX_PAYLOAD_SIZE.
const (
	DefaultMaxControlLine = 4096
	DefaultMaxPayload     = 1 << 20
)

// Limits bound what a peer can make the caller buffer. A zero (or negative)
// field means its default, so the zero Limits is nats-server's defaults.
type Limits struct {
	// MaxControlLine is the longest allowed argument part of a control line:
	// the bytes after the op name and the one blank that follows it, up to
	// but not including the line terminator. Counting the extra leading
	// blanks too (nats-server skips them) is what keeps a line of endless
	// blanks bounded.
	MaxControlLine int
	// MaxPayload is the largest PUB/HPUB total size (headers included),
	// and for a RouteParser the largest RMSG/HMSG/LMSG total size.
	MaxPayload int
}

func (l *Limits) maxControlLine() int {
	if l.MaxControlLine <= 0 {
		return DefaultMaxControlLine
	}
	return l.MaxControlLine
}

func (l *Limits) maxPayload() int {
	if l.MaxPayload <= 0 {
		return DefaultMaxPayload
	}
	return l.MaxPayload
}
