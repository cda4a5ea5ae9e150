package reactor

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"
)

// operatorSetup is an operator with a system account and one application account, made fresh per test.
type operatorSetup struct {
	operator, sys, app   nkeys.KeyPair
	sysJWT, appJWT       string
	operatorJWT, sysUser string
	appClaims            *jwt.AccountClaims
}

func newOperatorSetup(t *testing.T) *operatorSetup {
	t.Helper()
	o := &operatorSetup{}
	o.operator, _ = nkeys.CreateOperator()
	o.sys, _ = nkeys.CreateAccount()
	o.app, _ = nkeys.CreateAccount()
	opPub, _ := o.operator.PublicKey()
	sysPub, _ := o.sys.PublicKey()
	appPub, _ := o.app.PublicKey()
	oc := jwt.NewOperatorClaims(opPub)
	oc.SystemAccount = sysPub
	var err error
	if o.operatorJWT, err = oc.Encode(o.operator); err != nil {
		t.Fatal(err)
	}
	sc := jwt.NewAccountClaims(sysPub)
	sc.Name = "SYS"
	if o.sysJWT, err = sc.Encode(o.operator); err != nil {
		t.Fatal(err)
	}
	o.appClaims = jwt.NewAccountClaims(appPub)
	o.appClaims.Name = "APP"
	if o.appJWT, err = o.appClaims.Encode(o.operator); err != nil {
		t.Fatal(err)
	}
	o.sysUser = o.userCreds(t, o.sys)
	return o
}

// userCreds makes a user of acct and returns the path of its .creds file.
func (o *operatorSetup) userCreds(t *testing.T, acct nkeys.KeyPair) string {
	return o.expiringUserCreds(t, acct, time.Time{})
}

