package auth

import (
	"net"
	"reflect"
	"testing"
	"time"

	"github.com/nats-io/jwt/v2"
)

func TestAccountFromClaims(t *testing.T) {
	chain := newTrustChain(t, nil)
	acc, other, signer, revokedUser := newAccountKey(t), newAccountKey(t), newAccountKey(t), newUserKey(t)
	expires := time.Now().Add(time.Hour).Truncate(time.Second)
	token := chain.accountJWT(t, acc, chain.operator, func(ac *jwt.AccountClaims) {
		ac.Expires = expires.Unix()
		ac.Limits.Conn, ac.Limits.Subs, ac.Limits.Payload, ac.Limits.DisallowBearer = 5, 50, 512, true
		ac.Exports.Add(
			&jwt.Export{Subject: "news.>", Type: jwt.Stream},
			&jwt.Export{Subject: "help", Type: jwt.Service, ResponseType: jwt.ResponseTypeChunked, TokenReq: true},
			&jwt.Export{Subject: "ask", Type: jwt.Service},
		)
		ac.Imports.Add(
			&jwt.Import{Account: other.pub, Subject: "feed.>", Type: jwt.Stream, LocalSubject: "mine.>"},
			&jwt.Import{Account: other.pub, Subject: "plain", Type: jwt.Stream},
			&jwt.Import{Account: other.pub, Subject: "svc", Type: jwt.Service, LocalSubject: "local.svc"},
			&jwt.Import{Account: other.pub, Subject: "svc2", Type: jwt.Service},
		)
		ac.SigningKeys.Add(signer.pub)
		ac.RevokeAt(revokedUser.pub, expires.Add(-2*time.Hour))
		ac.DefaultPermissions.Pub.Allow.Add("default.>")
	})
	a := newAuthenticator(t, &Config{TrustedOperators: []*jwt.OperatorClaims{mustOperator(t, chain)},
		Resolver: ResolverConfig{Type: ResolverMemory}, Preload: map[string]string{acc.pub: token, chain.system.pub: chain.sysJWT}})
	spec, err := a.LookupAccount(acc.pub)
	if err != nil {
		t.Fatal(err)
	}
	want := &AccountSpec{
		Name: acc.pub, Issuer: chain.operator.pub, JWT: token, Expires: expires,
		Limits: AccountLimits{MaxConnections: 5, MaxSubscriptions: 50, MaxPayload: 512, MaxLeafNodes: -1, MaxData: -1,
			MaxImports: -1, MaxExports: -1, DisallowBearer: true},
		Exports: []Export{
			{Subject: "ask", Service: true, ResponseType: ResponseSingleton}, // jwt keeps exports sorted
			{Subject: "help", Service: true, ResponseType: ResponseChunked, TokenRequired: true},
			{Subject: "news.>"},
		},
		Imports: []Import{
			{Account: other.pub, Subject: "feed.>", To: "mine.>"},
			{Account: other.pub, Subject: "plain", To: "plain"},
			{Account: other.pub, Subject: "svc", Service: true, To: "local.svc"},
			{Account: other.pub, Subject: "svc2", Service: true, To: "svc2"},
		},
		SigningKeys:        []string{signer.pub},
		Revocations:        map[string]time.Time{revokedUser.pub: expires.Add(-2 * time.Hour)},
		DefaultPermissions: &Permissions{Publish: &SubjectPermission{Allow: []string{"default.>"}}},
	}
	spec.scopes, spec.ownSigner, spec.jwtName, spec.Tags = nil, false, "", nil
	if !reflect.DeepEqual(spec, want) {
		t.Fatalf("spec\n got %s\nwant %s", dump(spec), dump(want))
	}
	if !spec.revoked(revokedUser.pub, expires.Add(-3*time.Hour)) || spec.revoked(revokedUser.pub, expires) {
		t.Fatal("revocation applies to users issued at or before it, only")
	}
}

func mustOperator(t *testing.T, chain *trustChain) *jwt.OperatorClaims {
	t.Helper()
	op, err := jwt.DecodeOperatorClaims(chain.opJWT)
	if err != nil {
		t.Fatal(err)
	}
	return op
}

