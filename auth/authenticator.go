package auth

import (
	"errors"
	"fmt"
	"time"
)

// Authenticator decides who may connect, as which account, with which permissions. It is built once by
// New and then only read, except for the operator-mode account cache (behind its own lock), so any
// number of goroutines may call it at once. Calls may be slow (bcrypt, ed25519, reading the resolver
// directory): the engine calls it from its worker pool, never from an event loop.
type Authenticator struct {
	required   bool
	needsNonce bool
	timeout    time.Duration
	systemName string

	// Config mode.
	token      string
	users      map[string]*User     // by user name
	nkeyUsers  map[string]*NkeyUser // by public key
	noAuthUser string
	accounts   map[string]*AccountSpec // by name, with $G and the system account

	// Operator mode; operator is nil in config mode.
	operator *operatorTrust
}

// New checks cfg and builds its Authenticator. cfg is not retained or modified.
func New(cfg *Config) (*Authenticator, error) {
	a := &Authenticator{
		timeout:    cfg.Timeout,
		systemName: cfg.systemAccount(),
		token:      cfg.Token,
		noAuthUser: cfg.NoAuthUser,
	}
	if a.timeout <= 0 {
		a.timeout = DefaultTimeout
	}
	if cfg.operatorMode() {
		trust, err := newOperatorTrust(cfg, a.systemName)
		if err != nil {
			return nil, err
		}
		a.operator = trust
		a.required, a.needsNonce = true, true
		return a, nil
	}
	if err := a.indexConfig(cfg); err != nil {
		return nil, err
	}
	a.required = a.token != "" || len(a.users) > 0 || len(a.nkeyUsers) > 0
	a.needsNonce = len(a.nkeyUsers) > 0
	return a, nil
}

// indexConfig builds the config-mode lookups and checks that every user's account exists.
func (a *Authenticator) indexConfig(cfg *Config) error {
	a.accounts = map[string]*AccountSpec{
		GlobalAccount: {Name: GlobalAccount, Limits: unlimited},
		a.systemName:  {Name: a.systemName, Limits: unlimited},
	}
	for _, spec := range cfg.Accounts {
		a.accounts[spec.Name] = spec
	}
	a.users = make(map[string]*User, len(cfg.Users))
	for _, u := range cfg.Users {
		if _, ok := a.accounts[accountOrGlobal(u.Account)]; !ok {
			return fmt.Errorf("user %q: account %q is not configured", u.Username, u.Account)
		}
		a.users[u.Username] = u
	}
	a.nkeyUsers = make(map[string]*NkeyUser, len(cfg.NkeyUsers))
	for _, u := range cfg.NkeyUsers {
		if _, ok := a.accounts[accountOrGlobal(u.Account)]; !ok {
			return fmt.Errorf("nkey user %q: account %q is not configured", u.Nkey, u.Account)
		}
		a.nkeyUsers[u.Nkey] = u
	}
	if name := a.noAuthUser; name != "" && a.users[name] == nil && a.nkeyUsers[name] == nil {
		return fmt.Errorf("no_auth_user: %q not present as user or nkey in authorization block or account configuration", name)
	}
	return nil
}

func accountOrGlobal(name string) string {
	if name == "" {
		return GlobalAccount
	}
	return name
}

// Required reports whether clients must authenticate: INFO's auth_required.
func (a *Authenticator) Required() bool { return a.required }

// NeedsNonce reports whether INFO must carry a nonce for clients to sign: there are nkey users, or
// operator mode.
func (a *Authenticator) NeedsNonce() bool { return a.needsNonce }

// Timeout is how long a client has to send an acceptable CONNECT.
func (a *Authenticator) Timeout() time.Duration { return a.timeout }

// OperatorMode reports whether accounts come from JWTs signed by trusted operators (and may be pushed to
// the server) rather than from the configuration.
func (a *Authenticator) OperatorMode() bool { return a.operator != nil }

// SystemAccount is the system account's name (a public key in operator mode).
func (a *Authenticator) SystemAccount() string { return a.systemName }

// Authenticate decides on one CONNECT. A refusal's error wraps ErrAuthorizationViolation; its text says
// why, for the server's log only.
func (a *Authenticator) Authenticate(req *Request) (*Grant, error) {
	if req.Now.IsZero() {
		r := *req
		r.Now = time.Now()
		req = &r
	}
	if a.operator != nil {
		return a.authenticateJWT(req)
	}
	return a.authenticateConfig(req)
}

