package auth

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/jwt/v2"
)

// fullResolverConfig is operator mode with a FULL resolver in dir.
func fullResolverConfig(t *testing.T, chain *trustChain, dir string) *Config {
	t.Helper()
	cfg, err := FromConfig(parseConf(t, "operator: "+chain.opJWT+"\nresolver: { type: full, dir: \""+dir+"\" }"))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func newAuthenticator(t *testing.T, cfg *Config) *Authenticator {
	t.Helper()
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestFullResolverKeepsPushedAccountsAcrossRestarts(t *testing.T) {
	chain := newTrustChain(t, nil)
	acc, user := newAccountKey(t), newUserKey(t)
	dir := filepath.Join(t.TempDir(), "jwt")
	accJWT := chain.accountJWT(t, acc, chain.operator, func(ac *jwt.AccountClaims) { ac.Limits.Conn = 7 })
	userToken := userJWT(t, user, acc, "", nil)

	first := newAuthenticator(t, fullResolverConfig(t, chain, dir))
	if _, err := first.LookupAccount(acc.pub); err == nil {
		t.Fatal("the account is known before it was pushed")
	}
	if err := first.StoreAccountJWT(accJWT); err != nil {
		t.Fatal(err)
	}
	if spec, err := first.LookupAccount(acc.pub); err != nil || spec.Limits.MaxConnections != 7 {
		t.Fatalf("after the push: %s, %v", dump(spec), err)
	}

	// A new Authenticator on the same directory, as after a restart.
	second := newAuthenticator(t, fullResolverConfig(t, chain, dir))
	spec, err := second.LookupAccount(acc.pub)
	if err != nil || spec.Limits.MaxConnections != 7 || spec.JWT != accJWT {
		t.Fatalf("after a restart: %s, %v", dump(spec), err)
	}
	g, err := second.Authenticate(requestFor(withJWT(t, userToken, &user)("n1"), "n1"))
	if err != nil || g.Account != acc.pub {
		t.Fatalf("user of the stored account: %v, %v", g, err)
	}
	if _, err := os.Stat(filepath.Join(dir, acc.pub+".jwt")); err != nil {
		t.Fatalf("nats-server's layout <dir>/<account>.jwt: %v", err)
	}
}

func TestFullResolverRefusesWhatItCannotTrust(t *testing.T) {
	chain, stranger := newTrustChain(t, nil), newTrustChain(t, nil)
	acc := newAccountKey(t)
	a := newAuthenticator(t, fullResolverConfig(t, chain, filepath.Join(t.TempDir(), "jwt")))
	for name, token := range map[string]string{
		"garbage":             "not-a-jwt",
		"untrusted operator":  stranger.accountJWT(t, acc, stranger.operator, nil),
		"self-signed account": chain.accountJWT(t, acc, acc, nil),
		"a user JWT":          userJWT(t, newUserKey(t), acc, "", nil),
	} {
		if err := a.StoreAccountJWT(token); err == nil {
			t.Errorf("%s: stored", name)
		}
		if _, err := a.LookupAccount(acc.pub); err == nil {
			t.Fatalf("%s: the account became known", name)
		}
	}
}

func TestFullResolverKeepsTheNewerJWT(t *testing.T) {
	chain := newTrustChain(t, nil)
	acc := newAccountKey(t)
	a := newAuthenticator(t, fullResolverConfig(t, chain, filepath.Join(t.TempDir(), "jwt")))
	now := time.Now().Unix()
	newer := signedAccountJWT(t, chain.operator, acc.pub, now, 20)
	older := signedAccountJWT(t, chain.operator, acc.pub, now-100, 10)
	for _, token := range []string{newer, older} {
		if err := a.StoreAccountJWT(token); err != nil {
			t.Fatal(err)
		}
	}
	if spec, err := a.LookupAccount(acc.pub); err != nil || spec.Limits.MaxConnections != 20 {
		t.Fatalf("an older JWT replaced a newer one: %s, %v", dump(spec), err)
	}
}

// signedAccountJWT encodes an account JWT with a chosen issue time, which jwt's Encode would overwrite.
func signedAccountJWT(t *testing.T, signer keyPair, subject string, issuedAt, maxConns int64) string {
	t.Helper()
	claims := jwt.NewAccountClaims(subject)
	claims.Limits.Conn = maxConns
	if _, err := claims.Encode(signer.kp); err != nil { // fills in the defaults Encode sets
		t.Fatal(err)
	}
	claims.IssuedAt = issuedAt
	claims.Issuer = signer.pub
	claims.ID = strings.Repeat("X", 10) + string(rune('A'+maxConns%26))
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"typ":"JWT","alg":"ed25519-nkey"}`))
	body, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	signingInput := header + "." + enc.EncodeToString(body)
	sig, err := signer.kp.Sign([]byte(signingInput))
	if err != nil {
		t.Fatal(err)
	}
	token := signingInput + "." + enc.EncodeToString(sig)
	if decoded, err := jwt.DecodeAccountClaims(token); err != nil || decoded.IssuedAt != issuedAt {
		t.Fatalf("hand-made JWT does not decode: %v", err)
	}
	return token
}

func TestMemoryResolverIsReadOnly(t *testing.T) {
	chain := newTrustChain(t, nil)
	acc := newAccountKey(t)
	cfg, err := FromConfig(parseConf(t, "operator: "+chain.opJWT+"\nresolver: MEMORY\nresolver_preload: { "+
		chain.system.pub+": "+chain.sysJWT+" }"))
	if err != nil {
		t.Fatal(err)
	}
	a := newAuthenticator(t, cfg)
	if err := a.StoreAccountJWT(chain.accountJWT(t, acc, chain.operator, nil)); err == nil {
		t.Fatal("the MEMORY resolver stored a JWT")
	}
	if spec, err := a.LookupAccount(chain.system.pub); err != nil || spec.Name != chain.system.pub {
		t.Fatalf("preloaded system account: %v", err)
	}
	if a.SystemAccount() != chain.system.pub {
		t.Fatalf("SystemAccount %q", a.SystemAccount())
	}
}

// nats-server refuses to start when a MEMORY resolver cannot resolve the system account it is told of.
func TestMemoryResolverNeedsTheSystemAccount(t *testing.T) {
	chain := newTrustChain(t, nil)
	cfg, err := FromConfig(parseConf(t, "operator: "+chain.opJWT+"\nresolver: MEMORY"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "error resolving system account") {
		t.Fatalf("got %v", err)
	}
}

func TestFullResolverDirectoryIsSharedWithReferenceServer(t *testing.T) {
	referenceBinary(t)
	chain := newTrustChain(t, nil)
	ours, theirs := newAccountKey(t), newAccountKey(t)
	ourUser, theirUser := newUserKey(t), newUserKey(t)
	dir := filepath.Join(t.TempDir(), "jwt")

	// reactor stores an account; nats-server, preloading another, writes it into the same directory.
	a := newAuthenticator(t, fullResolverConfig(t, chain, dir))
	if err := a.StoreAccountJWT(chain.accountJWT(t, ours, chain.operator, nil)); err != nil {
		t.Fatal(err)
	}
	theirsJWT := chain.accountJWT(t, theirs, chain.operator, nil)
	addr := referenceServer(t, "operator: "+chain.opJWT+"\nresolver: { type: full, dir: \""+dir+"\" }\n"+
		"resolver_preload: { "+theirs.pub+": "+theirsJWT+" }")

	// nats-server admits a user of the account reactor stored...
	rc := dialReference(t, addr)
	if errs := rc.connect(withJWT(t, userJWT(t, ourUser, ours, "", nil), &ourUser)(rc.nonce)); errs != "" {
		t.Fatalf("nats-server refused a user of the account reactor stored: %s", errs)
	}
	// ... and reactor, restarted on the directory, one of the account nats-server wrote.
	b := newAuthenticator(t, fullResolverConfig(t, chain, dir))
	token := userJWT(t, theirUser, theirs, "", nil)
	if g, err := b.Authenticate(requestFor(withJWT(t, token, &theirUser)("n"), "n")); err != nil || g.Account != theirs.pub {
		t.Fatalf("reactor refused a user of the account nats-server wrote: %v", err)
	}
}
