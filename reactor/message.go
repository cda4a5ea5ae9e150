package reactor

// message is a published message on its way to subscribers. Its slices alias whatever holds the bytes (the
// publisher's inbound buffer, or a cross-loop batch) and are valid only for the call they are passed to.
type message struct {
	subject []byte
	reply   []byte
	msg     []byte // header block (if any) followed by the payload
	hdrLen  int    // length of the header block at the start of msg; -1 when the message has no headers
}

// payload is the message without its header block.
func (m *message) payload() []byte {
	if m.hdrLen <= 0 {
		return m.msg
	}
	return m.msg[m.hdrLen:]
}
