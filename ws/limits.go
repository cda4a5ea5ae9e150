package ws

// Limits bound what one connection's Decoder accepts. Zero fields mean no limit, except where said.
//
// Uncompressed data is streamed to the caller as it arrives, so it needs no limit to bound memory: the
// NATS parser behind it enforces max_payload and max_control_line on the ops themselves, and nats-server
// sets no WebSocket limit either. A compressed message must be held whole before it can be inflated, so
// MaxCompressed and MaxInflated always apply (DefaultLimits).
type Limits struct {
	// MaxFrame caps a data frame's payload length, checked when its header arrives.
	MaxFrame uint64
	// MaxMessage caps the total payload of an uncompressed data message, fragments summed, checked at each
	// frame header (before its payload arrives).
	MaxMessage uint64
	// MaxCompressed caps the bytes of a compressed message as received, which the Decoder buffers. Zero
	// means DefaultLimits(0).MaxCompressed.
	MaxCompressed uint64
	// MaxInflated caps what a compressed message may inflate to: inflation stops with ErrTooBig past it.
	// Zero means DefaultLimits(0).MaxInflated.
	MaxInflated uint64
}

// nats-server's defaults: max_payload, and the cap on its compressed-message multiple (wsMaxMessageSize).
const (
	defaultMaxPayload     = 1 << 20
	compressedMultiple    = 8
	maxCompressedMessage  = 64 << 20
	defaultMaxCompressed  = compressedMultiple * defaultMaxPayload
	defaultMaxInflatedMsg = defaultMaxPayload
)

// DefaultLimits returns nats-server v2.15.2's limits for a server whose max_payload is maxPayload (its
// default, 1 MiB, when maxPayload <= 0): no limit on uncompressed frames or messages; a compressed
// message may take 8×max_payload on the wire (at most 64 MiB) and inflate to max_payload. Like
// nats-server, the inflated limit is per WebSocket message, which may hold several NATS operations.
func DefaultLimits(maxPayload int) Limits {
	if maxPayload <= 0 {
		maxPayload = defaultMaxPayload
	}
	c := uint64(maxPayload) * compressedMultiple
	if c > maxCompressedMessage {
		c = maxCompressedMessage
	}
	return Limits{MaxCompressed: c, MaxInflated: uint64(maxPayload)}
}

func (l *Limits) maxCompressed() uint64 {
	if l.MaxCompressed == 0 {
		return defaultMaxCompressed
	}
	return l.MaxCompressed
}

func (l *Limits) maxInflated() uint64 {
	if l.MaxInflated == 0 {
		return defaultMaxInflatedMsg
	}
	return l.MaxInflated
}
