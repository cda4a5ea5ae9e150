package auth

import (
	"strings"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nkeys"
	"github.com/reactor-nats/reactor/config"
)

// authorizationBlock is what the top-level authorization { } says, before it is merged into Config.
type authorizationBlock struct {
	pos         config.Pos // of the block, where nats-server reports conflicts within it
	user, pass  string
	token       string
	timeout     time.Duration
	users       []*User
	nkeyUsers   []*NkeyUser
	hasUsers    bool // a users array was given, even an empty one
	usersPos    config.Pos
	defaultPerm *Permissions
}

// positions records where each user entry was written, for refusals that span blocks (duplicates).
func parseAuthorization(v *config.Value, positions map[any]config.Pos) (*authorizationBlock, error) {
	m, err := wantMap(v, "authorization")
	if err != nil {
		return nil, err
	}
	a := &authorizationBlock{pos: v.Pos}
	err = eachKey(m, func(name, key string, v *config.Value) error {
		var err error
		switch name {
		case "user", "username":
			a.user, err = wantString(v, key)
		case "pass", "password":
			a.pass, err = wantString(v, key)
		case "token":
			a.token, err = wantString(v, key)
		case "timeout":
			a.timeout, err = parseAuthTimeout(v)
		case "users":
			a.hasUsers, a.usersPos = true, v.Pos
			a.users, a.nkeyUsers, err = parseUsers(v, GlobalAccount, positions)
		case "default_permission", "default_permissions", "permissions":
			a.defaultPerm, err = parsePermissions(v)
		case "auth_callout", "auth_hook", "proxy_required":
			return notSupported(m, key)
		default:
			return unknownField(m, key)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if (a.user != "" || a.pass != "") && a.token != "" {
		return nil, errAt(a.pos, "Cannot have a user/pass and token")
	}
	if a.hasUsers && a.user != "" {
		return nil, errAt(a.pos, "Can not have a single user/pass and a users array")
	}
	if a.hasUsers && a.token != "" {
		return nil, errAt(a.pos, "Can not have a token and a users array")
	}
	applyDefaultPermissions(a.users, a.nkeyUsers, a.defaultPerm)
	return a, nil
}

// parseAuthTimeout reads authorization { timeout }: seconds (integer or float) or a duration string.
func parseAuthTimeout(v *config.Value) (time.Duration, error) {
	switch v.Kind {
	case config.KindInt:
		return time.Duration(v.Int) * time.Second, nil
	case config.KindFloat:
		return time.Duration(v.Float * float64(time.Second)), nil
	case config.KindString:
		d, err := time.ParseDuration(v.Str)
		if err != nil {
			return 0, errAt(v.Pos, "error parsing authorization config, 'timeout' %v", err)
		}
		return d, nil
	}
	return 0, errAt(v.Pos, "error parsing authorization config, 'timeout' wrong type")
}

// parseUsers reads a users array: entries { user, password } or { nkey }, each with optional permissions
// and allowed_connection_types. account is the account they belong to; positions gets each entry's place.
func parseUsers(v *config.Value, account string, positions map[any]config.Pos) ([]*User, []*NkeyUser, error) {
	if v.Kind != config.KindArray {
		return nil, nil, errAt(v.Pos, "Expected users field to be an array, got %s", v.Kind)
	}
	var users []*User
	var nkeyUsers []*NkeyUser
	for _, entry := range v.Array {
		if entry.Kind != config.KindMap {
			return nil, nil, errAt(entry.Pos, "Expected user entry to be a map/struct, got %s", entry.Kind)
		}
		var (
			nkey, name, pass string
			perms            *Permissions
			connTypes        []string
		)
		err := eachKey(entry.Map, func(field, key string, v *config.Value) error {
			var err error
			switch field {
			case "nkey":
				nkey, err = wantString(v, key)
			case "user", "username":
				name, err = wantString(v, key)
			case "pass", "password":
				pass, err = wantString(v, key)
			case "permission", "permissions", "authorization":
				perms, err = parsePermissions(v)
			case "allowed_connection_types", "connection_types", "clients":
				connTypes, err = parseConnectionTypes(v)
			case "proxy_required":
				return notSupported(entry.Map, key)
			default:
				return unknownField(entry.Map, key)
			}
			return err
		})
		if err != nil {
			return nil, nil, err
		}
		switch {
		case nkey == "" && name == "":
			return nil, nil, errAt(entry.Pos, "User entry requires a user")
		case nkey != "" && !nkeys.IsValidPublicUserKey(nkey):
			return nil, nil, errAt(entry.Pos, "Not a valid public nkey for a user")
		case nkey != "" && (name != "" || pass != ""):
			return nil, nil, errAt(entry.Pos, "Nkey users do not take usernames or passwords")
		case nkey != "":
			u := &NkeyUser{Nkey: nkey, Account: account, Permissions: perms, AllowedConnectionTypes: connTypes}
			positions[u] = entry.Pos
			nkeyUsers = append(nkeyUsers, u)
		default:
			u := &User{Username: name, Password: pass, Account: account, Permissions: perms, AllowedConnectionTypes: connTypes}
			positions[u] = entry.Pos
			users = append(users, u)
		}
	}
	return users, nkeyUsers, nil
}

// knownConnectionTypes are the connection types nats-server knows.
var knownConnectionTypes = []string{
	jwt.ConnectionTypeStandard, jwt.ConnectionTypeWebsocket, jwt.ConnectionTypeLeafnode,
	jwt.ConnectionTypeLeafnodeWS, jwt.ConnectionTypeMqtt, jwt.ConnectionTypeMqttWS, jwt.ConnectionTypeInProcess,
}

// parseConnectionTypes reads allowed_connection_types, upper-cased as nats-server stores them.
func parseConnectionTypes(v *config.Value) ([]string, error) {
	list, err := stringOrList(v, "allowed connection types")
	if err != nil {
		return nil, err
	}
	known, unknown := normalizeConnectionTypes(list)
	if len(unknown) > 0 {
		return nil, errAt(v.Pos, "invalid connection types %q", unknown)
	}
	return known, nil
}

// normalizeConnectionTypes upper-cases types and splits them into the known and the unknown ones.
func normalizeConnectionTypes(types []string) (known, unknown []string) {
	for _, t := range types {
		t = strings.ToUpper(t)
		if isKnownConnectionType(t) {
			known = append(known, t)
		} else {
			unknown = append(unknown, t)
		}
	}
	return known, unknown
}

func isKnownConnectionType(t string) bool {
	for _, k := range knownConnectionTypes {
		if k == t {
			return true
		}
	}
	return false
}

// applyDefaultPermissions gives perms to every user that has none, as nats-server does for
// authorization { default_permissions } and an account's default_permissions.
func applyDefaultPermissions(users []*User, nkeyUsers []*NkeyUser, perms *Permissions) {
	if perms == nil {
		return
	}
	for _, u := range users {
		if u.Permissions == nil {
			u.Permissions = perms
		}
	}
	for _, u := range nkeyUsers {
		if u.Permissions == nil {
			u.Permissions = perms
		}
	}
}
