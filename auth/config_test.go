package auth

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/reactor-nats/reactor/config"
)

// confFixture supplies generated keys to config texts, which name them with placeholders: {OP} (operator
// JWT), {OPPUB}, {SYSPUB}, {SYSJWT}, {ACCPUB}, {ACCJWT}, {UKEY} (a user nkey), {DIR} (a fresh directory).
// Placeholders sit at line ends in the error cases, so the expected columns do not depend on key lengths.
type confFixture struct {
	chain    *trustChain
	account  keyPair
	accJWT   string
	userKey  keyPair
	replacer *strings.Replacer
}

func newConfFixture(t *testing.T) *confFixture {
	f := &confFixture{chain: newTrustChain(t, nil), account: newAccountKey(t), userKey: newUserKey(t)}
	f.accJWT = f.chain.accountJWT(t, f.account, f.chain.operator, nil)
	f.replacer = strings.NewReplacer(
		"{OP}", f.chain.opJWT, "{OPPUB}", f.chain.operator.pub,
		"{SYSPUB}", f.chain.system.pub, "{SYSJWT}", f.chain.sysJWT,
		"{ACCPUB}", f.account.pub, "{ACCJWT}", f.accJWT,
		"{UKEY}", f.userKey.pub, "{DIR}", filepath.Join(t.TempDir(), "jwt"),
	)
	return f
}

func (f *confFixture) expand(conf string) string { return f.replacer.Replace(conf) }

func parseConf(t *testing.T, text string) *config.Map {
	t.Helper()
	m, err := config.Parse("auth.conf", []byte(text))
	if err != nil {
		t.Fatalf("config.Parse: %v\n%s", err, text)
	}
	return m
}

