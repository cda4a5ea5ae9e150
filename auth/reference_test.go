package auth

import (
	"bufio"
	"encoding/json"
	"fmt"
	"github.com/nats-io/jwt/v2"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/reactor-nats/reactor/internal/testref"
)

// The tables of this package are nats-server's observed behaviour. These tests hold them to it: each case
// also runs against the reference nats-server v2.15.2 (bin/nats-server, installed by `make tools`, or
// $NATS_SERVER_BIN), over raw sockets. They skip when it is not installed.

func referenceBinary(t *testing.T) string { return testref.NatsServer(t) }

// referenceServer starts nats-server with the config text on a free loopback port and returns its
// address; it is killed when the test ends.
func referenceServer(t *testing.T, conf string) string {
	t.Helper()
	addr, err := startReference(t, conf)
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

// startReference starts nats-server with conf and waits until it listens (its address) or exits (an
// error carrying its output).
func startReference(t *testing.T, conf string) (string, error) {
	t.Helper()
	return testref.TryNatsServer(t, "-c", testref.ConfFile(t, conf))
}

// refConn is a raw client connection to the reference server.
type refConn struct {
	t     *testing.T
	conn  net.Conn
	in    *bufio.Reader
	nonce string
}

func dialReference(t *testing.T, addr string) *refConn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	rc := &refConn{t: t, conn: conn, in: bufio.NewReader(conn)}
	line := rc.line()
	var info struct {
		Nonce string `json:"nonce"`
	}
	if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "INFO ")), &info); err != nil {
		t.Fatalf("INFO %q: %v", line, err)
	}
	rc.nonce = info.Nonce
	return rc
}

func (rc *refConn) line() string {
	rc.t.Helper()
	line, err := rc.in.ReadString('\n')
	if err != nil {
		rc.t.Fatalf("read: %v (got %q)", err, line)
	}
	return strings.TrimRight(line, "\r\n")
}

func (rc *refConn) send(format string, args ...any) {
	rc.t.Helper()
	if _, err := fmt.Fprintf(rc.conn, format, args...); err != nil {
		rc.t.Fatal(err)
	}
}

// connect sends CONNECT with the given credential fields and reports the -ERR, if any, that the server
// answered before its PONG ("" when accepted). A refused connection is closed after the -ERR.
func (rc *refConn) connect(fields map[string]any) string {
	rc.t.Helper()
	msg := map[string]any{"verbose": false, "pedantic": false, "protocol": 1}
	for k, v := range fields {
		msg[k] = v
	}
	body, _ := json.Marshal(msg)
	rc.send("CONNECT %s\r\nPING\r\n", body)
	errs, _ := rc.untilPong()
	return errs
}

// untilPong sends nothing; it reads up to the next PONG and returns the -ERR lines and MSG subjects seen.
func (rc *refConn) untilPong() (errs string, msgSubjects []string) {
	rc.t.Helper()
	for {
		line, err := rc.in.ReadString('\n')
		line = strings.TrimRight(line, "\r\n")
		switch {
		case err != nil:
			return errs, msgSubjects // closed after an -ERR
		case line == "PONG":
			return errs, msgSubjects
		case strings.HasPrefix(line, "-ERR"):
			errs += line
		case strings.HasPrefix(line, "MSG "):
			msgSubjects = append(msgSubjects, strings.Fields(line)[1])
			rc.line() // payload
		}
	}
}

// ping round-trips, returning what arrived before the PONG.
func (rc *refConn) ping() (errs string, msgSubjects []string) {
	rc.t.Helper()
	rc.send("PING\r\n")
	return rc.untilPong()
}

func TestPermissionMatrixHoldsForReferenceServer(t *testing.T) {
	referenceBinary(t)
	// One user per distinct permissions block, and an unrestricted publisher for delivery cases.
	users := map[string]string{}
	var conf strings.Builder
	conf.WriteString("authorization { users: [\n  {user: admin, password: pw}\n")
	for _, pc := range permCases {
		if _, ok := users[pc.perms]; !ok {
			users[pc.perms] = fmt.Sprintf("u%d", len(users))
			fmt.Fprintf(&conf, "  {user: %s, password: pw, permissions: %s}\n", users[pc.perms], pc.perms)
		}
	}
	conf.WriteString("] }\n")
	addr := referenceServer(t, conf.String())

	for _, pc := range permCases {
		rc := dialReference(t, addr)
		if errs := rc.connect(map[string]any{"user": users[pc.perms], "pass": "pw"}); errs != "" {
			t.Fatalf("%s: connect: %s", pc, errs)
		}
		var got bool
		switch pc.op {
		case opPublish:
			rc.send("PUB %s 0\r\n\r\n", pc.subject)
			errs, _ := rc.ping()
			got = errs == ""
			if !got && errs != fmt.Sprintf("-ERR 'Permissions Violation for Publish to %q'", pc.subject) {
				t.Errorf("%s: unexpected error text %s", pc, errs)
			}
		case opSubscribe:
			rc.send("SUB %s %s 1\r\n", pc.subject, pc.queue)
			errs, _ := rc.ping()
			got = errs == ""
			want := fmt.Sprintf("-ERR 'Permissions Violation for Subscription to %q'", pc.subject)
			if pc.queue != "" {
				want = fmt.Sprintf("-ERR 'Permissions Violation for Subscription to %q using queue %q'", pc.subject, pc.queue)
			}
			if !got && errs != want {
				t.Errorf("%s: error text %s, want %s", pc, errs, want)
			}
		case opDeliver:
			rc.send("SUB %s %s 1\r\n", pc.on, pc.queue)
			if errs, _ := rc.ping(); errs != "" {
				t.Fatalf("%s: SUB refused: %s", pc, errs)
			}
			pub := dialReference(t, addr)
			if errs := pub.connect(map[string]any{"user": "admin", "pass": "pw"}); errs != "" {
				t.Fatalf("admin connect: %s", errs)
			}
			pub.send("PUB %s 0\r\n\r\n", pc.subject)
			pub.ping()
			_, delivered := rc.ping()
			got = len(delivered) == 1 && delivered[0] == pc.subject
			pub.conn.Close()
		}
		// Drop the subscription before the next case: a queue subscription left behind would share its
		// group with the next case's, and the PING makes sure the server has processed the UNSUB.
		rc.send("UNSUB 1\r\n")
		rc.ping()
		rc.conn.Close()
		if got != pc.want {
			t.Errorf("%s: nats-server says %v, the table says %v", pc, got, pc.want)
		}
	}
}

