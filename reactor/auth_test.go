package reactor

import (
	"encoding/base64"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"
	"golang.org/x/crypto/bcrypt"

	"github.com/reactor-nats/reactor/auth"
	"github.com/reactor-nats/reactor/config"
)

// authServer starts a server whose authorization and accounts come from conf, a nats-server config text.
func authServer(t testing.TB, conf string, opts Options) *Server {
	t.Helper()
	withAuth(t, conf, &opts)
	return runServer(t, opts)
}

// withAuth sets opts' Auth and Accounts from conf, as the config file would.
func withAuth(t testing.TB, conf string, opts *Options) {
	t.Helper()
	m, err := config.Parse("test.conf", []byte(conf))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := auth.FromConfig(m)
	if err != nil {
		t.Fatal(err)
	}
	a, err := auth.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	opts.Auth, opts.Accounts = a, cfg.Accounts
}

func TestUserPasswordAdmitsOnlyTheRightCredentials(t *testing.T) {
	hash, _ := bcrypt.GenerateFromPassword([]byte("hashed-secret"), 4)
	s := authServer(t, `authorization { users: [
		{user: alice, password: secret}
		{user: carol, password: "`+string(hash)+`"}
	] }`, Options{})

	for _, c := range []struct{ user, pass string }{{"alice", "secret"}, {"carol", "hashed-secret"}} {
		nc, err := nats.Connect(s.clientURL(), nats.UserInfo(c.user, c.pass))
		if err != nil {
			t.Fatalf("%s: %v", c.user, err)
		}
		sub, _ := nc.SubscribeSync("x")
		nc.Publish("x", []byte("hi"))
		if _, err := sub.NextMsg(5 * time.Second); err != nil {
			t.Fatalf("%s: %v", c.user, err)
		}
		nc.Close()
	}
	for _, c := range []struct{ user, pass string }{{"alice", "wrong"}, {"carol", "wrong"}, {"mallory", "secret"}, {"", ""}} {
		_, err := nats.Connect(s.clientURL(), nats.UserInfo(c.user, c.pass), nats.NoReconnect())
		if !errors.Is(err, nats.ErrAuthorization) {
			t.Fatalf("%q/%q admitted or wrong error: %v", c.user, c.pass, err)
		}
	}
}

func TestAuthRefusalsOnTheWire(t *testing.T) {
	s := authServer(t, `authorization { users: [{user: alice, password: secret}], timeout: 0.3 }`, Options{})

	rc, info := dialRaw(t, s)
	if !strings.Contains(info, `"auth_required":true`) || strings.Contains(info, "nonce") {
		t.Fatalf("INFO: %s", info)
	}
	rc.send("SUB foo 1\r\n")
	rc.expect("-ERR 'Authorization Violation'")
	rc.expectClosed()

	rc, _ = dialRaw(t, s)
	rc.send(`CONNECT {"user":"alice","pass":"bad","verbose":false}` + "\r\nPING\r\n")
	rc.expect("-ERR 'Authorization Violation'")
	rc.expectClosed()

	rc, _ = dialRaw(t, s)
	rc.expect("-ERR 'Authentication Timeout'")
	rc.expectClosed()

	// Pipelined behind CONNECT, the client's ops wait for the verdict and are then carried out in order.
	rc, _ = dialRaw(t, s)
	rc.send(`CONNECT {"user":"alice","pass":"secret","verbose":true}` + "\r\nSUB a 1\r\nPUB a 2\r\nhi\r\nPING\r\n")
	rc.expect("+OK", "+OK", "+OK", "MSG a 1 2", "hi", "PONG")

	reasons := map[string]int{}
	for _, ci := range s.ClosedConns() {
		reasons[ci.Reason]++
	}
	if reasons["Authentication Failure"] != 2 || reasons["Authentication Timeout"] != 1 {
		t.Fatalf("closed reasons: %v", reasons)
	}
}

