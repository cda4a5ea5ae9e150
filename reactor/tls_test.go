package reactor

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// testCA issues certificates for TLS tests, made fresh per test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newTestCA(t testing.TB) *testCA {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testCA{cert: cert, key: key, pool: pool}
}

// issue makes a leaf certificate for localhost/127.0.0.1 valid until notAfter.
func (ca *testCA) issue(t testing.TB, cn string, usage x509.ExtKeyUsage, notAfter time.Time) tls.Certificate {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-2 * time.Hour), NotAfter: notAfter,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func (ca *testCA) serverTLS(t testing.TB) *TLSOptions {
	cert := ca.issue(t, "server", x509.ExtKeyUsageServerAuth, time.Now().Add(time.Hour))
	return &TLSOptions{Config: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
}

func tlsConnect(t *testing.T, s *Server, cfg *tls.Config, opts ...nats.Option) (*nats.Conn, error) {
	t.Helper()
	nc, err := nats.Connect("tls://"+s.Addr(), append([]nats.Option{nats.Secure(cfg), nats.NoReconnect(),
		nats.Timeout(5 * time.Second)}, opts...)...)
	if err == nil {
		t.Cleanup(nc.Close)
	}
	return nc, err
}

func roundTrip(t *testing.T, nc *nats.Conn, size int) {
	t.Helper()
	sub, err := nc.SubscribeSync("tls.echo")
	if err != nil {
		t.Fatal(err)
	}
	payload := bytes.Repeat([]byte("z"), size)
	if err := nc.Publish("tls.echo", payload); err != nil {
		t.Fatal(err)
	}
	m, err := sub.NextMsg(5 * time.Second)
	if err != nil || !bytes.Equal(m.Data, payload) {
		t.Fatalf("round trip of %d bytes: %v", size, err)
	}
	sub.Unsubscribe()
}

func TestTLSClientsUpgradeAfterPlaintextInfo(t *testing.T) {
	ca := newTestCA(t)
	s := runServer(t, Options{TLS: ca.serverTLS(t)})

	rc, info := dialRaw(t, s)
	if !strings.Contains(info, `"tls_required":true`) {
		t.Fatalf("INFO: %s", info)
	}
	// A plaintext client on the TLS port is closed without a word, as by nats-server.
	rc.send(quiet + "PING\r\n")
	rc.expectClosed()

	a, err := tlsConnect(t, s, &tls.Config{RootCAs: ca.pool})
	if err != nil {
		t.Fatal(err)
	}
	b, err := tlsConnect(t, s, &tls.Config{RootCAs: ca.pool, MaxVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, a, 10)
	roundTrip(t, a, 1<<20) // many records each way
	// Across connections (and loops), TLS 1.3 to TLS 1.2.
	sub, _ := b.SubscribeSync("cross")
	b.Flush()
	for i := 0; i < 1000; i++ {
		a.Publish("cross", []byte("m"))
	}
	a.Flush()
	for i := 0; i < 1000; i++ {
		if _, err := sub.NextMsg(5 * time.Second); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if got := s.ClosedConns(); len(got) != 1 || got[0].Reason != "TLS Handshake Failure" {
		t.Fatalf("closed: %+v", got)
	}
}

func TestTLSRefusalsLeaveOthersAlone(t *testing.T) {
	ca, other := newTestCA(t), newTestCA(t)
	opts := ca.serverTLS(t)
	opts.Timeout = 300 * time.Millisecond
	s := runServer(t, Options{TLS: opts})
	good, err := tlsConnect(t, s, &tls.Config{RootCAs: ca.pool})
	if err != nil {
		t.Fatal(err)
	}
	// A client that does not trust the server's CA gives up; one that stalls mid-handshake is cut at the
	// timeout.
	if _, err := tlsConnect(t, s, &tls.Config{RootCAs: other.pool}); err == nil {
		t.Fatal("a client trusting another CA connected")
	}
	stalled, _ := dialRaw(t, s)
	stalled.send("\x16\x03\x01\x00\xff\x01") // the start of a ClientHello, and no more
	stalled.expectClosed()
	roundTrip(t, good, 100)
}

func TestTLSVerifyRequiresAClientCertificateFromTheCA(t *testing.T) {
	ca, other := newTestCA(t), newTestCA(t)
	opts := ca.serverTLS(t)
	opts.Config.ClientCAs = ca.pool
	opts.Config.ClientAuth = tls.RequireAndVerifyClientCert
	opts.Verify = true
	s := runServer(t, Options{TLS: opts})

	_, info := dialRaw(t, s)
	if !strings.Contains(info, `"tls_verify":true`) {
		t.Fatalf("INFO: %s", info)
	}
	clientCert := ca.issue(t, "alice", x509.ExtKeyUsageClientAuth, time.Now().Add(time.Hour))
	nc, err := tlsConnect(t, s, &tls.Config{RootCAs: ca.pool, Certificates: []tls.Certificate{clientCert}})
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, nc, 100)
	for name, cert := range map[string][]tls.Certificate{
		"no certificate":      nil,
		"another CA's":        {other.issue(t, "mallory", x509.ExtKeyUsageClientAuth, time.Now().Add(time.Hour))},
		"expired certificate": {ca.issue(t, "old", x509.ExtKeyUsageClientAuth, time.Now().Add(-time.Hour))},
	} {
		if c, err := tlsConnect(t, s, &tls.Config{RootCAs: ca.pool, Certificates: cert}); err == nil {
			// With TLS 1.3 the client learns of the refusal on its first read.
			if err := c.Flush(); err == nil {
				t.Fatalf("%s: admitted", name)
			}
		}
	}
	roundTrip(t, nc, 100)
}

func TestTLSHandshakeFirst(t *testing.T) {
	ca := newTestCA(t)
	opts := ca.serverTLS(t)
	opts.HandshakeFirst = true
	s := runServer(t, Options{TLS: opts})
	nc, err := tlsConnect(t, s, &tls.Config{RootCAs: ca.pool}, nats.TLSHandshakeFirst())
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, nc, 64<<10)
	// A client waiting for a plaintext INFO gets nothing and times out.
	if _, err := tlsConnect(t, s, &tls.Config{RootCAs: ca.pool}, nats.Timeout(500*time.Millisecond)); err == nil {
		t.Fatal("a client expecting a plaintext INFO connected to a handshake_first server")
	}
}

func TestTLSAllowNonTLSServesBoth(t *testing.T) {
	ca := newTestCA(t)
	opts := ca.serverTLS(t)
	opts.AllowNonTLS = true
	s := runServer(t, Options{TLS: opts})
	_, info := dialRaw(t, s)
	if !strings.Contains(info, `"tls_available":true`) || strings.Contains(info, "tls_required") {
		t.Fatalf("INFO: %s", info)
	}
	plain := connect(t, s)
	secure, err := tlsConnect(t, s, &tls.Config{RootCAs: ca.pool})
	if err != nil {
		t.Fatal(err)
	}
	sub, _ := plain.SubscribeSync("mixed")
	plain.Flush()
	secure.Publish("mixed", []byte("from TLS"))
	secure.Flush()
	if m, err := sub.NextMsg(5 * time.Second); err != nil || string(m.Data) != "from TLS" {
		t.Fatalf("TLS to plaintext: %v", err)
	}
}

func TestTLSVerifyAndMapNamesTheUser(t *testing.T) {
	ca := newTestCA(t)
	opts := ca.serverTLS(t)
	opts.Config.ClientCAs = ca.pool
	opts.Config.ClientAuth = tls.RequireAndVerifyClientCert
	opts.Verify, opts.VerifyAndMap = true, true
	s := authServer(t, `authorization { users: [
		{user: "CN=alice", permissions: {publish: "alice.>", subscribe: "alice.>"}}
		{user: "bob@example.com"}
	] }`, Options{TLS: opts})

	alice := ca.issue(t, "alice", x509.ExtKeyUsageClientAuth, time.Now().Add(time.Hour))
	nc, err := tlsConnect(t, s, &tls.Config{RootCAs: ca.pool, Certificates: []tls.Certificate{alice}})
	if err != nil {
		t.Fatal(err)
	}
	sub, _ := nc.SubscribeSync("alice.in")
	nc.Publish("alice.in", []byte("mine"))
	if _, err := sub.NextMsg(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if got := s.Conns(false); len(got) != 1 || got[0].User != "CN=alice" {
		t.Fatalf("connection's user: %+v", got)
	}
	// A certificate that names no configured user is refused, whatever the CONNECT says.
	carol := ca.issue(t, "carol", x509.ExtKeyUsageClientAuth, time.Now().Add(time.Hour))
	if c, err := tlsConnect(t, s, &tls.Config{RootCAs: ca.pool, Certificates: []tls.Certificate{carol}},
		nats.UserInfo("CN=alice", "")); err == nil {
		if err := c.Flush(); err == nil {
			t.Fatal("a certificate naming nobody was admitted")
		}
	}
}