func TestAuthenticationHoldsForReferenceServer(t *testing.T) {
	referenceBinary(t)
	suites := append(configModeSuites(t), operatorSuite(t))
	for _, suite := range append(suites, strictAndTrustedKeySuites(t)...) {
		t.Run(suite.name, func(t *testing.T) {
			addr := referenceServer(t, suite.conf)
			for _, tc := range suite.cases {
				rc := dialReference(t, addr)
				errs := rc.connect(tc.connect(rc.nonce))
				if accepted := errs == ""; accepted != tc.want {
					t.Errorf("%s: nats-server accepted %v (%s), the table says %v", tc.name, accepted, errs, tc.want)
				} else if !accepted && errs != "-ERR 'Authorization Violation'" {
					t.Errorf("%s: refused with %s, want -ERR 'Authorization Violation'", tc.name, errs)
				}
				rc.conn.Close()
			}
		})
	}
}

// A scoped signing key's template, placeholders expanded, is what the user may do: in nats-server and in
// the Checker built from the Grant.
func TestScopedTemplateHoldsForReferenceServer(t *testing.T) {
	referenceBinary(t)
	chain := newTrustChain(t, nil)
	acc, scopedKey, user := newAccountKey(t), newAccountKey(t), newUserKey(t)
	accJWT := chain.accountJWT(t, acc, chain.operator, func(ac *jwt.AccountClaims) {
		ac.Tags.Add("region:eu")
		scope := jwt.NewUserScope()
		scope.Key = scopedKey.pub
		scope.Template.Pub.Allow.Add("{{name()}}.>", "{{tag(team)}}.{{account-tag(region)}}")
		scope.Template.Sub.Deny.Add("{{subject()}}")
		ac.SigningKeys.AddScopedSigner(scope)
	})
	token := userJWT(t, user, scopedKey, acc.pub, func(uc *jwt.UserClaims) {
		uc.SetScoped(true)
		uc.Name = "bob"
		uc.Tags.Add("team:red", "team:blue")
	})
	conf := fmt.Sprintf("operator: %s\nresolver: MEMORY\nresolver_preload: { %s: %s, %s: %s }\n",
		chain.opJWT, chain.system.pub, chain.sysJWT, acc.pub, accJWT)
	a := authenticatorFor(t, conf)
	g, err := a.Authenticate(requestFor(withJWT(t, token, &user)("n"), "n"))
	if err != nil {
		t.Fatal(err)
	}
	checker := NewChecker(g.Permissions)
	rc := dialReference(t, referenceServer(t, conf))
	if errs := rc.connect(withJWT(t, token, &user)(rc.nonce)); errs != "" {
		t.Fatal(errs)
	}
	publish := map[string]bool{"bob.x": true, "alice.x": false, "red.eu": true, "blue.eu": true, "green.eu": false, "red.us": false}
	for subject, want := range publish {
		rc.send("PUB %s 0\r\n\r\n", subject)
		errs, _ := rc.ping()
		if ours, theirs := checker.CanPublish([]byte(subject)), errs == ""; ours != want || theirs != want {
			t.Errorf("PUB %s: Checker says %v, nats-server %v, want %v", subject, ours, theirs, want)
		}
	}
	for subject, want := range map[string]bool{user.pub: false, "bob.x": true} {
		rc.send("SUB %s 1\r\nUNSUB 1\r\n", subject)
		errs, _ := rc.ping()
		if ours, theirs := checker.CanSubscribe([]byte(subject), nil), errs == ""; ours != want || theirs != want {
			t.Errorf("SUB %s: Checker says %v, nats-server %v, want %v", subject, ours, theirs, want)
		}
	}
}
