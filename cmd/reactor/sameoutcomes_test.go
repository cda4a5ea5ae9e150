package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"
)

// These tests run nats-server and reactor from the same configuration file, unchanged, and give both the
// same clients: each scenario's observable outcome (connect errors, messages received, replies,
// asynchronous errors) must be the same on both, and must be what the table says nats-server does.

// outcomeScenario is one client story. want is nats-server's outcome, which the test checks too, so that a
// scenario that went wrong on both servers alike does not pass.
type outcomeScenario struct {
	name string
	want string
	run  func(tr *trial)
}

// Outcomes several scenarios share.
const (
	publishViolation    = `limited got allowed.ok: ok; limited told: nats: permissions violation: Permissions Violation for Publish to "allowed.secret"`
	subscribeViolation  = `limited told: nats: permissions violation: Permissions Violation for Subscription to "forbidden"`
	connectionsExceeded = "connect second: nats: maximum account active connections exceeded"
	// nats-server's INFO after the first PONG carries the account's or user's lower max_payload, so nats.go
	// refuses the publish itself and the connection stays up.
	payloadRefused = "pay max_payload 16; pay got payload: pppppppppppppppp; pay publish payload: nats: maximum payload exceeded; pay connected: true"
	// reactor's INFO keeps the server's max_payload: the client sends the payload and is disconnected for it.
	payloadDisconnected = "pay max_payload 1048576; pay got payload: pppppppppppppppp; pay flush: nats: connection closed; pay connected: false"
)

// checkSameOutcomes starts both servers on the file and runs every scenario on each. knownDifferences maps
// a scenario's name to reactor's outcome today where it is not nats-server's: the scenario is skipped,
// naming the difference, while reactor gives exactly that outcome, and checked again once it does not.
func checkSameOutcomes(t *testing.T, confPath string, scenarios []outcomeScenario, knownDifferences map[string]string) {
	t.Helper()
	ref := startDaemonBinary(t, natsServerBinary(t), "-c", confPath)
	ours := startDaemonBinary(t, reactorBinary(t), "-c", confPath)
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			refGot, ourGot := runTrial(t, ref.url, sc.run), runTrial(t, ours.url, sc.run)
			if refGot != sc.want {
				t.Errorf("nats-server:\n got %s\nwant %s", refGot, sc.want)
			}
			switch {
			case ourGot == refGot:
			case knownDifferences[sc.name] != "" && ourGot == knownDifferences[sc.name]:
				t.Skipf("known difference: reactor %s; nats-server %s", ourGot, refGot)
			default:
				t.Errorf("reactor:\n got %s\nnats-server %s", ourGot, refGot)
			}
		})
	}
}

// trial is one scenario's run against one server: what the clients observed, in order.
type trial struct {
	t     *testing.T
	url   string
	notes []string
	conns []*observer
}

// observer is a nats.go connection whose asynchronous errors are kept, in order.
type observer struct {
	who  string
	nc   *nats.Conn
	errs chan error
}

func runTrial(t *testing.T, url string, run func(*trial)) string {
	tr := &trial{t: t, url: url}
	defer func() {
		for _, o := range tr.conns {
			o.nc.Close()
		}
	}()
	run(tr)
	return strings.Join(tr.notes, "; ")
}

func (tr *trial) note(format string, args ...any) {
	tr.notes = append(tr.notes, fmt.Sprintf(format, args...))
}

// connect connects who as nats.go would, without reconnecting; a refusal is noted and nil returned.
func (tr *trial) connect(who string, opts ...nats.Option) *observer {
	o := &observer{who: who, errs: make(chan error, 16)}
	opts = append([]nats.Option{
		nats.Name(who), nats.NoReconnect(), nats.Timeout(5 * time.Second),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { o.errs <- err }),
	}, opts...)
	nc, err := nats.Connect(tr.url, opts...)
	if err != nil {
		tr.note("connect %s: %v", who, err)
		return nil
	}
	o.nc = nc
	tr.conns = append(tr.conns, o)
	return o
}

