package codec

import "strconv"

// The encoders in this file write what clients send. The server never sends
// these; they exist so tests, fuzzing and benchmarks build input the same
// way a client would, and so that a parsed op can be re-encoded.

// AppendPub appends PUB <subject> [reply] <size>\r\n<payload>\r\n.
// An empty reply is left out.
func AppendPub(dst, subject, reply, payload []byte) []byte {
	dst = appendPublish(dst, "PUB ", subject, reply, -1, len(payload))
	return appendBody(dst, payload)
}

// AppendHPub appends HPUB <subject> [reply] <hdr_len> <total_len>\r\n<msg>\r\n,
// where msg is the header block (hdrLen bytes) followed by the payload.
func AppendHPub(dst, subject, reply []byte, hdrLen int, msg []byte) []byte {
	dst = appendPublish(dst, "HPUB ", subject, reply, hdrLen, len(msg))
	return appendBody(dst, msg)
}

// AppendSub appends SUB <subject> [queue] <sid>\r\n. An empty queue is left out.
func AppendSub(dst, subject, queue, sid []byte) []byte {
	dst = append(dst, "SUB "...)
	dst = append(dst, subject...)
	if len(queue) > 0 {
		dst = append(dst, ' ')
		dst = append(dst, queue...)
	}
	dst = append(dst, ' ')
	dst = append(dst, sid...)
	return append(dst, "\r\n"...)
}

// AppendUnsub appends UNSUB <sid> [max]\r\n; max <= 0 is left out, which on
// the wire means "unsubscribe now".
func AppendUnsub(dst, sid []byte, max int64) []byte {
	dst = append(dst, "UNSUB "...)
	dst = append(dst, sid...)
	if max > 0 {
		dst = append(dst, ' ')
		dst = strconv.AppendInt(dst, max, 10)
	}
	return append(dst, "\r\n"...)
}

// appendPublish appends a PUB/HPUB control line; hdrLen < 0 means PUB.
func appendPublish(dst []byte, verb string, subject, reply []byte, hdrLen, total int) []byte {
	dst = append(dst, verb...)
	dst = append(dst, subject...)
	return appendSizes(appendReply(dst, reply), hdrLen, total)
}
