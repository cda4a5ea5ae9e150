package ws

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strconv"
)

// The client side: what a client sends and how it checks the server's answer. The server never needs
// these; tests, benchmarks and fuzzing use them to speak to a server (this package's or nats-server), as
// nats.go and nats.ws do.

// ClientRequest describes an opening handshake request.
type ClientRequest struct {
	Host      string // Host header; required
	Path      string // request target; "/" when empty
	Key       string // Sec-WebSocket-Key; NewKey gives one
	Origin    string // Origin, if any (a browser always sends one)
	Compress  bool   // offer permessage-deflate with both no_context_takeover parameters, as nats.go does
	NoMasking bool   // Nats-No-Masking: true
	Protocols string // Sec-WebSocket-Protocol, if any
	Header    string // extra header lines, each ending in \r\n
}

// NewKey returns a random Sec-WebSocket-Key: 16 random bytes in base64.
func NewKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}

// AppendClientRequest appends the request r describes.
func AppendClientRequest(dst []byte, r ClientRequest) []byte {
	path := r.Path
	if path == "" {
		path = "/"
	}
	dst = append(dst, "GET "...)
	dst = append(dst, path...)
	dst = append(dst, " HTTP/1.1\r\nHost: "...)
	dst = append(dst, r.Host...)
	dst = append(dst, "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "...)
	dst = append(dst, r.Key...)
	dst = append(dst, "\r\nSec-WebSocket-Version: 13\r\n"...)
	if r.Origin != "" {
		dst = append(dst, "Origin: "+r.Origin+"\r\n"...)
	}
	if r.Compress {
		dst = append(dst, "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n"...)
	}
	if r.NoMasking {
		dst = append(dst, "Nats-No-Masking: true\r\n"...)
	}
	if r.Protocols != "" {
		dst = append(dst, "Sec-WebSocket-Protocol: "+r.Protocols+"\r\n"...)
	}
	dst = append(dst, r.Header...)
	return append(dst, "\r\n"...)
}

// ServerResponse is a server's answer to an opening handshake.
type ServerResponse struct {
	Status    int    // 101 when upgraded
	Compress  bool   // permessage-deflate accepted
	NoMasking bool   // Nats-No-Masking: true granted
	Protocol  string // Sec-WebSocket-Protocol chosen
}

// ParseServerResponse reads the response head at the start of in, checking a 101 as nats.go does:
// Upgrade websocket, Connection upgrade, the accept value for key, and both no_context_takeover
// parameters if deflate was accepted. n is 0 while the head has not all arrived; the frames that follow
// it start at in[n:]. A refusal (any other status) is returned with a nil error: its body, if any, is not
// read.
func ParseServerResponse(in []byte, key string) (n int, r ServerResponse, err error) {
	n = httpHeadLen(in)
	if n == 0 {
		return 0, r, nil
	}
	line, rest := cutLine(in[:n])
	_, after, _ := bytes.Cut(line, []byte(" "))
	code, _, _ := bytes.Cut(after, []byte(" "))
	if r.Status, err = strconv.Atoi(string(code)); err != nil {
		return n, r, errors.New("websocket: malformed status line " + strconv.Quote(string(line)))
	}
	var upgrade, connection, accept bool
	var noCtx int
	for {
		line, rest = cutLine(rest)
		if len(line) == 0 {
			break
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		value = trimOWS(value)
		switch {
		case headerIs(name, "Upgrade"):
			upgrade = bytes.EqualFold(value, []byte("websocket"))
		case headerIs(name, "Connection"):
			connection = bytes.EqualFold(value, []byte("upgrade"))
		case headerIs(name, "Sec-WebSocket-Accept"):
			accept = string(value) == AcceptKey(key)
		case headerIs(name, "Sec-WebSocket-Extensions"):
			for _, p := range bytes.Split(value, []byte(";")) {
				switch p = trimOWS(p); {
				case bytes.EqualFold(p, []byte("permessage-deflate")):
					r.Compress = true
				case bytes.EqualFold(p, []byte("server_no_context_takeover")),
					bytes.EqualFold(p, []byte("client_no_context_takeover")):
					noCtx++
				}
			}
		case headerIs(name, "Nats-No-Masking"):
			r.NoMasking = string(value) == "true"
		case headerIs(name, "Sec-WebSocket-Protocol"):
			r.Protocol = string(value)
		}
	}
	if r.Status != 101 {
		return n, r, nil
	}
	if !upgrade || !connection || !accept {
		return n, r, errors.New("websocket: invalid websocket connection")
	}
	if r.Compress && noCtx < 2 {
		return n, r, errors.New("websocket: compression negotiation error")
	}
	return n, r, nil
}

// AppendMaskedFrame appends one frame as a client sends it: masked with key (RFC 6455 §5.3). compressed
// sets RSV1, for the first frame of a compressed message (see Deflate). Control frames may be built with
// it too; it does not check them, so that tests can build invalid ones.
func AppendMaskedFrame(dst []byte, op Opcode, fin, compressed bool, key [4]byte, payload []byte) []byte {
	start := len(dst)
	dst = AppendHeader(dst, op, fin, compressed, len(payload))
	dst[start+1] |= bitMask
	dst = append(dst, key[:]...)
	at := len(dst)
	dst = append(dst, payload...)
	mask(binary.LittleEndian.Uint32(key[:]), dst[at:])
	return dst
}
