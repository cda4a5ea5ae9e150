package bench

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// TLS rows and TLS idle connections need both servers to serve TLS with the same certificate, so that
// they do the same cryptographic work: an ECDSA P-256 server certificate for 127.0.0.1, issued by a CA
// made for the run. Nothing of it is kept: the files live in a temporary directory that the caller
// removes, and the keys are never written anywhere else.

// TLSFiles are one run's CA and server certificate, as PEM files in Dir.
type TLSFiles struct {
	Dir       string // temporary; Remove deletes it
	CA        string // the CA's certificate, which clients trust
	Cert, Key string // the server's certificate and key

	pool *x509.CertPool
}

// GenerateTLS makes a CA and a server certificate for 127.0.0.1 and localhost, valid for a day, and
// writes them into a new temporary directory.
func GenerateTLS() (*TLSFiles, error) {
	dir, err := os.MkdirTemp("", "bench-tls-")
	if err != nil {
		return nil, err
	}
	f := &TLSFiles{Dir: dir, CA: filepath.Join(dir, "ca.pem"), Cert: filepath.Join(dir, "server.pem"),
		Key: filepath.Join(dir, "server-key.pem"), pool: x509.NewCertPool()}
	if err := f.generate(); err != nil {
		f.Remove()
		return nil, fmt.Errorf("generate TLS certificates: %w", err)
	}
	return f, nil
}

func (f *TLSFiles) generate() error {
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	caTemplate := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "bench CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return err
	}
	f.pool.AddCert(ca)

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "bench server"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, ca, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	for path, block := range map[string]*pem.Block{
		f.CA:   {Type: "CERTIFICATE", Bytes: caDER},
		f.Cert: {Type: "CERTIFICATE", Bytes: der},
		f.Key:  {Type: "PRIVATE KEY", Bytes: keyDER},
	} {
		if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// LoadTLSFiles reads the CA of files GenerateTLS wrote, for a process that did not generate them (a
// bench/conns worker).
func LoadTLSFiles(caPath string) (*TLSFiles, error) {
	data, err := os.ReadFile(caPath)
	if err != nil {
		return nil, err
	}
	f := &TLSFiles{CA: caPath, pool: x509.NewCertPool()}
	if !f.pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("%s: no certificate", caPath)
	}
	return f, nil
}

// ServerArgs are the command-line flags, the same for reactor and nats-server, that serve TLS with the
// certificate: the INFO goes out in plaintext with tls_required, then the client upgrades.
func (f *TLSFiles) ServerArgs() []string {
	return []string{"--tls", "--tlscert", f.Cert, "--tlskey", f.Key}
}

// ClientConfig trusts the CA and nothing else; each call returns a fresh copy.
func (f *TLSFiles) ClientConfig() *tls.Config {
	return &tls.Config{RootCAs: f.pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

// Start starts a server with start (StartReactor or StartNatsServer) serving TLS with the certificate,
// and makes its clients trust it.
func (f *TLSFiles) Start(start func(bin string, extraArgs ...string) (*Server, error), bin string) (*Server, error) {
	s, err := start(bin, f.ServerArgs()...)
	if err != nil {
		return nil, err
	}
	s.TLS = f.ClientConfig()
	return s, nil
}

// Remove deletes the files.
func (f *TLSFiles) Remove() {
	if f.Dir != "" {
		os.RemoveAll(f.Dir)
	}
}
