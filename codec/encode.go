package codec

import "strconv"

// Frames the server sends that never vary. They are shared: never modify them.
var (
	OK   = []byte("+OK\r\n")
	PING = []byte("PING\r\n")
	PONG = []byte("PONG\r\n")
)

// AppendMsg appends MSG <subject> <sid> [reply] <size>\r\n<payload>\r\n.
// An empty reply is left out.
func AppendMsg(dst, subject, sid, reply, payload []byte) []byte {
	dst = AppendMsgHeader(dst, subject, sid, reply, len(payload))
	return appendBody(dst, payload)
}

// AppendHMsg appends HMSG <subject> <sid> [reply] <hdr_len> <total_len>\r\n<msg>\r\n,
// where msg is the header block (hdrLen bytes) followed by the payload.
func AppendHMsg(dst, subject, sid, reply []byte, hdrLen int, msg []byte) []byte {
	dst = AppendHMsgHeader(dst, subject, sid, reply, hdrLen, len(msg))
	return appendBody(dst, msg)
}

// AppendMsgHeader appends only the MSG control line, for a caller that
// writes a large payload (and its trailing \r\n) separately with writev
// instead of copying it.
func AppendMsgHeader(dst, subject, sid, reply []byte, size int) []byte {
	return appendDelivery(dst, "MSG ", subject, sid, reply, -1, size)
}

// AppendHMsgHeader appends only the HMSG control line; see AppendMsgHeader.
func AppendHMsgHeader(dst, subject, sid, reply []byte, hdrLen, total int) []byte {
	return appendDelivery(dst, "HMSG ", subject, sid, reply, hdrLen, total)
}

// AppendErr appends -ERR '<text>'\r\n; text is normally an *Error's Text.
func AppendErr(dst []byte, text string) []byte {
	dst = append(dst, "-ERR '"...)
	dst = append(dst, text...)
	return append(dst, "'\r\n"...)
}

// AppendInfo appends INFO <json> \r\n. The blank before CRLF is what
// nats-server sends (it joins "INFO", the JSON and CRLF with spaces); some
// clients compare the line byte for byte in tests.
func AppendInfo(dst []byte, infoJSON []byte) []byte {
	dst = append(dst, "INFO "...)
	dst = append(dst, infoJSON...)
	return append(dst, " \r\n"...)
}

// appendDelivery appends a MSG/HMSG control line; hdrLen < 0 means MSG,
// which has no header length.
func appendDelivery(dst []byte, verb string, subject, sid, reply []byte, hdrLen, total int) []byte {
	dst = append(dst, verb...)
	dst = append(dst, subject...)
	dst = append(dst, ' ')
	dst = append(dst, sid...)
	return appendSizes(appendReply(dst, reply), hdrLen, total)
}

// appendReply appends " <reply>" when there is a reply.
func appendReply(dst, reply []byte) []byte {
	if len(reply) > 0 {
		dst = append(dst, ' ')
		dst = append(dst, reply...)
	}
	return dst
}

// appendSizes ends a control line with " [hdrLen] total\r\n"; hdrLen < 0
// leaves it out.
func appendSizes(dst []byte, hdrLen, total int) []byte {
	if hdrLen >= 0 {
		dst = append(dst, ' ')
		dst = strconv.AppendInt(dst, int64(hdrLen), 10)
	}
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, int64(total), 10)
	return append(dst, "\r\n"...)
}

// appendBody appends a message body and the CRLF that ends every frame.
func appendBody(dst, body []byte) []byte {
	dst = append(dst, body...)
	return append(dst, "\r\n"...)
}