// expiringUserCreds is userCreds for a user whose JWT expires at exp (never when zero).
func (o *operatorSetup) expiringUserCreds(t *testing.T, acct nkeys.KeyPair, exp time.Time) string {
	t.Helper()
	u, _ := nkeys.CreateUser()
	uPub, _ := u.PublicKey()
	acctPub, _ := acct.PublicKey()
	uc := jwt.NewUserClaims(uPub)
	uc.IssuerAccount = acctPub
	if !exp.IsZero() {
		uc.Expires = exp.Unix()
	}
	token, err := uc.Encode(acct)
	if err != nil {
		t.Fatal(err)
	}
	seed, _ := u.Seed()
	creds, err := jwt.FormatUserConfig(token, seed)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), uPub+".creds")
	if err := os.WriteFile(path, creds, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func (o *operatorSetup) config(t *testing.T, dir string) string {
	t.Helper()
	opFile := filepath.Join(t.TempDir(), "operator.jwt")
	if err := os.WriteFile(opFile, []byte(o.operatorJWT), 0o600); err != nil {
		t.Fatal(err)
	}
	sysPub, _ := o.sys.PublicKey()
	return `operator: "` + opFile + `"
system_account: ` + sysPub + `
resolver: { type: full, dir: "` + dir + `" }
resolver_preload: { ` + sysPub + `: "` + o.sysJWT + `" }`
}

func TestPushedAccountJWTIsStoredAndSurvivesARestart(t *testing.T) {
	o := newOperatorSetup(t)
	dir := t.TempDir()
	conf := o.config(t, dir)
	s := authServer(t, conf, Options{})
	appUser := o.userCreds(t, o.app)

	if _, err := nats.Connect(s.clientURL(), nats.UserCredentials(appUser), nats.NoReconnect()); err == nil {
		t.Fatal("a user of an account the resolver does not hold was admitted")
	}
	sys := connect(t, s, nats.UserCredentials(o.sysUser))
	r, err := sys.Request("$SYS.REQ.CLAIMS.UPDATE", []byte(o.appJWT), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		Data struct {
			Account string `json:"account"`
			Code    int    `json:"code"`
		} `json:"data"`
	}
	appPub, _ := o.app.PublicKey()
	if err := json.Unmarshal(r.Data, &resp); err != nil || resp.Data.Code != 200 || resp.Data.Account != appPub {
		t.Fatalf("push answered %s (%v)", r.Data, err)
	}
	app := connect(t, s, nats.UserCredentials(appUser))
	sub, _ := app.SubscribeSync("hello")
	app.Publish("hello", []byte("world"))
	if _, err := sub.NextMsg(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	// The system account's subjects are not reachable from the application account.
	if _, err := app.Request("$SYS.REQ.CLAIMS.UPDATE", []byte(o.appJWT), time.Second); err == nil {
		t.Fatal("an application user reached the system account's claims service")
	}

	// A new server on the same directory knows the account without a push.
	s.Shutdown()
	s2 := authServer(t, conf, Options{})
	if nc, err := nats.Connect(s2.clientURL(), nats.UserCredentials(appUser), nats.NoReconnect()); err != nil {
		t.Fatalf("after a restart: %v", err)
	} else {
		nc.Close()
	}
}

func TestPushedRevocationClosesTheUser(t *testing.T) {
	o := newOperatorSetup(t)
	s := authServer(t, o.config(t, t.TempDir()), Options{})
	sys := connect(t, s, nats.UserCredentials(o.sysUser))
	if _, err := sys.Request("$SYS.REQ.CLAIMS.UPDATE", []byte(o.appJWT), 5*time.Second); err != nil {
		t.Fatal(err)
	}
	appUser := o.userCreds(t, o.app)
	closed := make(chan struct{})
	connect(t, s, nats.UserCredentials(appUser), nats.NoReconnect(),
		nats.ClosedHandler(func(*nats.Conn) { close(closed) }))

	creds, _ := os.ReadFile(appUser)
	userJWT, _ := jwt.ParseDecoratedJWT(creds)
	uc, _ := jwt.DecodeUserClaims(userJWT)
	o.appClaims.Revoke(uc.Subject)
	// A JWT's id hashes its standard claims only: a new name makes this JWT new within the same second,
	// where nats-server (and reactor) would otherwise keep the stored one as the same JWT.
	o.appClaims.Name = "APP revised"
	revoked, err := o.appClaims.Encode(o.operator)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sys.Request("$SYS.REQ.CLAIMS.UPDATE", []byte(revoked), 5*time.Second); err != nil {
		t.Fatal(err)
	}
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("a revoked user stayed connected")
	}
	if _, err := nats.Connect(s.clientURL(), nats.UserCredentials(appUser), nats.NoReconnect()); err == nil {
		t.Fatal("a revoked user was admitted")
	}
}

func TestExpiredUserIsClosedWithNatsServersError(t *testing.T) {
	o := newOperatorSetup(t)
	s := authServer(t, o.config(t, t.TempDir()), Options{})
	sys := connect(t, s, nats.UserCredentials(o.sysUser))
	if _, err := sys.Request("$SYS.REQ.CLAIMS.UPDATE", []byte(o.appJWT), 5*time.Second); err != nil {
		t.Fatal(err)
	}
	expired := o.expiringUserCreds(t, o.app, time.Now().Add(-time.Minute))
	if _, err := nats.Connect(s.clientURL(), nats.UserCredentials(expired), nats.NoReconnect()); err == nil {
		t.Fatal("an expired user was admitted")
	}
	soon := o.expiringUserCreds(t, o.app, time.Now().Add(1500*time.Millisecond))
	closed := make(chan struct{})
	asyncErr := make(chan error, 4)
	connect(t, s, nats.UserCredentials(soon), nats.NoReconnect(),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { asyncErr <- err }),
		nats.ClosedHandler(func(*nats.Conn) { close(closed) }))
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the user stayed connected past its JWT's expiry")
	}
	select {
	case err := <-asyncErr:
		if !errors.Is(err, nats.ErrAuthExpired) {
			t.Fatalf("closed with %v, want nats-server's 'User Authentication Expired'", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no -ERR before the close")
	}
	waitFor(t, "closed record", 5*time.Second, func() bool {
		c := s.ClosedConns()
		return len(c) > 0 && c[len(c)-1].Reason == "Authentication Expired"
	})
}