// subscribe subscribes and waits for the server to have the subscription.
func (tr *trial) subscribe(o *observer, subject string) *nats.Subscription {
	sub, err := o.nc.SubscribeSync(subject)
	if err != nil {
		tr.t.Fatalf("%s: subscribe %s: %v", o.who, subject, err)
	}
	tr.flush(o)
	return sub
}

func (tr *trial) publish(o *observer, subject, data string) {
	if err := o.nc.Publish(subject, []byte(data)); err != nil {
		tr.note("%s publish %s: %v", o.who, subject, err)
	}
}

func (tr *trial) flush(o *observer) {
	if err := o.nc.FlushTimeout(5 * time.Second); err != nil {
		tr.note("%s flush: %v", o.who, err)
	}
}

// expectMsg notes the next message sub gets, or that none came.
func (tr *trial) expectMsg(o *observer, sub *nats.Subscription) {
	m, err := sub.NextMsg(2 * time.Second)
	if err != nil {
		tr.note("%s got no message: %v", o.who, err)
		return
	}
	tr.note("%s got %s: %s", o.who, m.Subject, m.Data)
}

// expectError notes the next asynchronous error o is told of, or that none came.
func (tr *trial) expectError(o *observer) {
	select {
	case err := <-o.errs:
		tr.note("%s told: %v", o.who, err)
	case <-time.After(2 * time.Second):
		tr.note("%s told nothing", o.who)
	}
}

func (tr *trial) request(o *observer, subject, data string) {
	m, err := o.nc.Request(subject, []byte(data), 2*time.Second)
	if err != nil {
		tr.note("%s request %s: %v", o.who, subject, err)
		return
	}
	tr.note("%s got reply: %s", o.who, m.Data)
}

// pubSub connects who, which publishes to its own subscription.
func pubSub(who, subject string, opts ...nats.Option) func(*trial) {
	return func(tr *trial) {
		if o := tr.connect(who, opts...); o != nil {
			sub := tr.subscribe(o, subject)
			tr.publish(o, subject, "hello")
			tr.expectMsg(o, sub)
		}
	}
}

// serviceImport: svc answers on its exported service, app requests it under the name it imports it as.
func serviceImport(svcOpt, appOpt nats.Option, exported, imported string) func(*trial) {
	return func(tr *trial) {
		svc, app := tr.connect("svc", svcOpt), tr.connect("app", appOpt)
		if svc == nil || app == nil {
			return
		}
		if _, err := svc.nc.Subscribe(exported, func(m *nats.Msg) { _ = m.Respond(append([]byte("echo "), m.Data...)) }); err != nil {
			tr.t.Fatal(err)
		}
		tr.flush(svc)
		tr.request(app, imported, "ping")
	}
}

// streamImport: svc publishes on its exported stream, app receives it under its import's prefix.
func streamImport(svcOpt, appOpt nats.Option) func(*trial) {
	return func(tr *trial) {
		svc, app := tr.connect("svc", svcOpt), tr.connect("app", appOpt)
		if svc == nil || app == nil {
			return
		}
		sub := tr.subscribe(app, "imported.feed.>")
		tr.publish(svc, "feed.news", "extra")
		tr.expectMsg(app, sub)
	}
}

// isolated: what app publishes does not reach svc's subscription on the same subject in another account.
// svc then publishes itself, after app's message has been routed, so the first message svc gets tells.
func isolated(svcOpt, appOpt nats.Option) func(*trial) {
	return func(tr *trial) {
		svc, app := tr.connect("svc", svcOpt), tr.connect("app", appOpt)
		if svc == nil || app == nil {
			return
		}
		sub := tr.subscribe(svc, "iso.x")
		tr.publish(app, "iso.x", "from app")
		tr.flush(app)
		tr.publish(svc, "iso.x", "from svc")
		tr.expectMsg(svc, sub)
	}
}

// publishDenied: who publishes to a denied subject and an allowed one; the allowed one arrives, the denied
// one is reported.
func publishDenied(who string, opt nats.Option) func(*trial) {
	return func(tr *trial) {
		if o := tr.connect(who, opt); o != nil {
			sub := tr.subscribe(o, "allowed.>")
			tr.publish(o, "allowed.secret", "secret")
			tr.publish(o, "allowed.ok", "ok")
			tr.expectMsg(o, sub)
			tr.expectError(o)
		}
	}
}

