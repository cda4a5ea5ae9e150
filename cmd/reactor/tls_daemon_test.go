package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// These tests run the daemon with TLS on the client port, configured by a tls block and by the --tls
// flags, and use it as a user would: the nats CLI with --tlsca (and --tlscert/--tlskey for mutual TLS),
// nats.go, and a plaintext client speaking the protocol by hand. Every scenario runs against nats-server
// too, with the same file or flags: nats-server's outcome must be the one the table expects, so that a
// scenario that went wrong on both alike does not pass, and reactor's must be nats-server's.

// tlsFiles are a CA, a server certificate and client certificates, written as PEM into a test's temporary
// directory, made fresh for each test.
type tlsFiles struct {
	ca                        string // the CA's certificate
	cert, key                 string // the server's, for 127.0.0.1 and localhost
	clientCert, clientKey     string // a client's, from the CA
	strangerCert, strangerKey string // a client's, from another CA
	pool                      *x509.CertPool
}

func newTLSFiles(t *testing.T) *tlsFiles {
	t.Helper()
	dir := t.TempDir()
	ca, other := newPEMAuthority(t, "reactor test CA"), newPEMAuthority(t, "another CA")
	f := &tlsFiles{ca: writeFile(t, filepath.Join(dir, "ca.pem"), ca.certPEM), pool: x509.NewCertPool()}
	f.pool.AddCert(ca.cert)
	f.cert, f.key = ca.issue(t, dir, "server", x509.ExtKeyUsageServerAuth)
	f.clientCert, f.clientKey = ca.issue(t, dir, "client", x509.ExtKeyUsageClientAuth)
	f.strangerCert, f.strangerKey = other.issue(t, dir, "stranger", x509.ExtKeyUsageClientAuth)
	return f
}

// pemAuthority is a CA that writes the certificates it issues, and their keys, as PEM files.
type pemAuthority struct {
	cert    *x509.Certificate
	certPEM []byte
	key     *ecdsa.PrivateKey
}

func newPEMAuthority(t *testing.T, name string) *pemAuthority {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &pemAuthority{cert: cert, certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), key: key}
}

