package ws

import (
	"net/http"
	"strconv"
	"time"
)

// The HTTP responses of a handshake, byte for byte as nats-server v2.15.2 sends them (it serves the
// handshake with net/http), except the Date, which is the caller's clock.

// append101 appends the response that accepts the upgrade (wsUpgrade): the fixed lines, then the
// negotiated extension, no-masking and protocol lines, then the configured extra headers.
func append101(dst []byte, key []byte, compress, noMasking bool, protocol string, extra string) []byte {
	dst = append(dst, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "...)
	dst = appendAcceptKey(dst, key)
	dst = append(dst, "\r\n"...)
	if compress {
		dst = append(dst, "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n"...)
	}
	if noMasking {
		dst = append(dst, "Nats-No-Masking: true\r\n"...)
	}
	if protocol != "" {
		// nats-server spells it so for mqtt, the one protocol it answers.
		dst = append(dst, "Sec-Websocket-Protocol: "...)
		dst = append(dst, protocol...)
		dst = append(dst, "\r\n"...)
	}
	dst = append(dst, extra...)
	return append(dst, "\r\n"...)
}

// appendRefusal appends what nats-server's handler sends to refuse a handshake (wsReturnHTTPError):
// http.Error with the status text as body, plus Sec-Websocket-Version: 13. http10 answers an HTTP/1.0
// request in its own version; wantsClose adds the Connection: close net/http adds when the request asked
// for it; head (a HEAD request) leaves out the body but not its length.
func appendRefusal(dst []byte, status int, http10, wantsClose, head bool, now time.Time) []byte {
	text := http.StatusText(status)
	if http10 {
		dst = append(dst, "HTTP/1.0 "...)
	} else {
		dst = append(dst, "HTTP/1.1 "...)
	}
	dst = strconv.AppendInt(dst, int64(status), 10)
	dst = append(dst, ' ')
	dst = append(dst, text...)
	dst = append(dst, "\r\nContent-Type: text/plain; charset=utf-8\r\nSec-Websocket-Version: 13\r\nX-Content-Type-Options: nosniff\r\nDate: "...)
	dst = now.UTC().AppendFormat(dst, http.TimeFormat)
	dst = append(dst, "\r\nContent-Length: "...)
	dst = strconv.AppendInt(dst, int64(len(text)+1), 10)
	dst = append(dst, "\r\n"...)
	if wantsClose && !http10 {
		dst = append(dst, "Connection: close\r\n"...)
	}
	dst = append(dst, "\r\n"...)
	if !head {
		dst = append(dst, text...)
		dst = append(dst, '\n')
	}
	return dst
}

// appendAsteriskRefusal appends what net/http's ServeMux answers to a request for "*" that is not
// OPTIONS: 400, no body, and it closes.
func appendAsteriskRefusal(dst []byte, http10 bool, now time.Time) []byte {
	if http10 {
		dst = append(dst, "HTTP/1.0 400 Bad Request\r\n"...)
	} else {
		dst = append(dst, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n"...)
	}
	dst = append(dst, "Date: "...)
	dst = now.UTC().AppendFormat(dst, http.TimeFormat)
	return append(dst, "\r\nContent-Length: 0\r\n\r\n"...)
}

// appendServerError appends what net/http itself answers to a request it cannot read (conn.serve), before
// any handler runs: always HTTP/1.1, no Date, and it closes. detail, when there is one, follows the
// status text in both the status line and the body.
func appendServerError(dst []byte, status int, detail string) []byte {
	const headers = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
	var line []byte
	var buf [96]byte
	line = strconv.AppendInt(buf[:0], int64(status), 10)
	line = append(line, ' ')
	line = append(line, http.StatusText(status)...)
	if detail != "" {
		line = append(line, ": "...)
		line = append(line, detail...)
	}
	dst = append(dst, "HTTP/1.1 "...)
	dst = append(dst, line...)
	dst = append(dst, headers...)
	if status == http.StatusNotImplemented {
		// The one case whose body is not the status line (an unsupported Transfer-Encoding).
		return append(dst, "Unsupported transfer encoding"...)
	}
	return append(dst, line...)
}
