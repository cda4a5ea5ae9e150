package auth

import (
	"encoding/base64"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/nats-io/jwt/v2"
	"golang.org/x/crypto/bcrypt"
)

// The authentication tables: a config, and CONNECTs that it accepts or refuses. authenticate_test.go runs
// them through an Authenticator built by FromConfig; reference_test.go sends the same CONNECTs, signed
// over the nonce of its own INFO, to nats-server started on the same config. Both run as a standard
// connection from 127.0.0.1.

type authCase struct {
	name    string
	connect func(nonce string) map[string]any // CONNECT's credential fields
	want    bool
	user    string                   // accepted: the Grant's User
	account string                   // accepted: the Grant's Account
	check   func(*testing.T, *Grant) // accepted: more about the Grant (unit test only)
}

type authSuite struct {
	name  string
	conf  string
	cases []authCase
}

func creds(kv ...string) func(string) map[string]any {
	return func(string) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
}

// signed presents nkey with its signature over the nonce, encoded by encode.
func signed(t testing.TB, k keyPair, encode *base64.Encoding) func(string) map[string]any {
	return func(nonce string) map[string]any {
		sig, err := k.kp.Sign([]byte(nonce))
		if err != nil {
			t.Fatal(err)
		}
		return map[string]any{"nkey": k.pub, "sig": encode.EncodeToString(sig)}
	}
}

// withJWT presents a user JWT, signed over the nonce by signer (nil: no signature).
func withJWT(t testing.TB, token string, signer *keyPair) func(string) map[string]any {
	return func(nonce string) map[string]any {
		m := map[string]any{"jwt": token}
		if signer != nil {
			m["sig"] = signer.sign(t, nonce)
		}
		return m
	}
}

// replayed signs a different nonce than the one the server sent.
func replayed(f func(string) map[string]any) func(string) map[string]any {
	return func(string) map[string]any { return f("a-nonce-from-another-connection") }
}

func bcryptOf(t testing.TB, secret string) string {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(secret), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return string(hash)
}