func TestNkeyUserSignsTheNonce(t *testing.T) {
	kp, _ := nkeys.CreateUser()
	pub, _ := kp.PublicKey()
	other, _ := nkeys.CreateUser()
	s := authServer(t, `authorization { users: [{nkey: `+pub+`}] }`, Options{})

	rc, info := dialRaw(t, s)
	if !strings.Contains(info, `"nonce":"`) {
		t.Fatalf("INFO without a nonce: %s", info)
	}
	rc.nc.Close()

	sign := func(k nkeys.KeyPair) nats.Option {
		return nats.Nkey(pub, func(nonce []byte) ([]byte, error) { return k.Sign(nonce) })
	}
	nc, err := nats.Connect(s.clientURL(), sign(kp))
	if err != nil {
		t.Fatal(err)
	}
	nc.Close()
	if _, err := nats.Connect(s.clientURL(), sign(other), nats.NoReconnect()); err == nil {
		t.Fatal("a signature by another key was accepted")
	}
	// A signature over another connection's nonce (a replay) is refused.
	rc, info = dialRaw(t, s)
	oldNonce := info[strings.Index(info, `"nonce":"`)+9:]
	oldNonce = oldNonce[:strings.IndexByte(oldNonce, '"')]
	sig, _ := kp.Sign([]byte(oldNonce))
	rc2, _ := dialRaw(t, s)
	rc2.send(`CONNECT {"nkey":"` + pub + `","sig":"` + encodeSig(sig) + `","verbose":false}` + "\r\nPING\r\n")
	rc2.expect("-ERR 'Authorization Violation'")
	rc.send(`CONNECT {"nkey":"` + pub + `","sig":"` + encodeSig(sig) + `","verbose":false}` + "\r\nPING\r\n")
	rc.expect("PONG")
}

func TestPermissionsRefuseWithoutClosing(t *testing.T) {
	s := authServer(t, `authorization { users: [
		{user: alice, password: a, permissions: {
			publish: {allow: ["foo.>", "_INBOX.>"], deny: ["foo.secret"]},
			subscribe: {allow: ["foo.*", "bar q1", "_INBOX.>"]}}}
		{user: bob, password: b}
	] }`, Options{})

	rc, _ := dialRaw(t, s)
	rc.send(`CONNECT {"user":"alice","pass":"a","verbose":false}` + "\r\n" +
		"PUB foo.secret 1\r\nx\r\nPUB bar 1\r\nx\r\nSUB bar 1\r\nSUB bar q2 2\r\nSUB bar q1 3\r\nSUB foo.x 4\r\nPING\r\n")
	rc.expect(`-ERR 'Permissions Violation for Publish to "foo.secret"'`,
		`-ERR 'Permissions Violation for Publish to "bar"'`,
		`-ERR 'Permissions Violation for Subscription to "bar"'`,
		`-ERR 'Permissions Violation for Subscription to "bar" using queue "q2"'`,
		"PONG")

	// The allowed subscriptions work, and nothing denied was delivered.
	bob, err := nats.Connect(s.clientURL(), nats.UserInfo("bob", "b"))
	if err != nil {
		t.Fatal(err)
	}
	defer bob.Close()
	bob.Publish("foo.x", []byte("1"))
	bob.Publish("bar", []byte("2"))
	bob.Flush()
	rc.expect("MSG foo.x 4 1", "1", "MSG bar 3 1", "2")
}

