package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/reactor-nats/reactor/config"
	"github.com/reactor-nats/reactor/reactor"
)

// The client port's TLS comes from the tls block or the --tls flags, with nats-server's keys and defaults:
// a certificate and key, a CA for client certificates, verify (mutual TLS) or verify_and_map, cipher
// suites, curve preferences, min_version, timeout (seconds) and handshake_first. A flag given on the
// command line wins over the block, key by key.

// tlsSettings are the TLS settings from the command line and the file, merged by tlsOptions.
type tlsSettings struct {
	enabled bool        // --tls, or a tls block in the file
	pos     *config.Pos // where the file's block is, for errors found when it is built
	block   tlsBlock    // the file's block, then the flags over it
	flags   tlsBlock    // --tlscert, --tlskey, --tlscacert, --tlsverify
}

// tlsBlock reads a tls block into options; certificate files are loaded by buildTLS.
type tlsBlock struct {
	cert, key, ca  string
	verify, mapped bool
	first          bool
	timeout        float64
	minVersion     uint16
	ciphers        []uint16
	curves         []tls.CurveID
}

// applyTLS is the tls key of the file.
func applyTLS(f *flags, v *config.Value, _ map[string]bool) error {
	b, err := parseTLSBlock(v)
	if err != nil {
		return err
	}
	f.tls.block, f.tls.enabled = *b, true
	pos := v.Pos
	f.tls.pos = &pos
	return nil
}

// tlsOptions merges the flags given on the command line over the file's block and loads the certificates.
// It returns nil when TLS is not configured.
func (t *tlsSettings) options(set map[string]bool) (*reactor.TLSOptions, error) {
	b := t.block
	if set["tlscert"] {
		b.cert = t.flags.cert
	}
	if set["tlskey"] {
		b.key = t.flags.key
	}
	if set["tlscacert"] {
		b.ca = t.flags.ca
	}
	if set["tlsverify"] {
		b.verify = t.flags.verify
	}
	if !t.enabled && !anySet(set, []string{"tls", "tlscert", "tlskey", "tlscacert", "tlsverify"}) {
		return nil, nil
	}
	o, err := b.build()
	if err != nil && t.pos != nil {
		return nil, &config.Error{Pos: *t.pos, Msg: err.Error()}
	}
	return o, err
}

func parseTLSBlock(v *config.Value) (*tlsBlock, error) {
	if v.Kind != config.KindMap {
		return nil, errors.New("want a block")
	}
	b := &tlsBlock{}
	for _, key := range v.Map.Keys {
		val := v.Map.Values[key]
		var err error
		switch strings.ToLower(key) {
		case "cert_file":
			b.cert, err = wantString(val)
		case "key_file":
			b.key, err = wantString(val)
		case "ca_file":
			b.ca, err = wantString(val)
		case "verify":
			b.verify, err = wantBool(val)
		case "verify_and_map":
			b.mapped, err = wantBool(val)
			b.verify = b.verify || b.mapped
		case "handshake_first", "first", "immediate":
			b.first, err = wantBool(val)
		case "timeout":
			b.timeout, err = wantSeconds(val)
		case "min_version":
			b.minVersion, err = parseTLSVersion(val)
		case "cipher_suites":
			b.ciphers, err = parseCiphers(val)
		case "curve_preferences":
			b.curves, err = parseCurves(val)
		default:
			return nil, &config.Error{Pos: v.Map.KeyPos[key], Msg: fmt.Sprintf("tls: %q is not supported yet", key)}
		}
		if err != nil {
			return nil, &config.Error{Pos: val.Pos, Msg: fmt.Sprintf("tls %s: %v", key, err)}
		}
	}
	return b, nil
}

// build loads the certificates and makes the options.
func (b *tlsBlock) build() (*reactor.TLSOptions, error) {
	switch {
	case b.cert == "":
		return nil, errors.New("missing 'cert_file' in TLS configuration")
	case b.key == "":
		return nil, errors.New("missing 'key_file' in TLS configuration")
	}
	cert, err := tls.LoadX509KeyPair(b.cert, b.key)
	if err != nil {
		return nil, fmt.Errorf("tls: error parsing X509 certificate/key pair: %w", err)
	}
	cfg := &tls.Config{
		Certificates:     []tls.Certificate{cert},
		MinVersion:       tls.VersionTLS12,
		CipherSuites:     b.ciphers,
		CurvePreferences: b.curves,
	}
	if b.minVersion != 0 {
		cfg.MinVersion = b.minVersion
	}
	if b.ca != "" {
		pem, err := os.ReadFile(b.ca)
		if err != nil {
			return nil, fmt.Errorf("tls: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls: failed to parse root ca certificate %s", b.ca)
		}
		cfg.ClientCAs = pool
	}
	if b.verify {
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	o := &reactor.TLSOptions{Config: cfg, HandshakeFirst: b.first, Verify: b.verify, VerifyAndMap: b.mapped}
	if b.timeout > 0 {
		o.Timeout = secondsDuration(b.timeout)
	}
	return o, nil
}

func parseTLSVersion(v *config.Value) (uint16, error) {
	s, err := wantString(v)
	if err != nil {
		return 0, err
	}
	switch s {
	case "1.2":
		return tls.VersionTLS12, nil
	case "1.3":
		return tls.VersionTLS13, nil
	}
	return 0, fmt.Errorf("unsupported TLS version %q (1.2 or 1.3)", s)
}

func parseCiphers(v *config.Value) ([]uint16, error) {
	names, err := wantStrings(v)
	if err != nil {
		return nil, err
	}
	byName := map[string]uint16{}
	for _, cs := range tls.CipherSuites() {
		byName[cs.Name] = cs.ID
	}
	var out []uint16
	for _, n := range names {
		id, ok := byName[n]
		if !ok {
			return nil, fmt.Errorf("unrecognized cipher %s", n)
		}
		out = append(out, id)
	}
	return out, nil
}

func parseCurves(v *config.Value) ([]tls.CurveID, error) {
	names, err := wantStrings(v)
	if err != nil {
		return nil, err
	}
	known := map[string]tls.CurveID{
		"X25519": tls.X25519, "CurveP256": tls.CurveP256, "CurveP384": tls.CurveP384, "CurveP521": tls.CurveP521,
		"X25519MLKEM768": tls.X25519MLKEM768,
	}
	var out []tls.CurveID
	for _, n := range names {
		id, ok := known[n]
		if !ok {
			return nil, fmt.Errorf("unrecognized curve preference %s", n)
		}
		out = append(out, id)
	}
	return out, nil
}

func wantString(v *config.Value) (string, error) {
	if v.Kind != config.KindString {
		return "", errors.New("want a string")
	}
	return v.Str, nil
}

func wantBool(v *config.Value) (bool, error) {
	if v.Kind != config.KindBool {
		return false, errors.New("want true or false")
	}
	return v.Bool, nil
}

func wantStrings(v *config.Value) ([]string, error) {
	if v.Kind != config.KindArray {
		return nil, errors.New("want a list of strings")
	}
	out := make([]string, 0, len(v.Array))
	for _, e := range v.Array {
		s, err := wantString(e)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// wantSeconds reads a number of seconds, whole or not, as nats-server's tls timeout.
func wantSeconds(v *config.Value) (float64, error) {
	switch v.Kind {
	case config.KindInt:
		return float64(v.Int), nil
	case config.KindFloat:
		return v.Float, nil
	}
	return 0, errors.New("want a number of seconds")
}

func secondsDuration(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
