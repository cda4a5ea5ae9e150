package tlsconn

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"
)

// testPKI is generated once per test binary with crypto/x509: two CAs, and leaf certificates signed by them.
// ECDSA P-256 keeps generation and handshakes fast under the race detector.
type testPKI struct {
	roots      *x509.CertPool // trusts ca only
	server     tls.Certificate
	client     tls.Certificate // CN "alice", signed by ca
	expired    tls.Certificate // signed by ca, expired an hour ago
	otherCA    tls.Certificate // client certificate signed by an untrusted CA
	otherRoots *x509.CertPool  // trusts the other CA only
}

var (
	pkiOnce sync.Once
	pki     *testPKI
	pkiErr  error
)

func getPKI(t testing.TB) *testPKI {
	t.Helper()
	pkiOnce.Do(func() { pki, pkiErr = makePKI() })
	if pkiErr != nil {
		t.Fatal(pkiErr)
	}
	return pki
}

type authority struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newAuthority(name string) (*authority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &authority{cert: cert, key: key}, nil
}

var serial int64 = 100

func (a *authority) issue(cn string, usage x509.ExtKeyUsage, notAfter time.Time) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial++
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    notAfter.Add(-48 * time.Hour),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
	}
	if usage == x509.ExtKeyUsageServerAuth {
		tmpl.DNSNames = []string{"localhost"}
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, &key.PublicKey, a.key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

func makePKI() (*testPKI, error) {
	ca, err := newAuthority("tlsconn test CA")
	if err != nil {
		return nil, err
	}
	other, err := newAuthority("tlsconn untrusted CA")
	if err != nil {
		return nil, err
	}
	p := &testPKI{roots: x509.NewCertPool(), otherRoots: x509.NewCertPool()}
	p.roots.AddCert(ca.cert)
	p.otherRoots.AddCert(other.cert)
	valid := time.Now().Add(24 * time.Hour)
	if p.server, err = ca.issue("localhost", x509.ExtKeyUsageServerAuth, valid); err != nil {
		return nil, err
	}
	if p.client, err = ca.issue("alice", x509.ExtKeyUsageClientAuth, valid); err != nil {
		return nil, err
	}
	if p.expired, err = ca.issue("bob", x509.ExtKeyUsageClientAuth, time.Now().Add(-time.Hour)); err != nil {
		return nil, err
	}
	if p.otherCA, err = other.issue("mallory", x509.ExtKeyUsageClientAuth, valid); err != nil {
		return nil, err
	}
	return p, nil
}

// serverTLS is a server configuration limited to one TLS version (0: crypto/tls's defaults).
func (p *testPKI) serverTLS(version uint16) *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{p.server},
		MinVersion:   version,
		MaxVersion:   version,
	}
}

// mutualTLS is a server configuration that requires a client certificate signed by the test CA.
func (p *testPKI) mutualTLS(version uint16) *tls.Config {
	c := p.serverTLS(version)
	c.ClientAuth = tls.RequireAndVerifyClientCert
	c.ClientCAs = p.roots
	return c
}

// clientTLS is a client configuration trusting the test CA. With a certificate, the client sends it even
// when the server's CertificateRequest names other CAs (crypto/tls would otherwise send none).
func (p *testPKI) clientTLS(cert ...tls.Certificate) *tls.Config {
	c := &tls.Config{RootCAs: p.roots, ServerName: "localhost"}
	if len(cert) > 0 {
		c.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert[0], nil }
	}
	return c
}
