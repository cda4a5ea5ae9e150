package tlsconn

// recordTypeHandshake is the content type of a TLS handshake record (RFC 8446 §5.1), the first byte a TLS
// client sends: its ClientHello travels in one.
const recordTypeHandshake = 0x16

// LooksLikeTLS reports whether first, the first byte a client sent, starts a TLS ClientHello rather than a
// plaintext NATS operation. One byte decides it: every NATS client operation starts with a letter, and every
// TLS client starts with a handshake record (0x16). The engine uses it where nats-server tells the two apart:
// a TLS-required server facing a plaintext client, handshake_first, and allow_non_tls.
func LooksLikeTLS(first byte) bool {
	return first == recordTypeHandshake
}

// firstRecordComplete reports whether in holds the whole first TLS record, or enough to know it is not one
// (then crypto/tls rejects it at once). A server handshake goroutine is started only then, so a client that
// connects and dribbles half a ClientHello costs a timer, not a goroutine.
func firstRecordComplete(in []byte) bool {
	const headerLen = 5
	if len(in) == 0 {
		return false
	}
	if in[0] != recordTypeHandshake {
		return true
	}
	if len(in) < headerLen {
		return false
	}
	n := int(in[3])<<8 | int(in[4])
	return len(in) >= headerLen+n
}
