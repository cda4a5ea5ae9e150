package tlsconn

import (
	"crypto/tls"
	"time"
)

// DefaultHandshakeTimeout is nats-server's default tls { timeout }: 2 seconds.
const DefaultHandshakeTimeout = 2 * time.Second

// maxHandshakeInput bounds the ciphertext a session buffers during its handshake that crypto/tls has not
// read yet. It is reached only by a peer that keeps sending while its handshake waits for a worker slot or
// after it failed. crypto/tls accepts a Certificate message of up to 256 KiB (maxHandshakeCertificateMsg in
// crypto/tls/common.go), so the bound leaves room for that plus its record headers.
const maxHandshakeInput = 512 << 10

// Config is shared, read-only, by every session made from it.
type Config struct {
	// TLS is used as given (never cloned or modified). Its callbacks (GetCertificate, GetConfigForClient,
	// VerifyPeerCertificate, ...) run on the handshake goroutine, never on a loop.
	TLS *tls.Config

	// HandshakeTimeout bounds a handshake from Start to its end, time spent waiting for a worker slot
	// included. Zero means DefaultHandshakeTimeout.
	HandshakeTimeout time.Duration
}

func (c *Config) handshakeTimeout() time.Duration {
	if c.HandshakeTimeout > 0 {
		return c.HandshakeTimeout
	}
	return DefaultHandshakeTimeout
}