// subscribeDenied: who subscribes where it may not.
func subscribeDenied(who string, opt nats.Option) func(*trial) {
	return func(tr *trial) {
		if o := tr.connect(who, opt); o != nil {
			tr.subscribe(o, "forbidden")
			tr.expectError(o)
		}
	}
}

// subscriptionsOverLimit: who subscribes n times; the last is one too many.
func subscriptionsOverLimit(who string, n int, opt nats.Option) func(*trial) {
	return func(tr *trial) {
		if o := tr.connect(who, opt); o != nil {
			for i := 1; i <= n; i++ {
				tr.subscribe(o, fmt.Sprintf("limit.%d", i))
			}
			tr.expectError(o)
		}
	}
}

// payloadOverLimit: who publishes a payload of limit bytes, then one byte more, to its own subscription.
func payloadOverLimit(who string, limit int, opt nats.Option) func(*trial) {
	return func(tr *trial) {
		if o := tr.connect(who, opt); o != nil {
			sub := tr.subscribe(o, "payload") // the INFO after the first PONG has arrived
			tr.note("%s max_payload %d", who, o.nc.MaxPayload())
			tr.publish(o, "payload", strings.Repeat("p", limit))
			tr.expectMsg(o, sub)
			tr.publish(o, "payload", strings.Repeat("p", limit+1))
			tr.flush(o)
			tr.note("%s connected: %v", who, o.nc.IsConnected())
		}
	}
}

// connectionsOverLimit: a second connection of an account allowed one.
func connectionsOverLimit(opt nats.Option) func(*trial) {
	return func(tr *trial) {
		if first := tr.connect("first", opt); first != nil {
			tr.flush(first)
			tr.connect("second", opt)
		}
	}
}

func nkeyUser(t *testing.T) (pub string, opt nats.Option) {
	t.Helper()
	kp, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	pub, _ = kp.PublicKey()
	return pub, nats.Nkey(pub, kp.Sign)
}

// TestSameOutcomesAsNatsServer runs each configuration file on both servers and its scenarios on each.
func TestSameOutcomesAsNatsServer(t *testing.T) {
	for _, file := range []struct {
		name  string
		setup func(*testing.T) (string, []outcomeScenario, map[string]string)
	}{{"users and accounts", usersAndAccounts}, {"operator mode", operatorMode}} {
		t.Run(file.name, func(t *testing.T) {
			confPath, scenarios, knownDifferences := file.setup(t)
			checkSameOutcomes(t, confPath, scenarios, knownDifferences)
		})
	}
}