// authenticateConfig follows nats-server's order: nkey users, then users (either may be the no_auth_user
// when the client presents nothing), then the token.
func (a *Authenticator) authenticateConfig(req *Request) (*Grant, error) {
	if !a.required {
		return a.grant(GlobalAccount, "", nil), nil // credentials, if any, are ignored
	}
	if req.CertIdentities != nil {
		return a.authenticateCertificate(req)
	}
	presentsNothing := req.User == "" && req.Pass == "" && req.Token == ""
	var nkeyUser *NkeyUser
	if len(a.nkeyUsers) > 0 {
		nkey := req.Nkey
		if nkey == "" && presentsNothing && a.nkeyUsers[a.noAuthUser] != nil {
			nkey = a.noAuthUser
		}
		if nkey != "" {
			if nkeyUser = a.nkeyUsers[nkey]; nkeyUser == nil {
				return nil, refuse("unknown nkey %q", nkey)
			}
			if !connTypeAllowed(nkeyUser.AllowedConnectionTypes, req.ConnType) {
				return nil, refuse("nkey %q: connection type %q not allowed", nkey, req.ConnType)
			}
		}
	}
	if nkeyUser != nil {
		// The no_auth_user needs no signature, even when named explicitly, as in nats-server.
		if nkeyUser.Nkey != a.noAuthUser {
			if err := verifyNonceSignature(nkeyUser.Nkey, req.Nonce, req.Sig); err != nil {
				return nil, refuse("nkey %q: %v", nkeyUser.Nkey, err)
			}
		}
		return a.grant(nkeyUser.Account, nkeyUser.Nkey, nkeyUser.Permissions), nil
	}
	if len(a.users) > 0 {
		name, pass := req.User, req.Pass
		if presentsNothing && a.users[a.noAuthUser] != nil {
			// nats-server fills in the user's own configured password, which a bcrypt hash does not match:
			// a no_auth_user with a bcrypt password admits nobody.
			name, pass = a.noAuthUser, a.users[a.noAuthUser].Password
		}
		if name != "" {
			user := a.users[name]
			switch {
			case user == nil:
				return nil, refuse("unknown user %q", name)
			case !connTypeAllowed(user.AllowedConnectionTypes, req.ConnType):
				return nil, refuse("user %q: connection type %q not allowed", name, req.ConnType)
			case !secretMatches(user.Password, pass):
				return nil, refuse("user %q: wrong password", name)
			}
			return a.grant(user.Account, user.Username, user.Permissions), nil
		}
	}
	if a.token != "" {
		if !secretMatches(a.token, req.Token) {
			return nil, refuse("wrong token")
		}
		return a.grant(GlobalAccount, "", nil), nil
	}
	return nil, refuse("no credentials")
}

// authenticateCertificate is tls { verify_and_map }: the client is the user its certificate names.
func (a *Authenticator) authenticateCertificate(req *Request) (*Grant, error) {
	for _, id := range req.CertIdentities {
		user := a.users[id]
		if user == nil {
			continue
		}
		if !connTypeAllowed(user.AllowedConnectionTypes, req.ConnType) {
			return nil, refuse("user %q: connection type %q not allowed", id, req.ConnType)
		}
		return a.grant(user.Account, user.Username, user.Permissions), nil
	}
	return nil, refuse("no user is named by the client certificate %q", req.CertIdentities)
}

func (a *Authenticator) grant(account, user string, perms *Permissions) *Grant {
	account = accountOrGlobal(account)
	return &Grant{
		Account:     account,
		AccountSpec: a.accounts[account],
		User:        user,
		Permissions: withResponseDefaults(perms),
		MaxSubs:     -1,
		MaxPayload:  -1,
	}
}

// LookupAccount returns the account called name: a configured one (or $G, or the system account), or in
// operator mode the account JWT the resolver holds for that public key, verified against the trusted
// operators and not expired.
func (a *Authenticator) LookupAccount(name string) (*AccountSpec, error) {
	if a.operator != nil {
		return a.operator.lookup(name, time.Now())
	}
	if spec, ok := a.accounts[name]; ok {
		return spec, nil
	}
	return nil, fmt.Errorf("account %q: %w", name, errAccountNotFound)
}

// StoreAccountJWT takes an account JWT pushed to the server (nats-server's $SYS.REQ.CLAIMS.UPDATE): it
// must decode and validate (an expired JWT may still be stored, as in nats-server), and is then persisted
// in the full resolver's directory, replacing an older JWT of the same account; a JWT older than the
// stored one, or the same one, is accepted and ignored. Other resolvers refuse it. Unlike nats-server,
// which stores a JWT from an untrusted operator and refuses it only when the account is looked up, it
// also refuses JWTs no trusted operator key signed, so the directory never holds them.
func (a *Authenticator) StoreAccountJWT(token string) error {
	if a.operator == nil {
		return errors.New("not in operator mode: accounts come from the configuration")
	}
	return a.operator.store(token)
}