// Users without permissions get the account's defaults; allow_responses in a user JWT turns other
// publishing off and takes nats-server's default limits.
func TestUserJWTPermissions(t *testing.T) {
	chain := newTrustChain(t, nil)
	acc := newAccountKey(t)
	accJWT := chain.accountJWT(t, acc, chain.operator, func(ac *jwt.AccountClaims) {
		ac.DefaultPermissions.Sub.Deny.Add("secret.>")
	})
	a := newAuthenticator(t, &Config{TrustedOperators: []*jwt.OperatorClaims{mustOperator(t, chain)},
		Resolver: ResolverConfig{Type: ResolverMemory}, Preload: map[string]string{acc.pub: accJWT, chain.system.pub: chain.sysJWT}})

	plain, responder := newUserKey(t), newUserKey(t)
	g, err := a.Authenticate(requestFor(withJWT(t, userJWT(t, plain, acc, "", nil), &plain)("n"), "n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := (&Permissions{Subscribe: &SubjectPermission{Deny: []string{"secret.>"}}}); !reflect.DeepEqual(g.Permissions, want) {
		t.Errorf("default permissions %s, want %s", dump(g.Permissions), dump(want))
	}
	token := userJWT(t, responder, acc, "", func(uc *jwt.UserClaims) { uc.Resp = &jwt.ResponsePermission{} })
	g, err = a.Authenticate(requestFor(withJWT(t, token, &responder)("n"), "n"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Permissions{Publish: &SubjectPermission{Allow: []string{}},
		Response: &ResponsePermission{MaxMsgs: DefaultResponseMaxMsgs, Expires: DefaultResponseExpires}}
	if !reflect.DeepEqual(g.Permissions, want) {
		t.Errorf("responder permissions %s, want %s", dump(g.Permissions), dump(want))
	}
}

func TestTimesAllow(t *testing.T) {
	at := func(clock string) time.Time {
		tm, _ := time.Parse("2006-01-02 15:04:05", "2026-03-10 "+clock)
		return tm
	}
	cases := []struct {
		ranges   []jwt.TimeRange
		now      string
		ok       bool
		validFor time.Duration
	}{
		{nil, "12:00:00", true, 0},
		{[]jwt.TimeRange{{Start: "09:00:00", End: "17:00:00"}}, "12:00:00", true, 5 * time.Hour},
		{[]jwt.TimeRange{{Start: "09:00:00", End: "17:00:00"}}, "18:00:00", false, 0},
		{[]jwt.TimeRange{{Start: "22:00:00", End: "06:00:00"}}, "23:00:00", true, 7 * time.Hour},
		{[]jwt.TimeRange{{Start: "22:00:00", End: "06:00:00"}}, "05:00:00", true, time.Hour},
		{[]jwt.TimeRange{{Start: "22:00:00", End: "06:00:00"}}, "12:00:00", false, 0},
		{[]jwt.TimeRange{{Start: "09:00:00", End: "13:00:00"}, {Start: "11:00:00", End: "15:00:00"}}, "12:00:00", true, 3 * time.Hour},
	}
	for _, tc := range cases {
		ok, validFor, err := timesAllow(tc.ranges, "UTC", at(tc.now))
		if err != nil || ok != tc.ok || validFor != tc.validFor {
			t.Errorf("%v at %s: %v %v %v, want %v %v", tc.ranges, tc.now, ok, validFor, err, tc.ok, tc.validFor)
		}
	}
	if _, _, err := timesAllow([]jwt.TimeRange{{Start: "09:00:00", End: "17:00:00"}}, "Nowhere/Land", at("12:00:00")); err == nil {
		t.Error("an unknown times_location must refuse")
	}
}

func TestSrcAllowed(t *testing.T) {
	src := jwt.CIDRList{"10.0.0.0/8", "2001:db8::/32"}
	for ip, want := range map[string]bool{"10.1.2.3": true, "11.0.0.1": false, "2001:db8::1": true, "::1": false} {
		if got := srcAllowed(src, net.ParseIP(ip)); got != want {
			t.Errorf("%s: %v, want %v", ip, got, want)
		}
	}
	if srcAllowed(src, nil) || !srcAllowed(nil, nil) || srcAllowed(jwt.CIDRList{"bogus"}, net.ParseIP("10.0.0.1")) {
		t.Error("an unknown address is refused where src is set, allowed where not; a bad CIDR refuses")
	}
}