// usersAndAccounts: users with passwords and nkeys in accounts that export and import, permissions, account
// limits (connections, subscriptions, payload) and connection types.
func usersAndAccounts(t *testing.T) (confPath string, scenarios []outcomeScenario, knownDifferences map[string]string) {
	nkeyPub, nkeyOpt := nkeyUser(t)
	_, strangerOpt := nkeyUser(t)
	conf := fmt.Sprintf(`accounts {
  SVC {
    users [ { user: svc, password: svcpass } ]
    exports [
      { service: "svc.echo" }
      { stream: "feed.>" }
    ]
  }
  APP {
    users [
      { user: app, password: apppass }
      { nkey: %s }
      { user: limited, password: limitedpass, permissions {
          publish { allow: ["allowed.>"], deny: ["allowed.secret"] }
          subscribe { allow: ["allowed.>"] }
      } }
      { user: wsonly, password: wsonlypass, allowed_connection_types: ["WEBSOCKET"] }
    ]
    imports [
      { service { account: SVC, subject: "svc.echo" }, to: "echo" }
      { stream { account: SVC, subject: "feed.>" }, prefix: "imported" }
    ]
  }
  ONE {
    users [ { user: one, password: onepass } ]
    limits { max_connections: 1, max_subscriptions: 2 }
  }
  PAY {
    users [ { user: pay, password: paypass } ]
    limits { max_payload: 16 }
  }
}
`, nkeyPub)
	confPath = writeConfig(t, conf)
	svc, app := nats.UserInfo("svc", "svcpass"), nats.UserInfo("app", "apppass")
	limited := nats.UserInfo("limited", "limitedpass")
	one := nats.UserInfo("one", "onepass")
	scenarios = []outcomeScenario{
		{"user and password", "app got greet: hello", pubSub("app", "greet", app)},
		{"wrong password", "connect app: nats: Authorization Violation", pubSub("app", "greet", nats.UserInfo("app", "wrong"))},
		{"unknown user", "connect nobody: nats: Authorization Violation", pubSub("nobody", "greet", nats.UserInfo("nobody", "apppass"))},
		{"no credentials", "connect anonymous: nats: Authorization Violation", pubSub("anonymous", "greet")},
		{"nkey user", "nkey got greet: hello", pubSub("nkey", "greet", nkeyOpt)},
		{"unknown nkey", "connect stranger: nats: Authorization Violation", pubSub("stranger", "greet", strangerOpt)},
		{"request through a service import", "app got reply: echo ping", serviceImport(svc, app, "svc.echo", "echo")},
		{"stream import with prefix", "app got imported.feed.news: extra", streamImport(svc, app)},
		{"accounts are isolated", "svc got iso.x: from svc", isolated(svc, app)},
		{"publish permission violation", publishViolation, publishDenied("limited", limited)},
		{"subscribe permission violation", subscribeViolation, subscribeDenied("limited", limited)},
		{"account subscription limit", "one told: nats: server maximum subscriptions exceeded", subscriptionsOverLimit("one", 3, one)},
		{"account connection limit", connectionsExceeded, connectionsOverLimit(one)},
		{"connection type not allowed", "connect wsonly: nats: Authorization Violation", pubSub("wsonly", "greet", nats.UserInfo("wsonly", "wsonlypass"))},
		{"account payload limit", payloadRefused, payloadOverLimit("pay", 16, nats.UserInfo("pay", "paypass"))},
	}
	knownDifferences = map[string]string{"account payload limit": payloadDisconnected}
	return confPath, scenarios, knownDifferences
}