// configRefusals are configs nats-server refuses (at parse time or at start) and FromConfig refuses
// with a position. The reference test checks that nats-server refuses each one for the same reason: its
// output must contain want's message, or refSays where nats-server words it differently (it reports
// wrong types with Go's type names, and some refusals at line 1 column 0 or without a position, where
// FromConfig points at the offending value); alternatives are separated by '|' where nats-server's
// wording depends on the order its map iteration visits keys. notInReference says why a case is not
// held to nats-server: keys reactor does not implement, which nats-server accepts, or a refusal
// nats-server makes only in some key orders.
var configRefusals = []struct {
	name, conf, want string
	refSays          string
	notInReference   string
}{
	{name: "unknown key in authorization", conf: "authorization {\n  user: a\n  password: b\n  bogus: 1\n}",
		want: `auth.conf:4:3: unknown field "bogus"`},
	{name: "unknown key in a user", conf: "authorization {\n  users: [ {user: a, password: b, bogus: 2} ]\n}",
		want: `auth.conf:2:35: unknown field "bogus"`},
	{name: "user in two accounts", conf: "accounts {\n  A: { users: [ {user: a, password: b} ] }\n  B: { users: [ {user: a, password: c} ] }\n}",
		want: `auth.conf:3:17: Duplicate user "a" detected`},
	{name: "user in authorization and an account", conf: "authorization { users: [ {user: a} ] }\naccounts {\n  A: { users: [ {user: a} ] }\n}",
		want: `auth.conf:3:17: Duplicate user "a" detected`},
	{name: "user twice in authorization", conf: "authorization {\n  users: [\n    {user: a},\n    {user: a} ] }",
		want: `auth.conf:4:5: Duplicate user "a" detected`},
	{name: "user twice in an account", conf: "accounts {\n  A: { users: [ {user: a}, {user: a} ] }\n}",
		want: `auth.conf:2:28: Duplicate user "a" detected`},
	{name: "nkey twice", conf: "accounts {\n  A: { users: [ {nkey: {UKEY}} ] }\n  B: { users: [\n    {nkey: {UKEY}} ] }\n}",
		want: `auth.conf:4:5: Duplicate nkey "{UKEY}" detected`},
	{name: "import from an unknown account", conf: "accounts {\n  A: { imports: [ {stream: {account: C, subject: x}} ] }\n}",
		want: `auth.conf:2:19: "C" account not defined for stream import`},
	{name: "import of a subject not exported", conf: "accounts {\n  A: { exports: [ {stream: x} ] }\n  B: { imports: [ {stream: {account: A, subject: y}} ] }\n}",
		want: `auth.conf:3:19: Error adding stream import "y": stream import not authorized`},
	{name: "import of an export for another account", conf: "accounts {\n  A: { exports: [ {service: x, accounts: [C]} ] }\n  B: { imports: [ {service: {account: A, subject: x}} ] }\n  C: {}\n}",
		want: `auth.conf:3:19: Error adding service import "x": service import not authorized`},
	{name: "import of a stream exported as a service", conf: "accounts {\n  A: { exports: [ {service: x} ] }\n  B: { imports: [ {stream: {account: A, subject: x}} ] }\n}",
		want: `auth.conf:3:19: Error adding stream import "x": stream import not authorized`},
	{name: "export to an unknown account", conf: "accounts {\n  A: { exports: [ {stream: x, accounts: [Q]} ] }\n}",
		want: `auth.conf:2:19: "Q" account not defined for stream export`},
	{name: "duplicate service import", conf: "accounts {\n  A: { exports: [ {service: x} ] }\n  B: { imports: [\n    {service: {account: A, subject: x}},\n    {service: {account: A, subject: x}} ] }\n}",
		want: `auth.conf:5:5: Duplicate service import subject "x", previously used in import for account "A", subject "x"`},
	{name: "import without a subject", conf: "accounts {\n  A: { imports: [ {stream: {account: B}} ] }\n  B: {}\n}",
		want: `auth.conf:2:28: Expect an account name and a subject`},
	{name: "import with prefix and to", notInReference: "nats-server refuses it only when it happens to visit 'to' after 'prefix'", conf: "accounts {\n  A: { imports: [ {stream: {account: B, subject: x}, prefix: p, to: q} ] }\n  B: { exports: [ {stream: x} ] }\n}",
		want: `auth.conf:2:65: Stream import can not have a 'prefix' and a 'to' property`},
	{name: "response type on a stream", conf: "accounts {\n  A: { exports: [ {stream: x, response_type: stream} ] }\n}",
		want: `auth.conf:2:31: Detected response directive on non-service`},
	{name: "unknown response type", conf: "accounts {\n  A: { exports: [ {service: x, response_type: bogus} ] }\n}",
		want: `auth.conf:2:47: Unknown response type: "bogus"`},
	{name: "unknown key in an export", conf: "accounts {\n  A: { exports: [ {service: x, bogus: 1} ] }\n}",
		want: `auth.conf:2:32: unknown field "bogus"`},
	{name: "not a valid user nkey", conf: "authorization {\n  users: [ {nkey: UABCD} ]\n}",
		want: `auth.conf:2:12: Not a valid public nkey for a user`},
	{name: "nkey user with a password", conf: "authorization {\n  users: [\n    {password: x, nkey: {UKEY}} ]\n}",
		want: `auth.conf:3:5: Nkey users do not take usernames or passwords`},
	{name: "user name of the wrong type", refSays: `interface {} is int64, not string`, conf: "authorization { user: 1 }",
		want: `auth.conf:1:23: user: want a string, got int`},
	{name: "timeout not a duration", conf: "authorization { timeout: \"abc\" }",
		want: `auth.conf:1:26: error parsing authorization config, 'timeout' time: invalid duration "abc"`},
	{name: "timeout of the wrong type", conf: "authorization { timeout: true }",
		want: `auth.conf:1:26: error parsing authorization config, 'timeout' wrong type`},
	{name: "users not an array", refSays: `Expected users field to be an array, got 5`, conf: "authorization { users: 5 }",
		want: `auth.conf:1:24: Expected users field to be an array, got int`},
	{name: "user entry not a map", refSays: `Expected user entry to be a map/struct, got 5`, conf: "authorization { users: [ 5 ] }",
		want: `auth.conf:1:26: Expected user entry to be a map/struct, got int`},
	{name: "user entry without a user", conf: "authorization { users: [ {password: a} ] }",
		want: `auth.conf:1:26: User entry requires a user`},
	{name: "permissions not a map", refSays: `Expected permissions to be a map/struct, got 1`, conf: "authorization { users: [ {user: a, permissions: 1} ] }",
		want: `auth.conf:1:49: Expected permissions to be a map/struct, got int`},
	{name: "permission subject of the wrong type", refSays: `got int64`, conf: "authorization { users: [ {user: a, permissions: {publish: 1}} ] }",
		want: `auth.conf:1:59: Expected subject permissions to be a subject, or array of subjects, got int`},
	{name: "publish entry with a queue", conf: "authorization { users: [ {user: a, permissions: {publish: {allow: \"a b\"}}} ] }",
		want: `auth.conf:1:67: subject "a b" is not a valid subject`},
	{name: "subscribe entry with two queues", conf: "authorization { users: [ {user: a, permissions: {subscribe: {allow: \"a b c\"}}} ] }",
		want: `auth.conf:1:69: subject "a b c" is not a valid subject`},
	{name: "invalid permission subject", conf: "authorization { users: [ {user: a, permissions: {publish: \"a..b\"}} ] }",
		want: `auth.conf:1:59: subject "a..b" is not a valid subject`},
	{name: "unknown key in subject permissions", conf: "authorization { users: [ {user: a, permissions: {subscribe: {bogus: a}}} ] }",
		want: `auth.conf:1:62: Unknown field name "bogus" parsing subject permissions, only 'allow' or 'deny' are permitted`},
	{name: "unknown key in permissions", conf: "authorization { users: [ {user: a, permissions: {bogus: a}} ] }",
		want: `auth.conf:1:50: Unknown field "bogus" parsing permissions`},
	{name: "allow_responses of the wrong type", conf: "authorization { users: [ {user: a, permissions: {allow_responses: 1}} ] }",
		want: `auth.conf:1:67: error parsing response permissions, expected a boolean or a map`},
	{name: "allow_responses expires not a duration", conf: "authorization { users: [ {user: a, permissions: {allow_responses: {expires: 5}}} ] }",
		want: `auth.conf:1:77: error parsing expires, not a duration string`},
	{name: "user and token", conf: "authorization { user: a, token: b }",
		want: `auth.conf:1:15: Cannot have a user/pass and token`},
	{name: "user and users", conf: "authorization { user: a, users: [ {user: b} ] }",
		want: `auth.conf:1:15: Can not have a single user/pass and a users array`},
	{name: "token and users", conf: "authorization { token: a, users: [ {user: b} ] }",
		want: `auth.conf:1:15: Can not have a token and a users array`},
	{name: "single user and account users", refSays: "Can not have a single user/pass and accounts|Can not have a single user/pass and a users array", conf: "authorization { user: x, password: y }\naccounts {\n  A: { users: [ {user: a} ] }\n}",
		want: `auth.conf:3:15: Can not have a single user/pass and accounts`},
	{name: "token and account users", refSays: "Can not have a token and accounts|Can not have a token and a users array", conf: "authorization { token: t }\naccounts {\n  A: { users: [ {user: a} ] }\n}",
		want: `auth.conf:3:15: Can not have a token and accounts`},
	{name: "unknown connection type", conf: "authorization { users: [ {user: b, allowed_connection_types: [\"FOO\"]} ] }",
		want: `auth.conf:1:62: invalid connection types ["FOO"]`},
	{name: "no_auth_user unknown", conf: "authorization { users: [ {user: b} ] }\nno_auth_user: x",
		want: `auth.conf:2:1: no_auth_user: "x" not present as user or nkey in authorization block or account configuration`},
	{name: "no_auth_user without users", conf: "no_auth_user: x",
		want: `auth.conf:1:1: no_auth_user: "x" present, but users/nkeys are not defined`},
	{name: "no_auth_user naming the single user", conf: "authorization { user: x }\nno_auth_user: x",
		want: `auth.conf:2:1: no_auth_user: "x" present, but users/nkeys are not defined`},
	{name: "reserved account", conf: "accounts {\n  $G: {}\n}",
		want: `auth.conf:2:7: "$G" is a Reserved Account`},
	{name: "account not a map", conf: "accounts { A: 1 }",
		want: `auth.conf:1:15: Expected map entries for accounts`},
	{name: "account listed twice", conf: "accounts [ A, B, A ]",
		want: `auth.conf:1:18: Duplicate Account Entry: A`},
	{name: "unknown key in an account", conf: "accounts {\n  A: { bogus: 1 }\n}",
		want: `auth.conf:2:8: unknown field "bogus"`},
	{name: "unknown account limit", conf: "accounts { A: { limits: { max_conn: 1, bogus: 2 } } }",
		want: `auth.conf:1:40: Unknown field "bogus" parsing account limits`},
	{name: "not an account nkey", conf: "accounts { A: { nkey: \"xx\" } }",
		want: `auth.conf:1:23: Not a valid public nkey for an account: "xx"`},
	{name: "system account not configured", conf: "system_account: FOO",
		want: `auth.conf:1:1: error resolving system account: account missing`},
	{name: "operator beside accounts", conf: "resolver: MEMORY\naccounts { A {} }\noperator: {OP}",
		want: `auth.conf:2:1: operators do not allow Accounts to be configured directly`},
	{name: "operator beside users", conf: "resolver: MEMORY\nauthorization { users: [ {user: a} ] }\noperator: {OP}",
		want: `auth.conf:2:1: operators do not allow users to be configured directly`},
	{name: "operator without a resolver", refSays: `could not fetch`, conf: "operator: {OP}",
		want: `auth.conf:1:1: operators require an account resolver to be configured`},
	{name: "operator and no_auth_user", conf: "resolver: MEMORY\nresolver_preload: { {SYSPUB}: {SYSJWT} }\nno_auth_user: a\noperator: {OP}",
		want: `auth.conf:3:1: no_auth_user not compatible with Trusted Operator`},
	{name: "operator and trusted keys", conf: "resolver: MEMORY\ntrusted: {OPPUB}\noperator: {OP}",
		want: `auth.conf:2:1: conflicting options for 'TrustedKeys' and 'TrustedOperators'`},
	{name: "system account unlike the operator's", conf: "resolver: MEMORY\nsystem_account: {ACCPUB}\noperator: {OP}",
		want: `auth.conf:2:1: system_account in config and operator JWT must be identical`},
	{name: "full resolver without an operator", conf: "resolver: { type: full, dir: {DIR} }",
		want: `auth.conf:1:1: Could not start resolver: no operator key found`},
	{name: "full resolver without a dir", conf: "operator: {OP}\nresolver: { type: full }",
		want: `auth.conf:2:11: dir has no value and needs to point to a directory`},
	{name: "unknown resolver", conf: "resolver: BLAH",
		want: `auth.conf:1:11: error parsing account resolver, should be MEM or  URL("url") or a map containing dir and type state=[FULL|CACHE])`},
	{name: "preload that is not a JWT", conf: "operator: {OP}\nresolver: MEMORY\nresolver_preload: { {ACCPUB}: notajwt }",
		want: `auth.conf:3:79: invalid account JWT`},
	{name: "trusted key that is not an operator key", conf: "trusted: ABC",
		want: `auth.conf:1:10: trust key "ABC" required to be a valid public operator nkey`},
	{name: "operator file missing", conf: "resolver: MEMORY\noperator: /nonexistent/op.jwt",
		want: `auth.conf:2:11: error parsing operator JWT: open /nonexistent/op.jwt: no such file or directory`},

	{name: "auth callout", conf: "authorization {\n  auth_callout { issuer: x }\n}", notInReference: "not supported yet",
		want: `auth.conf:2:3: "auth_callout" is not supported yet`},
	{name: "URL resolver", conf: "operator: {OP}\nresolver: URL(http://127.0.0.1:1/jwt)", notInReference: "not supported yet",
		want: `auth.conf:2:11: resolver "URL(http://127.0.0.1:1/jwt)" is not supported yet`},
	{name: "account jetstream: unknown limit", conf: "accounts { A: { jetstream { bogus: 1 } } }",
		want: `auth.conf:1:29: unknown field "bogus"`},
	{name: "account jetstream: size as a string", conf: "accounts { A: { jetstream { max_mem: \"1G\" } } }",
		want: `auth.conf:1:29: Expected a parseable size for "max_mem", got 1G`},
	{name: "account jetstream: bool as an int", conf: "accounts { A: { jetstream { max_bytes_required: 1 } } }",
		want: `auth.conf:1:29: Expected a parseable bool for "max_bytes_required", got 1`},
	{name: "account jetstream: unknown word", conf: "accounts { A: { jetstream: foo } }",
		want: `auth.conf:1:28: Expected 'enabled' or 'disabled' for string value, got 'foo'`},
	{name: "account jetstream: an int", conf: "accounts { A: { jetstream: 1 } }",
		want: `auth.conf:1:28: Expected map, bool or string to define JetStream, got int`, refSays: "Expected map, bool or string to define JetStream"},
}

