package auth

import (
	"encoding/base64"
	"testing"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nkeys"
)

// Keys and JWTs are generated per test with nkeys and jwt/v2: no key material lives in the repository.

type keyPair struct {
	kp  nkeys.KeyPair
	pub string
}

func newKey(t testing.TB, create func() (nkeys.KeyPair, error)) keyPair {
	t.Helper()
	kp, err := create()
	if err != nil {
		t.Fatal(err)
	}
	pub, err := kp.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	return keyPair{kp, pub}
}

func newUserKey(t testing.TB) keyPair     { return newKey(t, nkeys.CreateUser) }
func newAccountKey(t testing.TB) keyPair  { return newKey(t, nkeys.CreateAccount) }
func newOperatorKey(t testing.TB) keyPair { return newKey(t, nkeys.CreateOperator) }

// sign signs the nonce as a client does, base64url without padding.
func (k keyPair) sign(t testing.TB, nonce string) string {
	t.Helper()
	sig, err := k.kp.Sign([]byte(nonce))
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(sig)
}

// trustChain is an operator with a system account, from which tests make accounts and users.
type trustChain struct {
	operator keyPair
	opJWT    string
	system   keyPair
	sysJWT   string
}

// newTrustChain makes an operator (edit may change its claims before signing) and its system account.
func newTrustChain(t testing.TB, edit func(*jwt.OperatorClaims)) *trustChain {
	t.Helper()
	tc := &trustChain{operator: newOperatorKey(t), system: newAccountKey(t)}
	oc := jwt.NewOperatorClaims(tc.operator.pub)
	oc.Name = "test-operator"
	oc.SystemAccount = tc.system.pub
	if edit != nil {
		edit(oc)
	}
	var err error
	if tc.opJWT, err = oc.Encode(tc.operator.kp); err != nil {
		t.Fatal(err)
	}
	tc.sysJWT = tc.accountJWT(t, tc.system, tc.operator, nil)
	return tc
}

// accountJWT signs an account JWT for acc with signer (the operator or one of its signing keys).
func (tc *trustChain) accountJWT(t testing.TB, acc, signer keyPair, edit func(*jwt.AccountClaims)) string {
	t.Helper()
	ac := jwt.NewAccountClaims(acc.pub)
	ac.Name = "account-" + acc.pub[:6]
	if edit != nil {
		edit(ac)
	}
	token, err := ac.Encode(signer.kp)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// userJWT signs a user JWT for user with signer: the account key itself, or a signing key of account
// (issuerAccount set).
func userJWT(t testing.TB, user, signer keyPair, issuerAccount string, edit func(*jwt.UserClaims)) string {
	t.Helper()
	uc := jwt.NewUserClaims(user.pub)
	uc.Name = "user-" + user.pub[:6]
	uc.IssuerAccount = issuerAccount
	if edit != nil {
		edit(uc)
	}
	token, err := uc.Encode(signer.kp)
	if err != nil {
		t.Fatal(err)
	}
	return token
}