// issue writes a certificate for 127.0.0.1 and localhost, and its key, into dir as name.pem and name-key.pem.
func (a *pemAuthority) issue(t *testing.T, dir, name string, usage x509.ExtKeyUsage) (certPath, keyPath string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, &key.PublicKey, a.key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPath = writeFile(t, filepath.Join(dir, name+".pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	keyPath = writeFile(t, filepath.Join(dir, name+"-key.pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
	return certPath, keyPath
}

// clientTLS is a nats.go option trusting the CA, presenting the client certificate when mutual is set.
func (f *tlsFiles) clientTLS(t *testing.T, mutual bool) nats.Option {
	t.Helper()
	cfg := &tls.Config{RootCAs: f.pool}
	if mutual {
		cert, err := tls.LoadX509KeyPair(f.clientCert, f.clientKey)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return nats.Secure(cfg)
}

// tlsServerCase is one way of configuring TLS, applied alike to reactor and nats-server, and what the
// nats CLI and other clients get from nats-server configured so.
type tlsServerCase struct {
	name   string
	args   func(t *testing.T, f *tlsFiles) []string // the server's arguments past -a and -p
	mutual bool                                     // clients must present a certificate from the CA
	want   []string                                 // nats-server's outcomes, in tlsClientOutcomes' order
}

// Outcomes every case shares.
const (
	tlsWorks      = "sub got: over TLS; request got: the answer"
	untrustedCLI  = "without --tlsca: nats: error: nats: tls error: tls: failed to verify certificate: x509: certificate signed by unknown authority"
	untrustedGo   = "nats.go without TLS options: nats: tls error: tls: failed to verify certificate: x509: certificate signed by unknown authority"
	plaintextShut = "plaintext client: INFO with tls_required; closed without a word"
	noClientCert  = "without a client certificate: " + certificateRefused
	// The CLI does not offer a certificate that the server's CA did not sign: it is refused as if it had none.
	strangerCert   = "with another CA's client certificate: " + certificateRefused
	tlsCaseTimeout = 2 // seconds: the tls block's handshake timeout
)

func tlsServerCases() []tlsServerCase {
	block := func(f *tlsFiles, extra string) string {
		return fmt.Sprintf("tls {\n  cert_file: %q\n  key_file: %q\n  timeout: %d\n%s}\n", f.cert, f.key, tlsCaseTimeout, extra)
	}
	return []tlsServerCase{{
		name: "tls block",
		args: func(t *testing.T, f *tlsFiles) []string { return []string{"-c", writeConfigIn(t, f, block(f, ""))} },
		want: []string{tlsWorks, untrustedCLI, untrustedGo, plaintextShut},
	}, {
		name: "tls block with verify",
		args: func(t *testing.T, f *tlsFiles) []string {
			return []string{"-c", writeConfigIn(t, f, block(f, fmt.Sprintf("  ca_file: %q\n  verify: true\n", f.ca)))}
		},
		mutual: true,
		want:   []string{tlsWorks, untrustedCLI, noClientCert, strangerCert, untrustedGo, plaintextShut},
	}, {
		name: "--tls flags",
		args: func(t *testing.T, f *tlsFiles) []string {
			return []string{"--tls", "--tlscert", f.cert, "--tlskey", f.key}
		},
		want: []string{tlsWorks, untrustedCLI, untrustedGo, plaintextShut},
	}, {
		name: "--tlsverify flags",
		args: func(t *testing.T, f *tlsFiles) []string {
			return []string{"--tls", "--tlscert", f.cert, "--tlskey", f.key, "--tlsverify", "--tlscacert", f.ca}
		},
		mutual: true,
		want:   []string{tlsWorks, untrustedCLI, noClientCert, strangerCert, untrustedGo, plaintextShut},
	}}
}

// certificateRefused is how the CLI reports a server refusing its certificate. With TLS 1.3 the client
// has finished its side of the handshake and is writing CONNECT when the server's alert and close arrive,
// so it reports either the alert ("remote error: tls: certificate required") or a write to the closed
// connection ("connection closed by remote after TLS handshake ... broken pipe"), by a race that goes
// both ways with nats-server too.
const certificateRefused = "refused the certificate after the handshake"

// writeConfigIn writes a configuration file beside the certificates it names.
func writeConfigIn(t *testing.T, f *tlsFiles, text string) string {
	return writeFile(t, filepath.Join(filepath.Dir(f.ca), "tls.conf"), []byte(text))
}

func TestTLSClientsAsOnNatsServer(t *testing.T) {
	natsCLI(t)
	for _, c := range tlsServerCases() {
		for _, server := range serverBinaries {
			t.Run(c.name+"/"+server.name, func(t *testing.T) {
				f := newTLSFiles(t)
				d := startDaemonBinary(t, server.bin(t), c.args(t, f)...)
				got := tlsClientOutcomes(t, d, f, c.mutual)
				if server.name == "nats-server" {
					if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
						t.Fatalf("nats-server:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(c.want, "\n     "))
					}
					return
				}
				if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
					t.Fatalf("reactor:\n got %s\nnats-server gives %s", strings.Join(got, "\n     "), strings.Join(c.want, "\n     "))
				}
			})
		}
	}
}

// tlsClientOutcomes runs the clients against d and says what each observed: the CLI's pub, sub, request
// and reply with the right TLS flags, the CLI's refusals with wrong ones, nats.go without TLS options,
// and a client that answers the INFO in plaintext.
func tlsClientOutcomes(t *testing.T, d *daemon, f *tlsFiles, mutual bool) []string {
	t.Helper()
	right := []string{"--tlsca", f.ca}
	if mutual {
		right = append(right, "--tlscert", f.clientCert, "--tlskey", f.clientKey)
	}
	with := func(flags []string, args ...string) []string { return append(append([]string{}, flags...), args...) }
	probe := f.clientTLS(t, mutual)

	// The interest probe is the subscriber's first message of two, and gets the replier's first answer.
	var worked []string
	wait := d.natsBackground(t, "Subscribing on", with(right, "sub", "tls.cli", "--count", "2")...)
	d.waitForInterest(t, "tls.cli", probe)
	d.nats(t, with(right, "pub", "tls.cli", "over TLS")...)
	if out := wait(); strings.Contains(out, "over TLS") {
		worked = append(worked, "sub got: over TLS")
	} else {
		t.Logf("nats sub output:\n%s", out)
	}
	wait = d.natsBackground(t, "Listening on", with(right, "reply", "tls.svc", "the answer", "--count", "2")...)
	d.waitForInterest(t, "tls.svc", probe)
	if out := d.nats(t, with(right, "request", "tls.svc", "the question")...); strings.Contains(out, "the answer") {
		worked = append(worked, "request got: the answer")
	} else {
		t.Logf("nats request output:\n%s", out)
	}
	if out := wait(); !strings.Contains(out, "the question") {
		t.Errorf("nats reply output:\n%s", out)
	}
	outcomes := []string{strings.Join(worked, "; ")}

	type refusal struct {
		name  string
		flags []string
	}
	refusals := []refusal{{"without --tlsca", nil}}
	if mutual {
		refusals = append(refusals, refusal{"without a client certificate", []string{"--tlsca", f.ca}},
			refusal{"with another CA's client certificate", []string{"--tlsca", f.ca, "--tlscert", f.strangerCert, "--tlskey", f.strangerKey}})
	}
	for _, r := range refusals {
		out, err := d.natsResult(t, with(r.flags, "pub", "tls.cli", "refused")...)
		line := cliErrorLine(out, err)
		if strings.Contains(line, "remote error: tls: certificate required") ||
			strings.Contains(line, "connection closed by remote after TLS handshake") {
			line = certificateRefused
		}
		outcomes = append(outcomes, fmt.Sprintf("%s: %s", r.name, line))
	}

	if nc, err := nats.Connect(d.url, nats.NoReconnect(), nats.Timeout(5*time.Second)); err != nil {
		outcomes = append(outcomes, "nats.go without TLS options: "+err.Error())
	} else {
		nc.Close()
		outcomes = append(outcomes, "nats.go without TLS options: connected")
	}
	return append(outcomes, plaintextOutcome(t, d))
}

// cliErrorLine is the CLI's error line, or what happened instead.
func cliErrorLine(out string, err error) string {
	if err == nil {
		return "succeeded"
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "nats: error:") {
			return strings.TrimSpace(line)
		}
	}
	return fmt.Sprintf("%v: %q", err, out)
}

// plaintextOutcome answers the server's INFO with a plaintext CONNECT and PING, as a client that ignores
// tls_required would, and says what it got back.
func plaintextOutcome(t *testing.T, d *daemon) string {
	t.Helper()
	rc := dialRaw(t, daemonPort(t, d))
	info := rc.line(t)
	required := "without tls_required"
	if strings.Contains(info, `"tls_required":true`) {
		required = "with tls_required"
	}
	rc.send(t, "CONNECT {\"verbose\":false}\r\nPING\r\n")
	got, closed := readUntilClosed(rc, 5*time.Second)
	switch {
	case !closed:
		return fmt.Sprintf("plaintext client: INFO %s; still open after 5s, got %q", required, got)
	case len(got) == 0:
		return fmt.Sprintf("plaintext client: INFO %s; closed without a word", required)
	}
	return fmt.Sprintf("plaintext client: INFO %s; got %q", required, got)
}

// readUntilClosed reads lines until the server closes the connection (EOF or reset), and says whether it
// did within limit.
func readUntilClosed(rc *rawConn, limit time.Duration) (lines []string, closed bool) {
	_ = rc.conn.SetReadDeadline(time.Now().Add(limit))
	for {
		line, err := rc.in.ReadString('\n')
		if line != "" {
			lines = append(lines, strings.TrimRight(line, "\r\n"))
		}
		if err != nil {
			var ne net.Error
			return lines, !(errors.As(err, &ne) && ne.Timeout())
		}
	}
}

// TestTLSHandshakeTimeoutAsOnNatsServer: a client that starts a handshake and stalls is closed once the
// tls block's timeout has passed, and not before.
func TestTLSHandshakeTimeoutAsOnNatsServer(t *testing.T) {
	for _, server := range serverBinaries {
		t.Run(server.name, func(t *testing.T) {
			f := newTLSFiles(t)
			conf := writeConfigIn(t, f, fmt.Sprintf("tls {\n  cert_file: %q\n  key_file: %q\n  timeout: 0.5\n}\n", f.cert, f.key))
			d := startDaemonBinary(t, server.bin(t), "-c", conf)
			rc := dialRaw(t, daemonPort(t, d))
			if info := rc.line(t); !strings.Contains(info, `"tls_required":true`) {
				t.Fatalf("INFO: %s", info)
			}
			start := time.Now()
			rc.send(t, "\x16\x03\x01\x00\xff\x01") // the start of a ClientHello, and no more
			got, closed := readUntilClosed(rc, 10*time.Second)
			if took := time.Since(start); !closed || took < 400*time.Millisecond {
				t.Fatalf("closed %v after %v, got %q; want closed at the 0.5s timeout", closed, took, got)
			}
		})
	}
}

func daemonPort(t *testing.T, d *daemon) int {
	t.Helper()
	u, err := url.Parse(d.url)
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// TestTLSHandshakeFirstAsOnNatsServer: with handshake_first the server waits for a TLS handshake before it
// sends INFO. nats.go with TLSHandshakeFirst and the CLI with --tlsfirst get through; a nats.go client
// waiting for a plaintext INFO gets none and gives up.
func TestTLSHandshakeFirstAsOnNatsServer(t *testing.T) {
	natsCLI(t)
	want := []string{
		"nats.go handshake first: got over TLS first",
		"nats request --tlsfirst: got the answer",
		"nats.go expecting INFO: i/o timeout",
	}
	for _, server := range serverBinaries {
		t.Run(server.name, func(t *testing.T) {
			f := newTLSFiles(t)
			conf := writeConfigIn(t, f, fmt.Sprintf("tls {\n  cert_file: %q\n  key_file: %q\n  handshake_first: true\n  timeout: %d\n}\n",
				f.cert, f.key, tlsCaseTimeout))
			d := startDaemonBinary(t, server.bin(t), "-c", conf)
			got := handshakeFirstOutcomes(t, d, f)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("%s:\n got %s\nwant %s", server.name, strings.Join(got, "\n     "), strings.Join(want, "\n     "))
			}
		})
	}
}

func handshakeFirstOutcomes(t *testing.T, d *daemon, f *tlsFiles) []string {
	t.Helper()
	var outcomes []string
	nc, err := nats.Connect(d.url, f.clientTLS(t, false), nats.TLSHandshakeFirst(), nats.NoReconnect(),
		nats.Timeout(5*time.Second))
	if err != nil {
		outcomes = append(outcomes, "nats.go handshake first: "+err.Error())
	} else {
		defer nc.Close()
		sub, err := nc.SubscribeSync("tls.first")
		if err == nil {
			err = nc.Publish("tls.first", []byte("over TLS first"))
		}
		var m *nats.Msg
		if err == nil {
			m, err = sub.NextMsg(5 * time.Second)
		}
		if err != nil {
			outcomes = append(outcomes, "nats.go handshake first: "+err.Error())
		} else {
			outcomes = append(outcomes, "nats.go handshake first: got "+string(m.Data))
		}
		// The CLI's request is answered by this connection.
		if _, err := nc.Subscribe("tls.first.svc", func(m *nats.Msg) { _ = m.Respond([]byte("the answer")) }); err != nil {
			t.Fatal(err)
		}
		if err := nc.Flush(); err != nil {
			t.Fatal(err)
		}
		out, err := d.natsResult(t, "--tlsca", f.ca, "--tlsfirst", "request", "tls.first.svc", "the question")
		if err == nil && strings.Contains(out, "the answer") {
			outcomes = append(outcomes, "nats request --tlsfirst: got the answer")
		} else {
			outcomes = append(outcomes, "nats request --tlsfirst: "+cliErrorLine(out, err))
		}
	}
	// Well inside the server's handshake timeout, so that the client's own timeout is what it reports.
	if nc, err := nats.Connect(d.url, f.clientTLS(t, false), nats.NoReconnect(), nats.Timeout(500*time.Millisecond)); err != nil {
		if strings.Contains(err.Error(), "i/o timeout") { // "read tcp <addresses>: i/o timeout"
			outcomes = append(outcomes, "nats.go expecting INFO: i/o timeout")
		} else {
			outcomes = append(outcomes, "nats.go expecting INFO: "+err.Error())
		}
	} else {
		nc.Close()
		outcomes = append(outcomes, "nats.go expecting INFO: connected")
	}
	return outcomes
}

// TestCheckConfigRefusesBadTLSAsNatsServer: -t refuses a tls block that nats-server refuses, with the same
// exit code, naming what is wrong; and passes the good block, as nats-server does.
func TestCheckConfigRefusesBadTLSAsNatsServer(t *testing.T) {
	f := newTLSFiles(t)
	missingKey := filepath.Join(filepath.Dir(f.ca), "missing-key.pem")
	for _, c := range []struct {
		name  string
		block string
		names string // what both outputs mention; "" when the file is valid
	}{
		{"valid", fmt.Sprintf("cert_file: %q\n  key_file: %q\n  ca_file: %q\n  verify: true\n  timeout: 2", f.cert, f.key, f.ca), ""},
		{"missing key file", fmt.Sprintf("cert_file: %q\n  key_file: %q", f.cert, missingKey), "missing-key.pem"},
		{"bad min_version", fmt.Sprintf("cert_file: %q\n  key_file: %q\n  min_version: \"1.1\"", f.cert, f.key), "1.1"},
		{"unknown cipher", fmt.Sprintf("cert_file: %q\n  key_file: %q\n  cipher_suites: [\"TLS_NO_SUCH_CIPHER\"]", f.cert, f.key), "TLS_NO_SUCH_CIPHER"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := writeConfig(t, "tls {\n  "+c.block+"\n}\n")
			codes := map[string]int{}
			for _, server := range serverBinaries {
				out, err := exec.Command(server.bin(t), "-c", path, "-t").CombinedOutput()
				codes[server.name] = exitCode(t, err)
				switch {
				case c.names == "" && (err != nil || !strings.Contains(string(out), "is valid")):
					t.Errorf("%s -t: %v\n%s", server.name, err, out)
				case c.names != "" && (err == nil || !strings.Contains(string(out), c.names)):
					t.Errorf("%s -t: %v, want a refusal naming %q\n%s", server.name, err, c.names, out)
				}
			}
			if codes["reactor"] != codes["nats-server"] {
				t.Errorf("exit code: reactor %d, nats-server %d", codes["reactor"], codes["nats-server"])
			}
		})
	}
}

// exitCode is a finished command's exit code from its error.
func exitCode(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	ee, ok := err.(*exec.ExitError)
	if !ok {
		t.Fatal(err)
	}
	return ee.ExitCode()
}
