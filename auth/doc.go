// Package auth decides who may connect to reactor, as which account, and with which permissions, the way
// nats-server v2.15.2 decides it. It is a pure library: no sockets, no goroutines, no global state. The
// engine (reactor/) calls it and owns everything about connections.
//
// # What it owns
//
//   - Reading the configuration file's authentication keys into a Config (FromConfig): authorization,
//     accounts, no_auth_user, system_account, operator, trusted, resolver, resolver_preload. Every
//     refusal is a *config.Error with file, line and column.
//   - Deciding on one CONNECT (Authenticator.Authenticate): token, user/password (plain or bcrypt), nkey
//     (signature over the INFO nonce), and operator mode (a user JWT checked against its account JWT and
//     the trusted operators: expiry, revocation, signing keys and their scope templates, bearer tokens,
//     connection types, source networks, connect time ranges, user limits). The result is a Grant.
//   - Accounts as the engine builds them (AccountSpec), from the config or from account JWTs held by a
//     MEMORY resolver (resolver_preload) or a FULL resolver's directory, which StoreAccountJWT writes and
//     which survives restarts.
//   - Answering permission questions for one connection (Checker) and filtering deliveries to
//     subscriptions that overlap a subscribe-deny entry (DeliverFilter).
//
// # Data flow
//
//	config.Map --FromConfig--> Config --New--> Authenticator
//	CONNECT + nonce + peer --Authenticate--> Grant{Account, Permissions, Expires, limits}
//	Grant.Permissions --NewChecker--> Checker (one per connection) --DeliverFilter--> per subscription
//
// # Invariants
//
//   - An Authenticator never changes after New except its cache of decoded account JWTs (own lock) and
//     the FULL resolver's directory (own lock): every method is safe for concurrent use. Calls may be
//     slow (bcrypt, ed25519, file reads), so the engine must call them off its event loops.
//   - Refusals never say why to the client: every one wraps ErrAuthorizationViolation, whose text the
//     engine maps to -ERR 'Authorization Violation'; the reason is for logs.
//   - Nothing is trusted unverified: a user JWT is checked against an account JWT that is itself
//     checked against the trusted operator keys each time it is read (the decoded result is cached by
//     JWT text, so a changed JWT is always re-verified); expiry is judged at the CONNECT's time.
//   - A Checker is used only on its connection's event loop and takes no locks. CanPublish and
//     CanDeliver answer a repeated subject from a bounded cache without allocating. A DeliverFilter is
//     immutable and may be asked from any loop.
//   - Permission semantics are nats-server's, including its corners: an allow list of nil admits all
//     and an empty non-nil publish allow list (allow_responses) admits none; deny wins; a wildcard SUB
//     is matched token by token against the lists; queue-qualified subscribe entries decide for their
//     queue groups. reference_test.go runs the permission matrix against the real nats-server.
//
// # Not supported (refused with a positioned "not supported yet" error rather than ignored)
//
// Auth callout (it needs an internal request/reply client), URL and CACHE resolvers (they fetch JWTs
// from other servers), resolver_tls and pinned accounts, default_sentinel, trusted proxies
// (proxy_required), TLS certificate mapping (no TLS yet), per-account mappings and message tracing,
// and a jetstream block's cluster_traffic. (An account's jetstream key is read into AccountSpec.JetStream;
// the engine enables JetStream in the account from it.) Activation tokens of imports are carried, not verified: the engine does not import
// between JWT accounts yet.
package auth