func configModeSuites(t testing.TB) []authSuite {
	alice, bob, wsOnly := newUserKey(t), newUserKey(t), newUserKey(t)
	return []authSuite{
		{name: "no auth", conf: "port: 4222", cases: []authCase{
			{name: "nothing", connect: creds(), want: true, account: GlobalAccount},
			{name: "credentials are ignored", connect: creds("user", "x", "pass", "y", "auth_token", "z"), want: true, account: GlobalAccount},
		}},
		{name: "token", conf: "authorization { token: s3cr3t }", cases: []authCase{
			{name: "right token", connect: creds("auth_token", "s3cr3t"), want: true, account: GlobalAccount},
			{name: "wrong token", connect: creds("auth_token", "s3cr3T")},
			{name: "no token", connect: creds()},
			{name: "user and password instead", connect: creds("user", "s3cr3t", "pass", "s3cr3t")},
		}},
		{name: "bcrypt token", conf: fmt.Sprintf("authorization { token: %q }", bcryptOf(t, "s3cr3t")), cases: []authCase{
			{name: "right token", connect: creds("auth_token", "s3cr3t"), want: true},
			{name: "wrong token", connect: creds("auth_token", "wrong")},
			{name: "the hash itself", connect: creds("auth_token", bcryptOf(t, "s3cr3t"))},
		}},
		{name: "single user", conf: "authorization { user: alice, password: pw }", cases: []authCase{
			{name: "right password", connect: creds("user", "alice", "pass", "pw"), want: true, user: "alice", account: GlobalAccount},
			{name: "wrong password", connect: creds("user", "alice", "pass", "pW")},
			{name: "unknown user", connect: creds("user", "bob", "pass", "pw")},
			{name: "no credentials", connect: creds()},
			{name: "token instead", connect: creds("auth_token", "pw")},
		}},
		{name: "users with bcrypt", conf: fmt.Sprintf("authorization { users: [ {user: a, password: %q}, {user: b, password: plain} ] }", bcryptOf(t, "pw")),
			cases: []authCase{
				{name: "bcrypt user right", connect: creds("user", "a", "pass", "pw"), want: true, user: "a"},
				{name: "bcrypt user wrong", connect: creds("user", "a", "pass", "px")},
				{name: "plain user right", connect: creds("user", "b", "pass", "plain"), want: true, user: "b"},
				{name: "plain user wrong", connect: creds("user", "b", "pass", "")},
			}},
		{name: "nkeys and a no_auth_user", conf: fmt.Sprintf(`authorization { users: [
  {nkey: %s}
  {nkey: %s, allowed_connection_types: ["WEBSOCKET"]}
  {user: guest, password: guest, permissions: { publish: "guest.>" }}
] }
no_auth_user: guest`, alice.pub, wsOnly.pub), cases: []authCase{
			{name: "nkey signed", connect: signed(t, alice, base64.RawURLEncoding), want: true, user: alice.pub},
			{name: "nkey signed, standard base64", connect: signed(t, alice, base64.StdEncoding), want: true, user: alice.pub},
			{name: "nkey signature by another key", connect: func(nonce string) map[string]any {
				m := signed(t, bob, base64.RawURLEncoding)(nonce)
				m["nkey"] = alice.pub
				return m
			}},
			{name: "nkey signature over another nonce (replay)", connect: replayed(signed(t, alice, base64.RawURLEncoding))},
			{name: "nkey without signature", connect: creds("nkey", alice.pub)},
			{name: "nkey with garbage signature", connect: creds("nkey", alice.pub, "sig", "!!!")},
			{name: "unknown nkey", connect: signed(t, bob, base64.RawURLEncoding)},
			{name: "nkey of another connection type", connect: signed(t, wsOnly, base64.RawURLEncoding)},
			{name: "no credentials: the no_auth_user", connect: creds(), want: true, user: "guest", check: func(t *testing.T, g *Grant) {
				if g.Permissions == nil || g.Permissions.Publish.Allow[0] != "guest.>" {
					t.Errorf("the no_auth_user's permissions were not applied: %s", dump(g.Permissions))
				}
			}},
			{name: "guest with the wrong password", connect: creds("user", "guest", "pass", "nope")},
		}},
		{name: "no_auth_user with a bcrypt password", conf: fmt.Sprintf("authorization { users: [ {user: g, password: %q} ] }\nno_auth_user: g", bcryptOf(t, "pw")),
			cases: []authCase{
				{name: "no credentials", connect: creds()}, // nats-server compares the hash with itself
				{name: "explicit password", connect: creds("user", "g", "pass", "pw"), want: true, user: "g"},
			}},
		{name: "accounts", conf: `accounts {
  A: { users: [ {user: a, password: a} ] }
  B: { users: [ {user: b, password: b, allowed_connection_types: ["STANDARD", "websocket"]} ] }
  W: { users: [ {user: w, password: w, allowed_connection_types: ["WEBSOCKET", "MQTT"]} ] }
}`, cases: []authCase{
			{name: "user of A", connect: creds("user", "a", "pass", "a"), want: true, user: "a", account: "A"},
			{name: "user of B", connect: creds("user", "b", "pass", "b"), want: true, user: "b", account: "B", check: func(t *testing.T, g *Grant) {
				if g.AccountSpec == nil || g.AccountSpec.Name != "B" {
					t.Errorf("AccountSpec %s", dump(g.AccountSpec))
				}
			}},
			{name: "wrong password", connect: creds("user", "a", "pass", "b")},
			{name: "connection type not allowed", connect: creds("user", "w", "pass", "w")},
			{name: "nothing", connect: creds()},
		}},
	}
}

