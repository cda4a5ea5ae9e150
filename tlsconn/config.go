package tlsconn

import (
	"crypto/tls"
	"time"
)

// DefaultHandshakeTimeout is nats-server's default tls { timeout }: 2 seconds.
const DefaultHandshakeTimeout = 2 * time.Second

// maxHandshakeInput bounds the ciphertext a session takes during its handshake that crypto/tls has not read
// yet. A handshake never needs more to make progress: crypto/tls accepts a ClientHello of up to 64 KiB
// (maxHandshake) and a Certificate message of up to 256 KiB (maxHandshakeCertificateMsg), both in
// crypto/tls/common.go, and reads the flights in order. So what lies beyond the bound is application data
// sent after the client's Finished, which can wait outside the session until the handshake is over.
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
