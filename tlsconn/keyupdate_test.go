package tlsconn

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash"
	"strings"
	"testing"
)

// TestKeyUpdateIsAnsweredThroughTakeOutput plays a TLS 1.3 client that sends a KeyUpdate asking for one in
// return. crypto/tls has no API to send one, so the test encrypts it itself with the client's traffic
// secret (from KeyLogWriter). The server session must process it inside ReadPlain, leave its own KeyUpdate
// in TakeOutput, and go on with new keys both ways.
func TestKeyUpdateIsAnsweredThroughTakeOutput(t *testing.T) {
	p := getPKI(t)
	serverPool, clientPool := newPools(t, 2)
	var keyLog bytes.Buffer
	clientTLS := p.clientTLS()
	clientTLS.KeyLogWriter = &keyLog
	l := newLink(t, &Config{TLS: p.serverTLS(tls.VersionTLS13)}, &Config{TLS: clientTLS},
		serverPool, clientPool, randomly)
	l.server.unsent = []byte("INFO {}\r\n")
	l.runUntil("handshake and first data", func() bool { return len(l.client.received) == 9 })

	suite := l.client.s.ConnectionState().CipherSuite
	secret := trafficSecret(t, keyLog.String(), "CLIENT_TRAFFIC_SECRET_0")
	sealer := newRecordSealer(t, suite, secret) // the client has sent no record under these keys: seq 0

	keyUpdate := []byte{24, 0, 0, 1, 1} // KeyUpdate, length 1, update_requested
	l.server.s.Feed(sealer.seal(0x16, keyUpdate))
	if n, err := l.server.s.ReadPlain(make([]byte, 100)); n != 0 || !errors.Is(err, ErrWouldBlock) {
		t.Fatalf("ReadPlain on a KeyUpdate: %d, %v", n, err)
	}
	answer := l.server.s.TakeOutput(nil)
	if len(answer) == 0 {
		t.Fatal("the server's KeyUpdate answer is not in TakeOutput")
	}

	// Server to client: the client takes the answer, switches keys, and reads what follows.
	wire, err := l.server.s.WritePlain(answer, []byte("after update"))
	if err != nil {
		t.Fatal(err)
	}
	l.client.s.Feed(wire)
	l.client.received = nil
	l.client.drain()
	if string(l.client.received) != "after update" || l.client.readErr != nil {
		t.Fatalf("client read %q, %v after the server's KeyUpdate", l.client.received, l.client.readErr)
	}

	// Client to server: the client's next keys (RFC 8446 §7.2), from sequence number 0 again.
	next := newRecordSealer(t, suite, expandLabel(suiteHash(t, suite), secret, "traffic upd", len(secret)))
	l.server.s.Feed(next.seal(0x17, []byte("PING\r\n")))
	buf := make([]byte, 100)
	n, err := l.server.s.ReadPlain(buf)
	if err != nil || string(buf[:n]) != "PING\r\n" {
		t.Fatalf("server read %q, %v under the client's new keys", buf[:n], err)
	}
}

// trafficSecret finds a secret in NSS key log lines: "LABEL <client random> <secret>".
func trafficSecret(t *testing.T, keyLog, label string) []byte {
	sc := bufio.NewScanner(strings.NewReader(keyLog))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[0] == label {
			secret, err := hex.DecodeString(f[2])
			if err != nil {
				t.Fatal(err)
			}
			return secret
		}
	}
	t.Fatalf("no %s in the key log", label)
	return nil
}

func suiteHash(t *testing.T, suite uint16) func() hash.Hash {
	switch suite {
	case tls.TLS_AES_128_GCM_SHA256:
		return sha256.New
	case tls.TLS_AES_256_GCM_SHA384:
		return sha512.New384
	}
	t.Skipf("cipher suite %s: this test only implements AES-GCM records", tls.CipherSuiteName(suite))
	return nil
}

// expandLabel is HKDF-Expand-Label (RFC 8446 §7.1) with an empty context.
func expandLabel(h func() hash.Hash, secret []byte, label string, length int) []byte {
	info := binary.BigEndian.AppendUint16(nil, uint16(length))
	info = append(info, byte(len("tls13 ")+len(label)))
	info = append(info, "tls13 "+label...)
	info = append(info, 0)
	out, err := hkdf.Expand(h, secret, string(info), length)
	if err != nil {
		panic(err)
	}
	return out
}

// recordSealer writes TLS 1.3 records under one traffic secret (RFC 8446 §5.2, §5.3).
type recordSealer struct {
	aead cipher.AEAD
	iv   []byte
	seq  uint64
}

func newRecordSealer(t *testing.T, suite uint16, secret []byte) *recordSealer {
	h := suiteHash(t, suite)
	keyLen := 16
	if suite == tls.TLS_AES_256_GCM_SHA384 {
		keyLen = 32
	}
	block, err := aes.NewCipher(expandLabel(h, secret, "key", keyLen))
	if err != nil {
		t.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	return &recordSealer{aead: aead, iv: expandLabel(h, secret, "iv", 12)}
}

func (r *recordSealer) seal(contentType byte, content []byte) []byte {
	inner := append(append([]byte(nil), content...), contentType)
	header := []byte{0x17, 3, 3, 0, 0}
	binary.BigEndian.PutUint16(header[3:], uint16(len(inner)+r.aead.Overhead()))
	nonce := append([]byte(nil), r.iv...)
	for i := range 8 {
		nonce[len(nonce)-1-i] ^= byte(r.seq >> (8 * i))
	}
	r.seq++
	return r.aead.Seal(append([]byte(nil), header...), nonce, inner, header)
}