// operatorSuite is operator mode with a MEMORY resolver preloaded with every account the cases use.
func operatorSuite(t testing.TB) authSuite {
	now := time.Now()
	chain := newTrustChain(t, nil)
	acc, signingKey, scopedKey, strangerKey := newAccountKey(t), newAccountKey(t), newAccountKey(t), newAccountKey(t)
	expiredAcc, revokingAcc, noBearerAcc, unknownAcc := newAccountKey(t), newAccountKey(t), newAccountKey(t), newAccountKey(t)
	otherChain := newTrustChain(t, nil)
	untrustedAcc := newAccountKey(t)

	u := func() keyPair { return newUserKey(t) }
	plain, bySigner, byScoped, scopedWithPerms, byStranger := u(), u(), u(), u(), u()
	expired, notYet, ofExpiredAcc, revoked, notRevoked, bearer, bearerRefused := u(), u(), u(), u(), u(), u(), u()
	wsOnly, stdOnly, unknownType, someUnknown, farAway, nearby, outOfHours, inHours, limited, ofUnknown, ofUntrusted := u(), u(), u(), u(), u(), u(), u(), u(), u(), u(), u()

	// User JWTs are made before the account JWTs, so that a revocation made "now" covers them.
	users := map[string]string{
		"plain":           userJWT(t, plain, acc, "", nil),
		"bySigner":        userJWT(t, bySigner, signingKey, acc.pub, nil),
		"byScoped":        userJWT(t, byScoped, scopedKey, acc.pub, func(uc *jwt.UserClaims) { uc.SetScoped(true); uc.Name = "bob" }),
		"scopedWithPerms": userJWT(t, scopedWithPerms, scopedKey, acc.pub, func(uc *jwt.UserClaims) { uc.Pub.Allow.Add(">") }),
		"byStranger":      userJWT(t, byStranger, strangerKey, acc.pub, nil),
		"expired":         userJWT(t, expired, acc, "", func(uc *jwt.UserClaims) { uc.Expires = now.Add(-10 * time.Second).Unix() }),
		"notYet":          userJWT(t, notYet, acc, "", func(uc *jwt.UserClaims) { uc.NotBefore = now.Add(time.Hour).Unix() }),
		"ofExpiredAcc":    userJWT(t, ofExpiredAcc, expiredAcc, "", nil),
		"revoked":         userJWT(t, revoked, revokingAcc, "", nil),
		"notRevoked":      userJWT(t, notRevoked, revokingAcc, "", nil),
		"bearer":          userJWT(t, bearer, acc, "", func(uc *jwt.UserClaims) { uc.BearerToken = true }),
		"bearerRefused":   userJWT(t, bearerRefused, noBearerAcc, "", func(uc *jwt.UserClaims) { uc.BearerToken = true }),
		"wsOnly":          userJWT(t, wsOnly, acc, "", func(uc *jwt.UserClaims) { uc.AllowedConnectionTypes.Add(jwt.ConnectionTypeWebsocket) }),
		"stdOnly":         userJWT(t, stdOnly, acc, "", func(uc *jwt.UserClaims) { uc.AllowedConnectionTypes.Add(jwt.ConnectionTypeStandard) }),
		"unknownType":     userJWT(t, unknownType, acc, "", func(uc *jwt.UserClaims) { uc.AllowedConnectionTypes.Add("CARRIER_PIGEON") }),
		"someUnknown":     userJWT(t, someUnknown, acc, "", func(uc *jwt.UserClaims) { uc.AllowedConnectionTypes.Add("CARRIER_PIGEON", "STANDARD") }),
		"farAway":         userJWT(t, farAway, acc, "", func(uc *jwt.UserClaims) { uc.Src.Add("10.0.0.0/8", "192.168.0.0/16") }),
		"nearby":          userJWT(t, nearby, acc, "", func(uc *jwt.UserClaims) { uc.Src.Add("10.0.0.0/8", "127.0.0.0/8") }),
		"outOfHours": userJWT(t, outOfHours, acc, "", func(uc *jwt.UserClaims) {
			uc.Locale = "UTC"
			uc.Times = []jwt.TimeRange{{Start: clock(now.Add(2 * time.Hour)), End: clock(now.Add(3 * time.Hour))}}
		}),
		"inHours": userJWT(t, inHours, acc, "", func(uc *jwt.UserClaims) {
			uc.Locale = "UTC"
			uc.Times = []jwt.TimeRange{{Start: clock(now.Add(-time.Hour)), End: clock(now.Add(time.Hour))}}
		}),
		"limited": userJWT(t, limited, acc, "", func(uc *jwt.UserClaims) {
			uc.Limits.Subs, uc.Limits.Payload = 2, 100
			uc.Expires = now.Add(time.Hour).Unix()
			uc.Tags.Add("team:blue")
		}),
		"ofUnknown":   userJWT(t, ofUnknown, unknownAcc, "", nil),
		"ofUntrusted": userJWT(t, ofUntrusted, untrustedAcc, "", nil),
	}

	accJWT := chain.accountJWT(t, acc, chain.operator, func(ac *jwt.AccountClaims) {
		ac.SigningKeys.Add(signingKey.pub)
		scope := jwt.NewUserScope()
		scope.Key = scopedKey.pub
		scope.Template.Pub.Allow.Add("{{name()}}.>", "shared")
		scope.Template.Sub.Allow.Add("_INBOX.>")
		ac.SigningKeys.AddScopedSigner(scope)
	})
	preload := map[string]string{
		chain.system.pub: chain.sysJWT,
		acc.pub:          accJWT,
		expiredAcc.pub: chain.accountJWT(t, expiredAcc, chain.operator, func(ac *jwt.AccountClaims) {
			ac.Expires = now.Add(-10 * time.Second).Unix()
		}),
		revokingAcc.pub: chain.accountJWT(t, revokingAcc, chain.operator, func(ac *jwt.AccountClaims) {
			ac.Revoke(revoked.pub)
			ac.RevokeAt(notRevoked.pub, now.Add(-time.Hour))
		}),
		noBearerAcc.pub: chain.accountJWT(t, noBearerAcc, chain.operator, func(ac *jwt.AccountClaims) {
			ac.Limits.DisallowBearer = true
		}),
		untrustedAcc.pub: otherChain.accountJWT(t, untrustedAcc, otherChain.operator, nil),
	}
	conf := fmt.Sprintf("operator: %s\nresolver: MEMORY\nresolver_preload: {\n", chain.opJWT)
	for key, token := range preload {
		conf += fmt.Sprintf("  %s: %s\n", key, token)
	}
	conf += "}\n"

	ok := func(name, token string, signer keyPair, user keyPair, check func(*testing.T, *Grant)) authCase {
		return authCase{name: name, connect: withJWT(t, users[token], &signer), want: true, user: user.pub, account: acc.pub, check: check}
	}
	no := func(name, token string, signer *keyPair) authCase {
		return authCase{name: name, connect: withJWT(t, users[token], signer)}
	}
	return authSuite{name: "operator", conf: conf, cases: []authCase{
		ok("user signed by the account", "plain", plain, plain, func(t *testing.T, g *Grant) {
			if g.Permissions != nil || g.MaxSubs != -1 || g.MaxPayload != -1 || !g.Expires.IsZero() {
				t.Errorf("grant %s", dump(g))
			}
		}),
		{name: "no signature", connect: withJWT(t, users["plain"], nil)},
		{name: "signature by another key", connect: withJWT(t, users["plain"], &bySigner)},
		{name: "signature over another nonce (replay)", connect: replayed(withJWT(t, users["plain"], &plain))},
		{name: "no JWT, user and password", connect: creds("user", "a", "pass", "b")},
		{name: "garbage JWT", connect: creds("jwt", "eyJhbGciOiJub25lIn0.e30.", "sig", "x")},
		ok("user signed by a signing key", "bySigner", bySigner, bySigner, nil),
		ok("user signed by a scoped signing key", "byScoped", byScoped, byScoped, func(t *testing.T, g *Grant) {
			want := &Permissions{Publish: &SubjectPermission{Allow: []string{"bob.>", "shared"}}, Subscribe: &SubjectPermission{Allow: []string{"_INBOX.>"}}}
			if dump(g.Permissions) != dump(want) {
				t.Errorf("permissions %s, want the scope's template %s", dump(g.Permissions), dump(want))
			}
		}),
		no("scoped user with its own permissions", "scopedWithPerms", &scopedWithPerms),
		no("user signed by a key the account does not list", "byStranger", &byStranger),
		no("expired user JWT", "expired", &expired),
		no("user JWT not yet valid", "notYet", &notYet),
		no("user of an expired account", "ofExpiredAcc", &ofExpiredAcc),
		no("revoked user", "revoked", &revoked),
		{name: "user revoked before it was issued", connect: withJWT(t, users["notRevoked"], &notRevoked), want: true, user: notRevoked.pub, account: revokingAcc.pub},
		no("user of an account the resolver does not have", "ofUnknown", &ofUnknown),
		no("user of an account from an untrusted operator", "ofUntrusted", &ofUntrusted),
		{name: "bearer token without signature", connect: withJWT(t, users["bearer"], nil), want: true, user: bearer.pub, account: acc.pub},
		no("bearer token where the account disallows them", "bearerRefused", nil),
		no("websocket-only user", "wsOnly", &wsOnly),
		ok("standard-only user", "stdOnly", stdOnly, stdOnly, nil),
		no("user allowing only unknown connection types", "unknownType", &unknownType),
		ok("user allowing an unknown and the standard type", "someUnknown", someUnknown, someUnknown, nil),
		no("source network mismatch", "farAway", &farAway),
		ok("source network match", "nearby", nearby, nearby, nil),
		no("outside its connect times", "outOfHours", &outOfHours),
		ok("inside its connect times", "inHours", inHours, inHours, func(t *testing.T, g *Grant) {
			if g.Expires.IsZero() || g.Expires.After(now.Add(time.Hour+time.Minute)) {
				t.Errorf("Expires %v: want the end of the time range, within the hour", g.Expires)
			}
		}),
		ok("user limits and tags", "limited", limited, limited, func(t *testing.T, g *Grant) {
			if g.MaxSubs != 2 || g.MaxPayload != 100 || g.Expires.Unix() != now.Add(time.Hour).Unix() || len(g.Tags) != 1 || g.Tags[0] != "team:blue" {
				t.Errorf("grant %s", dump(g))
			}
		}),
	}}
}

