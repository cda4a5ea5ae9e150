package auth

import (
	"fmt"

	"github.com/reactor-nats/reactor/config"
)

// FromConfig reads the authentication keys of a parsed configuration file: authorization, accounts,
// no_auth_user, system_account, operator (and its aliases), trusted, resolver and resolver_preload. Other
// top-level keys belong to other layers and are ignored here.
//
// It refuses what nats-server v2.15.2 refuses, whether nats-server notices while parsing or only when it
// starts (a no_auth_user that names nobody, users configured beside an operator), and it always says
// where: every error is a *config.Error positioned at the offending key or value. Keys nats-server knows
// but reactor does not implement (auth_callout, a URL resolver, account mappings, ...) are refused
// as not supported yet, so that a config never means less than it says.
func FromConfig(m *config.Map) (*Config, error) {
	cfg := &Config{Timeout: DefaultTimeout}
	positions := map[any]config.Pos{} // where each user entry was written
	keyPos := map[string]config.Pos{} // where each auth key was written, by lower-case name
	var authz *authorizationBlock
	var accounts *accountsBlock
	err := eachKey(m, func(name, key string, v *config.Value) error {
		var err error
		switch name {
		case "authorization":
			authz, err = parseAuthorization(v, positions)
		case "accounts":
			accounts, err = parseAccounts(v, positions)
		case "no_auth_user":
			cfg.NoAuthUser, err = wantString(v, key)
		case "system_account", "system":
			name = "system_account"
			cfg.SystemAccount, err = wantString(v, key)
		case "operator", "operators", "roots", "root", "root_operators", "root_operator":
			name = "operator"
			cfg.TrustedOperators, err = parseOperators(v)
		case "trusted", "trusted_keys":
			name = "trusted"
			cfg.TrustedKeys, err = parseTrustedKeys(v)
		case "resolver", "account_resolver", "accounts_resolver":
			name = "resolver"
			cfg.Resolver, err = parseResolver(v)
		case "resolver_preload":
			cfg.Preload, err = parsePreload(v)
		case "resolver_tls", "resolver_pinned_accounts", "default_sentinel":
			return notSupported(m, key)
		default:
			return nil
		}
		keyPos[name] = m.KeyPos[key]
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := mergeUsers(cfg, authz, accounts, positions); err != nil {
		return nil, err
	}
	// The single authorization user/password is Users[0]; nats-server keeps it apart from users arrays.
	single := authz != nil && authz.user != ""
	arrayUsers := append([]*User(nil), cfg.Users...)
	if single {
		arrayUsers = arrayUsers[1:]
	}
	hasAccounts := accounts != nil && len(accounts.specs) > 0
	if err := checkOperatorMode(cfg, hasAccounts, len(arrayUsers)+len(cfg.NkeyUsers) > 0, keyPos); err != nil {
		return nil, err
	}
	if err := checkNoAuthUser(cfg, arrayUsers, keyPos["no_auth_user"]); err != nil {
		return nil, err
	}
	return cfg, checkSystemAccount(cfg, keyPos)
}

// mergeUsers gathers the users of the authorization block and of every account into cfg, refusing a name
// or nkey defined twice anywhere and a single user or token beside account users, as nats-server does.
func mergeUsers(cfg *Config, authz *authorizationBlock, accounts *accountsBlock, positions map[any]config.Pos) error {
	if authz != nil {
		if authz.timeout != 0 {
			cfg.Timeout = authz.timeout
		}
		cfg.Token = authz.token
		cfg.DefaultPermissions = authz.defaultPerm
		// A password without a user name is ignored, as nats-server ignores it: auth is not required.
		if authz.user != "" {
			cfg.Users = append(cfg.Users, &User{Username: authz.user, Password: authz.pass, Account: GlobalAccount})
		}
		cfg.Users = append(cfg.Users, authz.users...)
		cfg.NkeyUsers = append(cfg.NkeyUsers, authz.nkeyUsers...)
	}
	if accounts != nil {
		cfg.Accounts = accounts.specs
		if len(accounts.users)+len(accounts.nkeyUsers) > 0 && authz != nil {
			switch {
			case authz.user != "":
				return errAt(accounts.usersPos, "Can not have a single user/pass and accounts")
			case authz.token != "":
				return errAt(accounts.usersPos, "Can not have a token and accounts")
			}
		}
		cfg.Users = append(cfg.Users, accounts.users...)
		cfg.NkeyUsers = append(cfg.NkeyUsers, accounts.nkeyUsers...)
	}

	names := map[string]bool{} // users and nkeys share one namespace in nats-server
	for _, u := range cfg.Users {
		if names[u.Username] {
			return errAt(positions[u], "Duplicate user %q detected", u.Username)
		}
		names[u.Username] = true
	}
	for _, u := range cfg.NkeyUsers {
		if names[u.Nkey] {
			return errAt(positions[u], "Duplicate nkey %q detected", u.Nkey)
		}
		names[u.Nkey] = true
	}
	return nil
}

// checkOperatorMode applies nats-server's rules for operator mode: a resolver is required, and accounts
// and users come from JWTs only.
func checkOperatorMode(cfg *Config, hasAccounts, hasUserArrays bool, keyPos map[string]config.Pos) error {
	if cfg.Resolver.Type == ResolverFull && len(cfg.TrustedOperators) == 0 {
		return errAt(keyPos["resolver"], "Could not start resolver: no operator key found")
	}
	if len(cfg.TrustedOperators) == 0 {
		return nil
	}
	at := keyPos["operator"]
	switch {
	case cfg.Resolver.Type == "":
		return errAt(at, "operators require an account resolver to be configured")
	case hasAccounts:
		return errAt(keyPos["accounts"], "operators do not allow Accounts to be configured directly")
	case hasUserArrays:
		return errAt(keyPos["authorization"], "operators do not allow users to be configured directly")
	case len(cfg.TrustedKeys) > 0:
		return errAt(keyPos["trusted"], "conflicting options for 'TrustedKeys' and 'TrustedOperators'")
	}
	if cfg.SystemAccount != "" {
		identical, anySet := false, false
		for _, op := range cfg.TrustedOperators {
			anySet = anySet || op.SystemAccount != ""
			identical = identical || op.SystemAccount == cfg.SystemAccount
		}
		if anySet && !identical {
			return errAt(keyPos["system_account"], "system_account in config and operator JWT must be identical")
		}
	} else if cfg.TrustedOperators[0].SystemAccount == "" && cfg.Resolver.Type == ResolverFull {
		return errAt(keyPos["resolver"], "using nats based account resolver - the system account needs to be specified in configuration or the operator jwt")
	}
	return nil
}

// checkNoAuthUser: the user a credential-less client becomes must exist in a users array (the single
// authorization user does not count), and operator mode has none.
func checkNoAuthUser(cfg *Config, arrayUsers []*User, at config.Pos) error {
	name := cfg.NoAuthUser
	if name == "" {
		return nil
	}
	if len(cfg.TrustedOperators) > 0 {
		return errAt(at, "no_auth_user not compatible with Trusted Operator")
	}
	if len(arrayUsers)+len(cfg.NkeyUsers) == 0 {
		return errAt(at, "no_auth_user: %q present, but users/nkeys are not defined", name)
	}
	for _, u := range arrayUsers {
		if u.Username == name {
			return nil
		}
	}
	for _, u := range cfg.NkeyUsers {
		if u.Nkey == name {
			return nil
		}
	}
	return errAt(at, "no_auth_user: %q not present as user or nkey in authorization block or account configuration", name)
}

// checkSystemAccount settles the system account's name: the config's, else the operator's, else $SYS. In
// config mode a name other than $SYS must be a configured account.
func checkSystemAccount(cfg *Config, keyPos map[string]config.Pos) error {
	named := cfg.SystemAccount
	cfg.SystemAccount = cfg.systemAccount()
	if named == "" || named == DefaultSystemAccount || cfg.operatorMode() {
		return nil
	}
	for _, a := range cfg.Accounts {
		if a.Name == named {
			return nil
		}
	}
	return errAt(keyPos["system_account"], "error resolving system account: %v", fmt.Errorf("account missing"))
}