func TestAllowResponsesLetsAResponderAnswerOnlyRequestsItGot(t *testing.T) {
	s := authServer(t, `authorization { users: [
		{user: svc, password: s, permissions: {subscribe: "svc.>", publish: {deny: ">"}, allow_responses: true}}
		{user: app, password: a}
	] }`, Options{})
	svc, err := nats.Connect(s.clientURL(), nats.UserInfo("svc", "s"))
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	var violations atomic.Int32
	svc.SetErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
		if errors.Is(err, nats.ErrPermissionViolation) {
			violations.Add(1)
		}
	})
	svc.Subscribe("svc.echo", func(m *nats.Msg) { m.Respond(m.Data) })
	svc.Flush()

	app, err := nats.Connect(s.clientURL(), nats.UserInfo("app", "a"))
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	for i := 0; i < 3; i++ {
		r, err := app.Request("svc.echo", []byte("ping"), 5*time.Second)
		if err != nil || string(r.Data) != "ping" {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	// Publishing anywhere else is still refused.
	svc.Publish("elsewhere", []byte("x"))
	svc.Flush()
	waitFor(t, "permission violation", 5*time.Second, func() bool { return violations.Load() == 1 })
}

func TestSlowCredentialCheckDoesNotHoldUpTheLoop(t *testing.T) {
	hash, _ := bcrypt.GenerateFromPassword([]byte("slow"), 11) // a hundred milliseconds or more to check
	s := authServer(t, `authorization { timeout: 60, users: [{user: u, password: "`+string(hash)+`"}] }`,
		Options{EventLoops: 1}) // one loop: the waiting client and the busy one share it
	busy, err := nats.Connect(s.clientURL(), nats.UserInfo("u", "slow"), nats.Timeout(time.Minute)) // bcrypt under -race on a busy machine
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	sub, _ := busy.SubscribeSync("echo")

	rc, _ := dialRaw(t, s)
	rc.send(`CONNECT {"user":"u","pass":"slow","verbose":false}` + "\r\nPING\r\n")
	// While the check runs, the connected client completes round trips on the same loop.
	for i := 0; i < 20; i++ {
		busy.Publish("echo", []byte("x"))
		if _, err := sub.NextMsg(5 * time.Second); err != nil {
			t.Fatal(err)
		}
	}
	if s.numAuthenticated() != 1 {
		t.Fatal("the slow check finished before the other client's 20 round trips: the test proves nothing")
	}
	_ = rc.nc.SetReadDeadline(time.Now().Add(time.Minute))
	if l, err := rc.r.ReadString('\n'); err != nil || l != "PONG\r\n" {
		t.Fatalf("after the check: %q %v", l, err)
	}
}

// numAuthenticated counts admitted clients, on their loops.
func (s *Server) numAuthenticated() int {
	n := 0
	s.onEveryLoop(func(l *loop, _ time.Time) {
		for _, c := range l.clients {
			if c.authed {
				n++
			}
		}
	})
	return n
}

func encodeSig(sig []byte) string { return base64.RawURLEncoding.EncodeToString(sig) }

func TestReloadRechecksAdmittedClients(t *testing.T) {
	before := `authorization { users: [
		{user: alice, password: a, permissions: {subscribe: ["foo.*", "bar"]}}
		{user: bob, password: b}
	] }`
	after := `authorization { users: [{user: alice, password: a, permissions: {subscribe: ["bar"]}}] }`
	s := authServer(t, before, Options{})

	alice, _ := dialRaw(t, s)
	alice.send(`CONNECT {"user":"alice","pass":"a","verbose":false}` + "\r\nSUB foo.x 1\r\nSUB bar 2\r\nPING\r\n")
	alice.expect("PONG")
	bob, _ := dialRaw(t, s)
	bob.send(`CONNECT {"user":"bob","pass":"b","verbose":false}` + "\r\nPING\r\n")
	bob.expect("PONG")

	opts := s.Options()
	withAuth(t, after, &opts)
	if err := s.Reload(opts); err != nil {
		t.Fatal(err)
	}
	// alice loses the subscription the new permissions deny, with nats-server's -ERR; bob, no longer a
	// user, is closed without one.
	alice.expect(`-ERR 'Permissions Violation for Subscription to "foo.x" (sid "1")'`)
	bob.expectClosed()
	if _, err := nats.Connect(s.clientURL(), nats.UserInfo("bob", "b"), nats.NoReconnect()); !errors.Is(err, nats.ErrAuthorization) {
		t.Fatalf("bob after reload: %v", err)
	}
	pub, err := nats.Connect(s.clientURL(), nats.UserInfo("alice", "a"))
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	pub.Publish("foo.x", []byte("gone"))
	pub.Publish("bar", []byte("kept"))
	pub.Flush()
	alice.expect("MSG bar 2 4", "kept")
}

func benchAuthServer(b *testing.B, conf string) *Server { return authServer(b, conf, Options{}) }
