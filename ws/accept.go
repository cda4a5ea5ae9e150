package ws

import (
	"crypto/fips140"
	"crypto/sha1"
	"encoding/base64"
)

// keyGUID is what RFC 6455 §1.3 appends to a client's key before hashing it.
const keyGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// appendAcceptKey appends the Sec-WebSocket-Accept value for key: base64(SHA-1(key + GUID)).
//
// SHA-1 is the protocol's, not a security choice, so it is computed outside FIPS 140 enforcement, as
// nats-server does.
func appendAcceptKey(dst, key []byte) []byte {
	var sum [sha1.Size]byte
	fips140.WithoutEnforcement(func() {
		h := sha1.New()
		h.Write(key)
		h.Write([]byte(keyGUID))
		h.Sum(sum[:0])
	})
	return base64.StdEncoding.AppendEncode(dst, sum[:])
}

// AcceptKey returns the Sec-WebSocket-Accept value a server must answer to key.
func AcceptKey(key string) string { return string(appendAcceptKey(nil, []byte(key))) }
