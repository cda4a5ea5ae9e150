package ws

import "bytes"

// An HTTP/1.x message head (request or status line, header lines, blank line) read in place, with the
// leniency of Go's net/textproto, which is what nats-server's handshake goes through: a line ends in LF
// with or without CR before it, and header values are trimmed of spaces and tabs.

// httpHeadLen returns the length of the head at the start of in, through the blank line that ends it, or 0
// while in does not hold all of it.
//
// It scans from the start on every call. A head arriving a byte at a time therefore costs quadratic time,
// bounded by the Upgrader's MaxRequestBytes: at 64 KiB, about a billion bytes of memchr in all, the same
// order as the 64 Ki reads such a trickle takes anyway.
func httpHeadLen(in []byte) int {
	off := 0
	for {
		i := bytes.IndexByte(in[off:], '\n')
		if i < 0 {
			return 0
		}
		line := in[off : off+i]
		off += i + 1
		if len(line) == 0 || len(line) == 1 && line[0] == '\r' {
			return off
		}
	}
}

// cutLine splits the first line off p, without its line end.
func cutLine(p []byte) (line, rest []byte) {
	i := bytes.IndexByte(p, '\n')
	if i < 0 {
		return p, nil
	}
	line, rest = p[:i], p[i+1:]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, rest
}

// trimOWS trims spaces and tabs on both ends.
func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// headerIs compares a header name case-insensitively.
func headerIs(name []byte, canonical string) bool { return bytes.EqualFold(name, []byte(canonical)) }

// isTokenByte reports whether c may appear in an HTTP token (RFC 7230 tchar): a method, a header name.
func isTokenByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~':
		return true
	}
	return false
}

func isToken(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !isTokenByte(c) {
			return false
		}
	}
	return true
}

// validValueByte: what textproto accepts in a header value: tab, visible ASCII, space, and any byte
// from 0x80 (obs-text).
func validValueByte(c byte) bool { return c == '\t' || c >= 0x20 && c != 0x7F }

// validHostByte: what net/http accepts in a Host header (httpguts.ValidHostHeader).
func validHostByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '!', '$', '%', '&', '(', ')', '*', '+', ',', '-', '.', ':', ';', '=', '[', '\'', ']', '_', '~':
		return true
	}
	return false
}

// hasToken reports whether a comma-separated header value lists tok, compared case-insensitively after
// trimming, as nats-server's wsHeaderContains.
func hasToken(value []byte, tok string) bool {
	for len(value) > 0 {
		item := value
		if i := bytes.IndexByte(value, ','); i >= 0 {
			item, value = value[:i], value[i+1:]
		} else {
			value = nil
		}
		if bytes.EqualFold(trimOWS(item), []byte(tok)) {
			return true
		}
	}
	return false
}

// parseVersion parses "HTTP/x.y" as net/http's ParseHTTPVersion: one digit each.
func parseVersion(v []byte) (major, minor int, ok bool) {
	if len(v) != len("HTTP/1.1") || string(v[:5]) != "HTTP/" || v[6] != '.' {
		return 0, 0, false
	}
	if v[5] < '0' || v[5] > '9' || v[7] < '0' || v[7] > '9' {
		return 0, 0, false
	}
	return int(v[5] - '0'), int(v[7] - '0'), true
}