func TestFromConfigRefusesWithPosition(t *testing.T) {
	f := newConfFixture(t)
	for _, tc := range configRefusals {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FromConfig(parseConf(t, f.expand(tc.conf)))
			var cerr *config.Error
			if !errors.As(err, &cerr) {
				t.Fatalf("got %v, want a *config.Error", err)
			}
			if want := f.expand(tc.want); err.Error() != want {
				t.Fatalf("got  %s\nwant %s", err, want)
			}
		})
	}
}

func TestFromConfigReadsSimpleAuthorization(t *testing.T) {
	cfg, err := FromConfig(parseConf(t, `
authorization {
  token: "$2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.bY24na"
  timeout: 0.5
}`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Token != "$2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.bY24na" || cfg.Timeout != 500*time.Millisecond {
		t.Fatalf("token %q timeout %v", cfg.Token, cfg.Timeout)
	}
	if cfg.SystemAccount != DefaultSystemAccount || len(cfg.Users) != 0 {
		t.Fatalf("system account %q, users %v", cfg.SystemAccount, cfg.Users)
	}
	cfg, err = FromConfig(parseConf(t, "authorization { user: a, password: b, timeout: \"3s\" }"))
	if err != nil {
		t.Fatal(err)
	}
	want := []*User{{Username: "a", Password: "b", Account: GlobalAccount}}
	if !reflect.DeepEqual(cfg.Users, want) || cfg.Timeout != 3*time.Second {
		t.Fatalf("users %+v timeout %v", cfg.Users, cfg.Timeout)
	}
	cfg, err = FromConfig(parseConf(t, "port: 4222\ndebug: true"))
	if err != nil || cfg.Timeout != DefaultTimeout || len(cfg.Users)+len(cfg.NkeyUsers) != 0 || cfg.Token != "" {
		t.Fatalf("a config without auth keys: %+v, %v", cfg, err)
	}
}

func TestFromConfigReadsUsersAndPermissions(t *testing.T) {
	f := newConfFixture(t)
	cfg, err := FromConfig(parseConf(t, f.expand(`
authorization {
  default_permissions: { publish: "public.>" }
  users: [
    {user: alice, password: pw, permissions: { publish: ["a", "b"], subscribe: { allow: "x.>", deny: ["x.secret", "x.q q1"] } }}
    {user: bob, password: pw, allowed_connection_types: ["websocket", "STANDARD"]}
    {nkey: {UKEY}, permissions: { allow_responses: { max: 3, expires: "1m" } }}
  ]
}
no_auth_user: bob
`)))
	if err != nil {
		t.Fatal(err)
	}
	alice := &User{Username: "alice", Password: "pw", Account: GlobalAccount, Permissions: &Permissions{
		Publish:   &SubjectPermission{Allow: []string{"a", "b"}},
		Subscribe: &SubjectPermission{Allow: []string{"x.>"}, Deny: []string{"x.secret", "x.q q1"}},
	}}
	defaults := &Permissions{Publish: &SubjectPermission{Allow: []string{"public.>"}}}
	bob := &User{Username: "bob", Password: "pw", Account: GlobalAccount, Permissions: defaults,
		AllowedConnectionTypes: []string{jwt.ConnectionTypeWebsocket, jwt.ConnectionTypeStandard}}
	if !reflect.DeepEqual(cfg.Users, []*User{alice, bob}) {
		t.Errorf("users:\n got %s\nwant %s", dump(cfg.Users), dump([]*User{alice, bob}))
	}
	nk := &NkeyUser{Nkey: f.userKey.pub, Account: GlobalAccount, Permissions: &Permissions{
		Publish:  &SubjectPermission{Allow: []string{}}, // allow_responses turns other publishing off
		Response: &ResponsePermission{MaxMsgs: 3, Expires: time.Minute},
	}}
	if !reflect.DeepEqual(cfg.NkeyUsers, []*NkeyUser{nk}) {
		t.Errorf("nkey users:\n got %s\nwant %s", dump(cfg.NkeyUsers), dump([]*NkeyUser{nk}))
	}
	if !reflect.DeepEqual(cfg.DefaultPermissions, defaults) || cfg.NoAuthUser != "bob" {
		t.Errorf("default permissions %s, no_auth_user %q", dump(cfg.DefaultPermissions), cfg.NoAuthUser)
	}
}

func TestFromConfigReadsAccounts(t *testing.T) {
	cfg, err := FromConfig(parseConf(t, `
accounts {
  A: {
    users: [ {user: a, password: a} ]
    default_permissions: { subscribe: "a.>" }
    exports: [
      {stream: "news.>"}
      {service: "help", accounts: [B], response_type: "stream", response_threshold: "2s"}
    ]
    limits: { max_connections: 10, max_subs: 100, max_payload: 1024, max_leafs: 1 }
  }
  B: {
    users: [ {user: b, password: b, permissions: { publish: "b" }} ]
    imports: [
      {stream: {account: A, subject: "news.sport"}, prefix: "from_a"}
      {stream: {account: A, subject: "news.>"}, to: "local.news.>"}
      {service: {account: A, subject: "help"}, to: "ask"}
      {service: {account: A, subject: "help"}}
    ]
  }
  C: {}
}
system_account: C
`))
	if err != nil {
		t.Fatal(err)
	}
	a := &AccountSpec{
		Name:               "A",
		DefaultPermissions: &Permissions{Subscribe: &SubjectPermission{Allow: []string{"a.>"}}},
		Exports: []Export{
			{Subject: "news.>"},
			{Subject: "help", Service: true, Accounts: []string{"B"}, ResponseType: ResponseStream, ResponseThreshold: 2 * time.Second},
		},
		Limits: AccountLimits{MaxConnections: 10, MaxSubscriptions: 100, MaxPayload: 1024, MaxLeafNodes: 1,
			MaxData: -1, MaxImports: -1, MaxExports: -1},
	}
	b := &AccountSpec{Name: "B", Limits: unlimited, Imports: []Import{
		{Account: "A", Subject: "news.sport", To: "from_a.news.sport"},
		{Account: "A", Subject: "news.>", To: "local.news.>"},
		{Account: "A", Subject: "help", Service: true, To: "ask"},
		{Account: "A", Subject: "help", Service: true, To: "help"},
	}}
	c := &AccountSpec{Name: "C", Limits: unlimited}
	if !reflect.DeepEqual(cfg.Accounts, []*AccountSpec{a, b, c}) {
		t.Errorf("accounts:\n got %s\nwant %s", dump(cfg.Accounts), dump([]*AccountSpec{a, b, c}))
	}
	wantUsers := []*User{
		{Username: "a", Password: "a", Account: "A", Permissions: a.DefaultPermissions},
		{Username: "b", Password: "b", Account: "B", Permissions: &Permissions{Publish: &SubjectPermission{Allow: []string{"b"}}}},
	}
	if !reflect.DeepEqual(cfg.Users, wantUsers) {
		t.Errorf("users:\n got %s\nwant %s", dump(cfg.Users), dump(wantUsers))
	}
	if cfg.SystemAccount != "C" {
		t.Errorf("system account %q", cfg.SystemAccount)
	}
}

func TestFromConfigReadsOperatorMode(t *testing.T) {
	f := newConfFixture(t)
	opFile := filepath.Join(t.TempDir(), "op.jwt")
	if err := os.WriteFile(opFile, []byte(f.chain.opJWT), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, operator := range []string{f.chain.opJWT, opFile} {
		cfg, err := FromConfig(parseConf(t, f.expand(`
operator: `+operator+`
resolver: MEMORY
resolver_preload: {
  {SYSPUB}: {SYSJWT}
  {ACCPUB}: {ACCJWT}
}
`)))
		if err != nil {
			t.Fatal(err)
		}
		if len(cfg.TrustedOperators) != 1 || cfg.TrustedOperators[0].Subject != f.chain.operator.pub {
			t.Fatalf("operators %v", cfg.TrustedOperators)
		}
		if cfg.Resolver.Type != ResolverMemory || len(cfg.Preload) != 2 || cfg.Preload[f.account.pub] != f.accJWT {
			t.Fatalf("resolver %+v preload %v", cfg.Resolver, cfg.Preload)
		}
		if cfg.SystemAccount != f.chain.system.pub {
			t.Fatalf("system account %q, want the operator's", cfg.SystemAccount)
		}
	}
	cfg, err := FromConfig(parseConf(t, f.expand(`
operator: {OP}
resolver: { type: full, dir: {DIR}, allow_delete: true, interval: "2m", limit: 1000, timeout: "1.9s" }
`)))
	if err != nil {
		t.Fatal(err)
	}
	want := ResolverConfig{Type: ResolverFull, Dir: f.expand("{DIR}"), AllowDelete: true, Interval: 2 * time.Minute, Limit: 1000, Timeout: 1900 * time.Millisecond}
	if cfg.Resolver != want {
		t.Fatalf("resolver %+v, want %+v", cfg.Resolver, want)
	}
}

func TestConfigRefusalsHoldForReferenceServer(t *testing.T) {
	referenceBinary(t)
	f := newConfFixture(t)
	for _, tc := range configRefusals {
		if tc.notInReference != "" {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			err := referenceVerdict(t, f.expand(tc.conf))
			if err == nil {
				t.Fatalf("nats-server started with a config FromConfig refuses:\n%s", f.expand(tc.conf))
			}
			reason := tc.refSays
			if reason == "" {
				reason = positionPrefix.ReplaceAllString(f.expand(tc.want), "")
			}
			for _, alternative := range strings.Split(reason, "|") {
				if strings.Contains(err.Error(), alternative) {
					return
				}
			}
			t.Fatalf("nats-server refused for another reason than %q:\n%v", reason, err)
		})
	}
}

func TestConfigAcceptancesHoldForReferenceServer(t *testing.T) {
	referenceBinary(t)
	f := newConfFixture(t)
	for _, conf := range []string{
		"authorization { user: a, password: b, timeout: 0.5 }",
		"authorization { users: [ {user: a, permissions: { publish: { deny: \"x\" }, allow_responses: true }} ] }\nno_auth_user: a",
		"accounts { A: { exports: [ {service: \"x.>\"} ] }, B: { imports: [ {service: {account: A, subject: \"x.y\"}, to: z} ] } }",
		"accounts { A: { exports: [ {stream: \"x.>\"} ] }, B: { imports: [ {stream: {account: A, subject: \"x.y\"}, prefix: p} ] } }",
		"accounts { FOO {} }\nsystem_account: FOO",
		"authorization { password: x }",
		"operator: {OP}\nresolver: MEMORY\nresolver_preload: { {SYSPUB}: {SYSJWT} }\nauthorization { user: a, password: b }",
		"operator: {OP}\nresolver: { type: full, dir: {DIR}, bogus: 1 }",
	} {
		conf := f.expand(conf)
		if err := referenceVerdict(t, conf); err != nil {
			t.Errorf("nats-server refused a config the tests accept: %v\n%s", err, conf)
			continue
		}
		if _, err := FromConfig(parseConf(t, conf)); err != nil {
			t.Errorf("FromConfig refused a config nats-server accepts: %v\n%s", err, conf)
		}
	}
}

var positionPrefix = regexp.MustCompile(`^auth\.conf:\d+:\d+: `)

// referenceVerdict starts nats-server on conf and returns its complaint if it refused to start.
func referenceVerdict(t *testing.T, conf string) error {
	t.Helper()
	_, err := startReference(t, conf)
	return err
}

// dump shows a value's exported fields, pointers followed, for failure messages.
func dump(v any) string {
	out, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(out)
}

func TestOperatorAssertingANewerServerIsRefused(t *testing.T) {
	for version, refused := range map[string]bool{"2.15.2": false, "2.14.9": false, "2.15.3": true, "2.16.0": true, "3.0.0": true, "": false} {
		chain := newTrustChain(t, func(oc *jwt.OperatorClaims) { oc.AssertServerVersion = version })
		_, err := FromConfig(parseConf(t, "operator: "+chain.opJWT+"\nresolver: MEMORY"))
		if (err != nil) != refused {
			t.Errorf("asserting %q: %v, want refused %v", version, err, refused)
		}
	}
}

func TestFromConfigReadsAccountJetStream(t *testing.T) {
	cfg, err := FromConfig(parseConf(t, `accounts {
  A: {}
  B: { jetstream: enabled }
  C: { jetstream { max_mem: 1G, max_file: 512MB, max_streams: 10, max_consumers: 100 } }
  D: { jetstream: disabled }
  E: { jetstream { max_store: 1K, mem_max_stream_bytes: 5, disk_max_stream_bytes: 6, max_ack_pending: 7, max_bytes: true } }
  F: { jetstream: true }
}`))
	if err != nil {
		t.Fatal(err)
	}
	unlimited := UnlimitedJetStream
	c := UnlimitedJetStream
	c.MaxMemory, c.MaxStore, c.MaxStreams, c.MaxConsumers = 1_000_000_000, 512<<20, 10, 100
	e := UnlimitedJetStream
	e.MaxStore, e.MemoryMaxStreamBytes, e.StoreMaxStreamBytes, e.MaxAckPending, e.MaxBytesRequired = 1000, 5, 6, 7, true
	want := map[string]*JetStreamLimits{"A": nil, "B": &unlimited, "C": &c, "D": nil, "E": &e, "F": &unlimited}
	for _, spec := range cfg.Accounts {
		if !reflect.DeepEqual(spec.JetStream, want[spec.Name]) {
			t.Errorf("account %s: jetstream %+v, want %+v", spec.Name, spec.JetStream, want[spec.Name])
		}
	}
	if len(cfg.Accounts) != len(want) {
		t.Fatalf("%d accounts, want %d", len(cfg.Accounts), len(want))
	}
}
