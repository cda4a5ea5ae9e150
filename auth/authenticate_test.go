package auth

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func authenticatorFor(t *testing.T, conf string) *Authenticator {
	t.Helper()
	cfg, err := FromConfig(parseConf(t, conf))
	if err != nil {
		t.Fatalf("FromConfig: %v", err)
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return a
}

func runAuthSuite(t *testing.T, suite authSuite) {
	a := authenticatorFor(t, suite.conf)
	for i, tc := range suite.cases {
		t.Run(tc.name, func(t *testing.T) {
			nonce := fmt.Sprintf("nonce-%d-%s", i, t.Name())
			g, err := a.Authenticate(requestFor(tc.connect(nonce), nonce))
			if !tc.want {
				if err == nil {
					t.Fatalf("accepted as %s, want a refusal", dump(g))
				}
				if !errors.Is(err, ErrAuthorizationViolation) {
					t.Fatalf("refusal %v does not wrap ErrAuthorizationViolation", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if tc.user != "" && g.User != tc.user {
				t.Errorf("User %q, want %q", g.User, tc.user)
			}
			if tc.account != "" && g.Account != tc.account {
				t.Errorf("Account %q, want %q", g.Account, tc.account)
			}
			if g.AccountSpec == nil || g.AccountSpec.Name != g.Account {
				t.Errorf("AccountSpec %s does not describe account %q", dump(g.AccountSpec), g.Account)
			}
			if tc.check != nil {
				tc.check(t, g)
			}
		})
	}
}

func TestAuthenticateConfigMode(t *testing.T) {
	for _, suite := range configModeSuites(t) {
		t.Run(suite.name, func(t *testing.T) { runAuthSuite(t, suite) })
	}
}

func TestAuthenticateOperatorMode(t *testing.T) {
	for _, suite := range append(strictAndTrustedKeySuites(t), operatorSuite(t)) {
		t.Run(suite.name, func(t *testing.T) { runAuthSuite(t, suite) })
	}
}

func TestAuthenticatorAdvertises(t *testing.T) {
	f := newConfFixture(t)
	cases := []struct {
		conf                 string
		required, needsNonce bool
	}{
		{"port: 1", false, false},
		{"authorization { token: x }", true, false},
		{"authorization { password: x }", false, false}, // a password without a user is ignored
		{"authorization { user: a, password: b, timeout: 5 }", true, false},
		{"accounts { A: { users: [ {user: a} ] } }", true, false},
		{"accounts { A: {} }", false, false},
		{"authorization { users: [ {nkey: {UKEY}} ] }", true, true},
		{"operator: {OP}\nresolver: MEMORY\nresolver_preload: { {SYSPUB}: {SYSJWT} }", true, true},
	}
	for _, tc := range cases {
		a := authenticatorFor(t, f.expand(tc.conf))
		if a.Required() != tc.required || a.NeedsNonce() != tc.needsNonce {
			t.Errorf("%s: Required %v NeedsNonce %v, want %v %v", tc.conf, a.Required(), a.NeedsNonce(), tc.required, tc.needsNonce)
		}
	}
	if got := authenticatorFor(t, "port: 1").Timeout(); got != DefaultTimeout {
		t.Errorf("default Timeout %v", got)
	}
	if got := authenticatorFor(t, "authorization { timeout: 5 }").Timeout().Seconds(); got != 5 {
		t.Errorf("Timeout %vs, want 5s", got)
	}
}

func TestLookupAccountInConfigMode(t *testing.T) {
	a := authenticatorFor(t, "accounts { A: { limits: { max_conn: 3 } }, S: {} }\nsystem_account: S")
	for _, name := range []string{"A", "S", GlobalAccount} {
		spec, err := a.LookupAccount(name)
		if err != nil || spec.Name != name {
			t.Errorf("LookupAccount(%q) = %s, %v", name, dump(spec), err)
		}
	}
	if spec, _ := a.LookupAccount("A"); spec.Limits.MaxConnections != 3 || spec.Limits.MaxSubscriptions != -1 {
		t.Errorf("limits %+v", spec.Limits)
	}
	if _, err := a.LookupAccount("nope"); err == nil {
		t.Error("LookupAccount(nope) found something")
	}
	if a.SystemAccount() != "S" {
		t.Errorf("SystemAccount %q", a.SystemAccount())
	}
	if err := a.StoreAccountJWT("x"); err == nil {
		t.Error("StoreAccountJWT in config mode must fail")
	}
}

func TestNewRefusesUsersOfUnknownAccounts(t *testing.T) {
	_, err := New(&Config{Users: []*User{{Username: "a", Account: "missing"}}})
	if err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("got %v", err)
	}
	_, err = New(&Config{NoAuthUser: "ghost", Users: []*User{{Username: "a"}}})
	if err == nil {
		t.Fatal("a no_auth_user naming nobody must be refused")
	}
}

// The engine calls Authenticate from a worker pool; nothing in it may race (go test -race).
func TestAuthenticateConcurrently(t *testing.T) {
	suite := operatorSuite(t)
	a := authenticatorFor(t, suite.conf)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i, tc := range suite.cases {
				nonce := fmt.Sprintf("n-%d-%d", w, i)
				_, err := a.Authenticate(requestFor(tc.connect(nonce), nonce))
				if (err == nil) != tc.want {
					t.Errorf("%s: err %v, want accepted %v", tc.name, err, tc.want)
				}
			}
		}(w)
	}
	wg.Wait()
}
