package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nkeys"
)

// Operator-mode fixtures, made in the test with nkeys and jwt as nsc would make them: an operator, its system
// account, accounts and users. Nothing is read from disk but what the test writes.

// testOperator is an operator and the accounts it signs. Accounts are encoded when the configuration is
// written, so that a test may still revoke users after issuing them.
type testOperator struct {
	kp       nkeys.KeyPair
	pub      string
	sys      *testAccount
	accounts []*testAccount
}

type testAccount struct {
	kp     nkeys.KeyPair
	pub    string
	claims *jwt.AccountClaims
}

// testUser is a user of an account: its key, its JWT and both as a .creds file's text.
type testUser struct {
	pub   string
	seed  []byte
	jwt   string
	creds []byte
}

func newTestOperator(t *testing.T) *testOperator {
	t.Helper()
	kp, err := nkeys.CreateOperator()
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := kp.PublicKey()
	op := &testOperator{kp: kp, pub: pub}
	op.sys = op.account(t, "SYS", nil)
	return op
}

// account makes an account signed by the operator; edit, if given, sets its claims (exports, imports,
// limits).
func (op *testOperator) account(t *testing.T, name string, edit func(*jwt.AccountClaims)) *testAccount {
	t.Helper()
	kp, err := nkeys.CreateAccount()
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := kp.PublicKey()
	a := &testAccount{kp: kp, pub: pub, claims: jwt.NewAccountClaims(pub)}
	a.claims.Name = name
	if edit != nil {
		edit(a.claims)
	}
	op.accounts = append(op.accounts, a)
	return a
}

func (a *testAccount) encode(t *testing.T, op *testOperator) string {
	t.Helper()
	token, err := a.claims.Encode(op.kp)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// user issues a user JWT signed by the account; edit, if given, sets its claims (limits, permissions,
// expiry, bearer token, connection types).
func (a *testAccount) user(t *testing.T, name string, edit func(*jwt.UserClaims)) *testUser {
	t.Helper()
	kp, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := kp.PublicKey()
	seed, _ := kp.Seed()
	claims := jwt.NewUserClaims(pub)
	claims.Name = name
	if edit != nil {
		edit(claims)
	}
	token, err := claims.Encode(a.kp)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := jwt.FormatUserConfig(token, seed)
	if err != nil {
		t.Fatal(err)
	}
	return &testUser{pub: pub, seed: seed, jwt: token, creds: creds}
}

// config writes the operator JWT into dir and returns the configuration that trusts it: operator, its
// system account, and a MEMORY resolver preloaded with every account (nats-server requires the system
// account to be among them).
func (op *testOperator) config(t *testing.T, dir string) string {
	t.Helper()
	claims := jwt.NewOperatorClaims(op.pub)
	claims.Name = "test-operator"
	claims.SystemAccount = op.sys.pub
	token, err := claims.Encode(op.kp)
	if err != nil {
		t.Fatal(err)
	}
	opPath := filepath.Join(dir, "operator.jwt")
	writeFile(t, opPath, []byte(token))
	var preload []string
	for _, a := range op.accounts {
		preload = append(preload, fmt.Sprintf("  %s: %s\n", a.pub, a.encode(t, op)))
	}
	sort.Strings(preload)
	return fmt.Sprintf("operator: %q\nsystem_account: %s\nresolver: MEMORY\nresolver_preload {\n%s}\n",
		opPath, op.sys.pub, strings.Join(preload, ""))
}

// writeFile writes a secret (seed, creds) or a JWT with the permissions nats tools expect of them.
func writeFile(t *testing.T, path string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
