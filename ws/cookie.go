package ws

import "bytes"

// Cookies carry credentials for browser clients, which cannot set headers on a WebSocket: nats-server
// reads the cookies its websocket block names (jwt_cookie, username_cookie, password_cookie,
// token_cookie) as if the client had sent them in CONNECT.

// maxCookies is net/http's limit on the cookies of one request (httpcookiemaxnum): past it, none are read.
const maxCookies = 3000

// cookieValue returns the value of the cookie named name in the request's Cookie header lines, or "".
// It reads cookies as net/http's Request.Cookies does, and as nats-server, keeps the last of several
// cookies with the name.
func cookieValue(lines [][]byte, name string) string {
	if name == "" {
		return ""
	}
	count := 0
	for _, l := range lines {
		count += bytes.Count(l, []byte(";")) + 1
	}
	if count > maxCookies {
		return ""
	}
	var val []byte
	found := false
	for _, line := range lines {
		line = trimOWS(line)
		for len(line) > 0 {
			part := line
			if i := bytes.IndexByte(line, ';'); i >= 0 {
				part, line = line[:i], line[i+1:]
			} else {
				line = nil
			}
			part = trimOWS(part)
			n, v, _ := bytes.Cut(part, []byte("="))
			n = trimOWS(n)
			if !isToken(n) || string(n) != name {
				continue
			}
			if len(v) > 1 && v[0] == '"' && v[len(v)-1] == '"' {
				v = v[1 : len(v)-1]
			}
			if validCookieValue(v) {
				val, found = v, true
			}
		}
	}
	if !found {
		return ""
	}
	return string(val)
}

func validCookieValue(v []byte) bool {
	for _, b := range v {
		if b < 0x20 || b >= 0x7F || b == '"' || b == ';' || b == '\\' {
			return false
		}
	}
	return true
}