// strictAndTrustedKeySuites: an operator demanding signing keys, and trust given by operator key alone.
func strictAndTrustedKeySuites(t testing.TB) []authSuite {
	opSigner := newOperatorKey(t)
	strict := newTrustChain(t, func(oc *jwt.OperatorClaims) {
		oc.StrictSigningKeyUsage = true
		oc.SigningKeys.Add(opSigner.pub)
	})
	strict.sysJWT = strict.accountJWT(t, strict.system, opSigner, nil)
	good, byOperator, accSigner := newAccountKey(t), newAccountKey(t), newAccountKey(t)
	u1, u2, u3 := newUserKey(t), newUserKey(t), newUserKey(t)
	strictConf := fmt.Sprintf("operator: %s\nresolver: MEMORY\nresolver_preload: {\n  %s: %s\n  %s: %s\n  %s: %s\n}\n",
		strict.opJWT, strict.system.pub, strict.sysJWT,
		good.pub, strict.accountJWT(t, good, opSigner, func(ac *jwt.AccountClaims) { ac.SigningKeys.Add(accSigner.pub) }),
		byOperator.pub, strict.accountJWT(t, byOperator, strict.operator, nil))

	plain := newTrustChain(t, nil)
	acc, user := newAccountKey(t), newUserKey(t)
	trustedConf := fmt.Sprintf("trusted: %s\nresolver: MEMORY\nresolver_preload: { %s: %s }\n",
		plain.operator.pub, acc.pub, plain.accountJWT(t, acc, plain.operator, nil))

	return []authSuite{
		{name: "strict signing keys", conf: strictConf, cases: []authCase{
			{name: "user signed by the account's signing key", connect: withJWT(t, userJWT(t, u1, accSigner, good.pub, nil), &u1), want: true, account: good.pub},
			{name: "user signed by the account key itself", connect: withJWT(t, userJWT(t, u2, good, "", nil), &u2)},
			{name: "account signed by the operator key itself", connect: withJWT(t, userJWT(t, u3, byOperator, "", nil), &u3)},
		}},
		{name: "trusted keys", conf: trustedConf, cases: []authCase{
			{name: "user of an account the key signed", connect: withJWT(t, userJWT(t, user, acc, "", nil), &user), want: true, account: acc.pub},
			{name: "no JWT", connect: creds()},
		}},
	}
}

// clock is t's wall-clock time of day in UTC, as JWT time ranges write it.
func clock(t time.Time) string { return t.UTC().Format("15:04:05") }

// requestFor turns CONNECT fields into an Authenticator request from a standard connection on loopback.
func requestFor(fields map[string]any, nonce string) *Request {
	str := func(k string) string { s, _ := fields[k].(string); return s }
	return &Request{
		User: str("user"), Pass: str("pass"), Token: str("auth_token"), Nkey: str("nkey"), Sig: str("sig"), JWT: str("jwt"),
		Nonce: nonce, RemoteIP: net.IPv4(127, 0, 0, 1), ConnType: jwt.ConnectionTypeStandard,
	}
}
