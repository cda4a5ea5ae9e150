package codec

// Encoders for what reactor sends on a route. Like the client encoders they
// append one frame to dst and allocate only when dst must grow. Names,
// subjects and queues must be non-empty and blank-free; the encoders do not
// check (the server validated them when they entered).

// AppendRSPlus appends RS+ <account> <subject>\r\n, or for a queue group
// RS+ <account> <subject> <queue> <weight>\r\n. weight is the current number
// of local members of the group: a repeated RS+ replaces the peer's count.
func AppendRSPlus(dst, account, subject, queue []byte, weight int) []byte {
	dst = appendInterest(dst, "RS+ ", account, subject, queue)
	if len(queue) > 0 {
		dst = appendSizes(dst, -1, weight)
		return dst
	}
	return append(dst, "\r\n"...)
}

// AppendRSMinus appends RS- <account> <subject> [<queue>]\r\n. nats-server
// finds the interest by the raw argument text, so this repeats AppendRSPlus's
// fields byte for byte, minus the weight.
func AppendRSMinus(dst, account, subject, queue []byte) []byte {
	dst = appendInterest(dst, "RS- ", account, subject, queue)
	return append(dst, "\r\n"...)
}

func appendInterest(dst []byte, verb string, account, subject, queue []byte) []byte {
	dst = append(dst, verb...)
	dst = append(dst, account...)
	dst = append(dst, ' ')
	dst = append(dst, subject...)
	if len(queue) > 0 {
		dst = append(dst, ' ')
		dst = append(dst, queue...)
	}
	return dst
}

// AppendRMsg appends a message without headers:
//
//	RMSG <account> <subject> [<reply>] <size>\r\n<payload>\r\n            no queues
//	RMSG <account> <subject> + <reply> <queue>… <size>\r\n…              queues, reply
//	RMSG <account> <subject> | <queue>… <size>\r\n…                      queues, no reply
//
// queues are the groups the peer should serve (one member each).
func AppendRMsg(dst, account, subject, reply []byte, queues [][]byte, payload []byte) []byte {
	dst = AppendRMsgHeader(dst, account, subject, reply, queues, len(payload))
	return appendBody(dst, payload)
}

// AppendHRMsg appends the same with headers, which nats-server's routes
// spell HMSG: HMSG <account> <subject> [reply part] <hdr_len> <total_len>,
// where msg is the header block (hdrLen bytes) followed by the payload.
func AppendHRMsg(dst, account, subject, reply []byte, queues [][]byte, hdrLen int, msg []byte) []byte {
	dst = AppendHRMsgHeader(dst, account, subject, reply, queues, hdrLen, len(msg))
	return appendBody(dst, msg)
}

// AppendRMsgHeader appends only the RMSG control line, for a caller that
// writes a large payload and its trailing \r\n separately.
func AppendRMsgHeader(dst, account, subject, reply []byte, queues [][]byte, size int) []byte {
	return appendRouted(dst, "RMSG ", account, subject, reply, queues, -1, size)
}

// AppendHRMsgHeader appends only the route HMSG control line.
func AppendHRMsgHeader(dst, account, subject, reply []byte, queues [][]byte, hdrLen, total int) []byte {
	return appendRouted(dst, "HMSG ", account, subject, reply, queues, hdrLen, total)
}

func appendRouted(dst []byte, verb string, account, subject, reply []byte, queues [][]byte, hdrLen, total int) []byte {
	dst = append(dst, verb...)
	dst = append(dst, account...)
	dst = append(dst, ' ')
	dst = append(dst, subject...)
	if len(queues) > 0 {
		if len(reply) > 0 {
			dst = append(dst, " + "...)
			dst = append(dst, reply...)
		} else {
			dst = append(dst, " |"...)
		}
		for _, queue := range queues {
			dst = append(dst, ' ')
			dst = append(dst, queue...)
		}
	} else {
		dst = appendReply(dst, reply)
	}
	return appendSizes(dst, hdrLen, total)
}

// AppendRouteConnect appends CONNECT <json>\r\n; connectJSON is normally
// from RouteConnect.JSON.
func AppendRouteConnect(dst, connectJSON []byte) []byte {
	dst = append(dst, "CONNECT "...)
	dst = append(dst, connectJSON...)
	return append(dst, "\r\n"...)
}