// operatorMode: an operator-mode file with a MEMORY resolver preloaded with accounts made in the test:
// services (one public, two private) and a stream exported by one account and imported by another, a revoked
// user, an expired user, an account allowed one connection, users with subscription and payload limits,
// permissions, a bearer token and allowed connection types.
func operatorMode(t *testing.T) (confPath string, scenarios []outcomeScenario, knownDifferences map[string]string) {
	op := newTestOperator(t)
	svcAcc := op.account(t, "SVC", func(ac *jwt.AccountClaims) {
		ac.Exports.Add(&jwt.Export{Name: "echo", Subject: "svc.echo", Type: jwt.Service},
			&jwt.Export{Name: "feed", Subject: "feed.>", Type: jwt.Stream},
			&jwt.Export{Name: "private", Subject: "svc.private", Type: jwt.Service, TokenReq: true},
			&jwt.Export{Name: "secret", Subject: "svc.secret", Type: jwt.Service, TokenReq: true})
	})
	appAcc := op.account(t, "APP", nil)
	activation := jwt.NewActivationClaims(appAcc.pub)
	activation.ImportSubject, activation.ImportType = "svc.private", jwt.Service
	token, err := activation.Encode(svcAcc.kp)
	if err != nil {
		t.Fatal(err)
	}
	appAcc.claims.Imports.Add(
		&jwt.Import{Name: "echo", Account: svcAcc.pub, Subject: "svc.echo", LocalSubject: "echo", Type: jwt.Service},
		&jwt.Import{Name: "feed", Account: svcAcc.pub, Subject: "feed.>", LocalSubject: "imported.feed.>", Type: jwt.Stream},
		&jwt.Import{Name: "private", Account: svcAcc.pub, Subject: "svc.private", LocalSubject: "private", Type: jwt.Service, Token: token},
		// A private service imported without the activation token it requires.
		&jwt.Import{Name: "secret", Account: svcAcc.pub, Subject: "svc.secret", LocalSubject: "secret", Type: jwt.Service})
	oneAcc := op.account(t, "ONE", func(ac *jwt.AccountClaims) { ac.Limits.Conn = 1 })
	unknownAcc := (&testOperator{kp: op.kp}).account(t, "UNKNOWN", nil)

	creds := func(u *testUser) nats.Option {
		return nats.UserJWTAndSeed(u.jwt, string(u.seed))
	}
	svc := creds(svcAcc.user(t, "svc", nil))
	app := creds(appAcc.user(t, "app", nil))
	revoked := appAcc.user(t, "revoked", nil)
	appAcc.claims.Revoke(revoked.pub)
	expired := creds(appAcc.user(t, "expired", func(uc *jwt.UserClaims) { uc.Expires = time.Now().Add(-time.Hour).Unix() }))
	subsLimited := creds(appAcc.user(t, "subs-limited", func(uc *jwt.UserClaims) { uc.Limits.Subs = 1 }))
	limited := creds(appAcc.user(t, "limited", func(uc *jwt.UserClaims) {
		uc.Pub.Allow.Add("allowed.>")
		uc.Pub.Deny.Add("allowed.secret")
		uc.Sub.Allow.Add("allowed.>")
	}))
	unsigned := func(u *testUser) nats.Option {
		return nats.UserJWT(func() (string, error) { return u.jwt, nil }, func([]byte) ([]byte, error) { return nil, nil })
	}
	bearer := unsigned(appAcc.user(t, "bearer", func(uc *jwt.UserClaims) { uc.BearerToken = true }))
	notBearer := unsigned(appAcc.user(t, "not-bearer", nil))
	payLimited := creds(appAcc.user(t, "pay", func(uc *jwt.UserClaims) { uc.Limits.Payload = 16 }))
	wsOnly := creds(appAcc.user(t, "wsonly", func(uc *jwt.UserClaims) { uc.AllowedConnectionTypes.Add(jwt.ConnectionTypeWebsocket) }))
	one := creds(oneAcc.user(t, "one", nil))
	stranger := creds(unknownAcc.user(t, "stranger", nil))

	dir := t.TempDir()
	confPath = filepath.Join(dir, "operator.conf")
	rewrite(t, confPath, op.config(t, dir))
	scenarios = []outcomeScenario{
		{"user JWT", "app got greet: hello", pubSub("app", "greet", app)},
		{"no credentials", "connect anonymous: nats: Authorization Violation", pubSub("anonymous", "greet")},
		{"user of an account the resolver lacks", "connect stranger: nats: Authorization Violation", pubSub("stranger", "greet", stranger)},
		{"revoked user", "connect revoked: nats: Authorization Violation", pubSub("revoked", "greet", creds(revoked))},
		{"expired user", "connect expired: nats: Authorization Violation", pubSub("expired", "greet", expired)},
		{"bearer token user without a signature", "bearer got greet: hello", pubSub("bearer", "greet", bearer)},
		{"user without a signature", "connect not-bearer: nats: Authorization Violation", pubSub("not-bearer", "greet", notBearer)},
		{"connection type not allowed", "connect wsonly: nats: Authorization Violation", pubSub("wsonly", "greet", wsOnly)},
		{"request through a service import", "app got reply: echo ping", serviceImport(svc, app, "svc.echo", "echo")},
		{"request through a private service import with its activation token", "app got reply: echo ping", serviceImport(svc, app, "svc.private", "private")},
		{"request through a private service import without a token", "app request secret: nats: no responders available for request",
			serviceImport(svc, app, "svc.secret", "secret")},
		{"stream import with local subject", "app got imported.feed.news: extra", streamImport(svc, app)},
		{"accounts are isolated", "svc got iso.x: from svc", isolated(svc, app)},
		{"publish permission violation", publishViolation, publishDenied("limited", limited)},
		{"subscribe permission violation", subscribeViolation, subscribeDenied("limited", limited)},
		{"user subscription limit", "subs-limited told: nats: server maximum subscriptions exceeded", subscriptionsOverLimit("subs-limited", 2, subsLimited)},
		{"account connection limit", connectionsExceeded, connectionsOverLimit(one)},
		{"user payload limit", payloadRefused, payloadOverLimit("pay", 16, payLimited)},
	}
	knownDifferences = map[string]string{
		"user payload limit": payloadDisconnected,
		// reactor carries activation tokens without checking them, so the import is made.
		"request through a private service import without a token": "app got reply: echo ping",
	}
	return confPath, scenarios, knownDifferences
}
