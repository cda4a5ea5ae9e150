package auth

import (
	"time"

	"github.com/nats-io/jwt/v2"
)

// Names nats-server gives the implicit accounts.
const (
	GlobalAccount        = "$G"   // where users of a config without accounts, and unauthenticated clients, live
	DefaultSystemAccount = "$SYS" // system_account when the config names none
)

// DefaultTimeout is how long a client has to send CONNECT when authorization { timeout } is not set.
const DefaultTimeout = 2 * time.Second

// Config is what a nats-server configuration file says about authentication and accounts. FromConfig
// builds it; tests and embedders may also fill it in directly. New does not modify it.
type Config struct {
	Timeout            time.Duration  // authorization { timeout }; 0 means DefaultTimeout
	Token              string         // authorization { token }, plain or a bcrypt hash
	Users              []*User        // authorization { user/password | users [...] } and every account's users
	NkeyUsers          []*NkeyUser    // the same for { nkey: U... } entries
	Accounts           []*AccountSpec // config accounts, without $G; empty in simple configs
	NoAuthUser         string         // the user (name or nkey) a client without credentials becomes
	SystemAccount      string         // "" means DefaultSystemAccount, or the operator's system account
	DefaultPermissions *Permissions   // authorization { default_permissions }, already applied to its users

	// Operator (decentralized JWT) mode.
	TrustedOperators []*jwt.OperatorClaims
	TrustedKeys      []string          // trusted operator public keys (trusted, or the operators' keys)
	Resolver         ResolverConfig    // where account JWTs come from
	Preload          map[string]string // account public key -> account JWT (resolver_preload)
}

// User is a user/password identity. Password may be a bcrypt hash ("$2a$..."). Account is the account
// name the user belongs to ($G for users of the authorization block).
type User struct {
	Username               string
	Password               string
	Account                string
	Permissions            *Permissions
	AllowedConnectionTypes []string // upper case jwt.ConnectionType* values; empty allows all
}

// NkeyUser is an nkey identity: the client proves it holds the key by signing the INFO nonce.
type NkeyUser struct {
	Nkey                   string
	Account                string
	Permissions            *Permissions
	AllowedConnectionTypes []string
}

// Resolver types: where account JWTs are found in operator mode.
const (
	ResolverMemory = "MEMORY" // resolver: MEMORY, accounts from resolver_preload only
	ResolverFull   = "FULL"   // resolver { type: full, dir: ... }, pushed JWTs stored in dir
)

// ResolverConfig is the resolver key: MEMORY, or a directory-backed FULL resolver.
type ResolverConfig struct {
	Type        string // "", ResolverMemory or ResolverFull
	Dir         string
	AllowDelete bool
	HardDelete  bool
	Interval    time.Duration // how often nats-server syncs with peers; kept for fidelity, unused alone
	Limit       int64         // max number of stored JWTs; 0 means nats-server's default
	Timeout     time.Duration // fetch timeout; kept for fidelity
}

// operatorMode reports whether the config trusts operators, so every client must present a user JWT.
func (c *Config) operatorMode() bool {
	return len(c.TrustedOperators) > 0 || len(c.TrustedKeys) > 0
}

// systemAccount is the system account's name after defaults.
func (c *Config) systemAccount() string {
	switch {
	case c.SystemAccount != "":
		return c.SystemAccount
	case len(c.TrustedOperators) > 0 && c.TrustedOperators[0].SystemAccount != "":
		return c.TrustedOperators[0].SystemAccount
	}
	return DefaultSystemAccount
}
