package ws

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
)

// request is an HTTP request head read in place, holding what the handshake looks at. Every slice
// aliases the caller's input: a request does not outlive the Upgrade call that read it.
type request struct {
	method, target []byte
	major, minor   int
	url            *url.URL
	host           []byte // r.Host in net/http terms: the target's authority, else the Host header
	hosts          int    // Host header lines

	upgrade, connection, version, extensions, cookies [][]byte // every line of these
	key, origin, secOrigin, noMasking, forwardedFor   []byte   // the first line of these
	userAgent, protocols                              []byte

	body bool // Content-Length above 0, or a Transfer-Encoding: the request has a body
}

// httpError is why a request cannot be read, in the terms net/http answers it: a status (400, 501, 505)
// and the detail that follows the status text, if any.
type httpError struct {
	status int
	detail string
}

var errMalformed = &httpError{http.StatusBadRequest, ""}

// readRequest reads the request head h (httpHeadLen bytes) as net/http's server does (readRequest, then the
// checks of conn.readRequest), and returns the error it would answer with.
func readRequest(h []byte) (*request, *httpError) {
	r := new(request)
	line, rest := cutLine(h)
	// "METHOD SP target SP version", cut at the first two spaces exactly.
	m, after, ok1 := bytes.Cut(line, []byte(" "))
	t, v, ok2 := bytes.Cut(after, []byte(" "))
	if !ok1 || !ok2 || !isToken(m) {
		return nil, errMalformed
	}
	r.method, r.target = m, t
	var ok bool
	if r.major, r.minor, ok = parseVersion(v); !ok {
		return nil, errMalformed
	}
	u, err := url.ParseRequestURI(string(t))
	if err != nil {
		return nil, errMalformed
	}
	r.url = u

	badName := false
	var contentLength []byte
	te, badTE, badLength := false, false, false
	for {
		line, rest = cutLine(rest)
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			// A continuation line. net/http refuses one before any header, and folds one after into the
			// line before; this reader refuses both (RFC 7230 §3.2.4 lets a server do so).
			return nil, errMalformed
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok || len(name) == 0 {
			return nil, errMalformed
		}
		for _, c := range name {
			if c == ' ' {
				badName = true // textproto lets it through; net/http's server then refuses it
			} else if !isTokenByte(c) {
				return nil, errMalformed
			}
		}
		for _, c := range value {
			if !validValueByte(c) {
				return nil, errMalformed
			}
		}
		value = trimOWS(value)
		switch {
		case headerIs(name, "Host"):
			r.hosts++
			if r.hosts == 1 {
				r.host = value
			}
		case headerIs(name, "Upgrade"):
			r.upgrade = append(r.upgrade, value)
		case headerIs(name, "Connection"):
			r.connection = append(r.connection, value)
		case headerIs(name, "Sec-WebSocket-Key"):
			r.key = firstOf(r.key, value)
		case headerIs(name, "Sec-WebSocket-Version"):
			r.version = append(r.version, value)
		case headerIs(name, "Sec-WebSocket-Extensions"):
			r.extensions = append(r.extensions, value)
		case headerIs(name, "Sec-WebSocket-Protocol"):
			r.protocols = firstOf(r.protocols, value)
		case headerIs(name, "Origin"):
			r.origin = firstOf(r.origin, value)
		case headerIs(name, "Sec-WebSocket-Origin"):
			r.secOrigin = firstOf(r.secOrigin, value)
		case headerIs(name, "Nats-No-Masking"):
			r.noMasking = firstOf(r.noMasking, value)
		case headerIs(name, "X-Forwarded-For"):
			r.forwardedFor = firstOf(r.forwardedFor, value)
		case headerIs(name, "User-Agent"):
			r.userAgent = firstOf(r.userAgent, value)
		case headerIs(name, "Cookie"):
			r.cookies = append(r.cookies, value)
		case headerIs(name, "Content-Length"):
			if contentLength != nil && !bytes.Equal(contentLength, value) {
				badLength = true
			}
			contentLength = value
		case headerIs(name, "Transfer-Encoding"):
			// HTTP/1.0 has none; net/http ignores it there. Otherwise: one line, "chunked".
			if r.major == 1 && r.minor >= 1 {
				badTE = badTE || te || !bytes.EqualFold(value, []byte("chunked"))
				te = true
			}
		}
	}
	// Then, as net/http: one Host, a Transfer-Encoding it knows, a Content-Length that is a number.
	if r.hosts > 1 {
		return nil, errMalformed
	}
	if badTE {
		return nil, &httpError{http.StatusNotImplemented, ""}
	}
	if badLength {
		return nil, errMalformed
	}
	if contentLength != nil && !te {
		n, err := strconv.ParseUint(string(contentLength), 10, 63)
		if err != nil {
			return nil, errMalformed
		}
		r.body = n > 0
	}
	r.body = r.body || te
	hostHeader := r.host
	if u.Host != "" {
		r.host = []byte(u.Host)
	}

	// conn.readRequest's checks, in its order.
	if r.major != 1 {
		return nil, &httpError{http.StatusHTTPVersionNotSupported, "unsupported protocol version"}
	}
	if r.minor >= 1 && r.hosts == 0 {
		return nil, &httpError{http.StatusBadRequest, "missing required Host header"}
	}
	if r.hosts == 1 {
		for _, c := range hostHeader {
			if !validHostByte(c) {
				return nil, &httpError{http.StatusBadRequest, "malformed Host header"}
			}
		}
	}
	if badName {
		return nil, &httpError{http.StatusBadRequest, "invalid header name"}
	}
	return r, nil
}

func firstOf(have, v []byte) []byte {
	if have != nil {
		return have
	}
	if v == nil {
		return []byte{}
	}
	return v
}

// wantsClose: the request asked for the connection to close after the response (net/http's shouldClose):
// HTTP/1.0 always does here (keep-alive for 1.0 is not offered), HTTP/1.1 with "Connection: close".
func (r *request) wantsClose() bool {
	if r.minor == 0 {
		return true
	}
	for _, c := range r.connection {
		if hasToken(c, "close") {
			return true
		}
	}
	return false
}
