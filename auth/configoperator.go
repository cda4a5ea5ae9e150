package auth

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nkeys"
	"github.com/reactor-nats/reactor/config"
)

// serverVersion is the nats-server version reactor stands in for; an operator JWT may assert a minimum.
const serverVersion = "2.15.2"

// parseOperators reads operator: a path to an operator JWT file (relative to the working directory, as
// nats-server reads it), the JWT itself, or an array of either.
func parseOperators(v *config.Value) ([]*jwt.OperatorClaims, error) {
	var sources []*config.Value
	switch v.Kind {
	case config.KindString:
		sources = []*config.Value{v}
	case config.KindArray:
		sources = v.Array
	default:
		return nil, errAt(v.Pos, "error parsing operators: unsupported type %s", v.Kind)
	}
	var operators []*jwt.OperatorClaims
	for _, src := range sources {
		if src.Kind != config.KindString {
			return nil, errAt(src.Pos, "error parsing operators: unsupported type %s where string is expected", src.Kind)
		}
		claims, err := readOperatorJWT(src.Str)
		if err != nil {
			return nil, errAt(src.Pos, "error parsing operator JWT: %v", err)
		}
		if err := checkAssertedVersion(claims); err != nil {
			return nil, errAt(src.Pos, "%v", err)
		}
		operators = append(operators, claims)
	}
	return operators, nil
}

// readOperatorJWT reads an operator JWT from a file (plain or a decorated .creds-style file) or, when no
// such file exists and the text looks like a JWT, from the text itself.
func readOperatorJWT(pathOrJWT string) (*jwt.OperatorClaims, error) {
	contents, err := os.ReadFile(pathOrJWT)
	if err != nil {
		if !strings.HasPrefix(pathOrJWT, "eyJ") {
			return nil, err
		}
		contents = []byte(pathOrJWT)
	}
	token, err := jwt.ParseDecoratedJWT(contents)
	if err != nil {
		return nil, err
	}
	return jwt.DecodeOperatorClaims(token)
}

// checkAssertedVersion refuses an operator that requires a newer server than serverVersion.
func checkAssertedVersion(op *jwt.OperatorClaims) error {
	major, minor, update, err := jwt.ParseServerVersion(op.AssertServerVersion)
	if err != nil {
		return fmt.Errorf("operator %s expects version %s got error instead: %s", op.Subject, op.AssertServerVersion, err)
	}
	var ours [3]int
	for i, part := range strings.SplitN(serverVersion, ".", 3) {
		ours[i], _ = strconv.Atoi(part)
	}
	names := [3]string{"major", "minor", "update"}
	for i, want := range [3]int{major, minor, update} {
		switch {
		case want > ours[i]:
			return fmt.Errorf("operator %s expected %s version %d > server %s version %d", op.Subject, names[i], want, names[i], ours[i])
		case want < ours[i]:
			return nil
		}
	}
	return nil
}

// parseTrustedKeys reads trusted: an operator public key or an array of them.
func parseTrustedKeys(v *config.Value) ([]string, error) {
	keys, err := stringOrList(v, "trusted")
	if err != nil {
		return nil, err
	}
	for _, key := range keys {
		if !nkeys.IsValidPublicOperatorKey(key) {
			return nil, errAt(v.Pos, "trust key %q required to be a valid public operator nkey", key)
		}
	}
	return keys, nil
}

// parseResolver reads resolver: MEMORY (or MEM), or { type: full, dir: ..., allow_delete, hard_delete,
// limit, interval, timeout }. nats-server's URL(...) and CACHE resolvers fetch from other servers, which
// reactor cannot do yet, so they are refused rather than silently degraded.
func parseResolver(v *config.Value) (ResolverConfig, error) {
	var rc ResolverConfig
	switch v.Kind {
	case config.KindString:
		upper := strings.ToUpper(v.Str)
		switch {
		case strings.Contains(upper, "MEM"):
			rc.Type = ResolverMemory
			return rc, nil
		case strings.HasPrefix(strings.TrimSpace(upper), "URL"):
			return rc, errAt(v.Pos, "resolver %q is not supported yet", v.Str)
		}
	case config.KindMap:
		return parseResolverMap(v)
	default:
		return rc, errAt(v.Pos, "error parsing operator resolver, wrong type %s", v.Kind)
	}
	return rc, errAt(v.Pos, `error parsing account resolver, should be MEM or  URL("url") or a map containing dir and type state=[FULL|CACHE])`)
}

func parseResolverMap(v *config.Value) (ResolverConfig, error) {
	var rc ResolverConfig
	var kind string
	var ttlSet, hardDeleteSet bool
	// nats-server reads only the keys it knows from this block and ignores the rest; so does reactor,
	// so a config it accepts is not refused here.
	err := eachKey(v.Map, func(name, key string, item *config.Value) error {
		var err error
		switch name {
		case "type":
			kind, err = wantString(item, key)
		case "dir":
			rc.Dir, err = wantString(item, key)
		case "allow_delete":
			rc.AllowDelete, err = wantBool(item, key)
		case "hard_delete":
			hardDeleteSet = true
			rc.HardDelete, err = wantBool(item, key)
		case "limit":
			rc.Limit, err = wantInt(item, key)
		case "ttl":
			ttlSet = true
			_, err = resolverDuration(item, key)
		case "interval":
			rc.Interval, err = resolverDuration(item, key)
		case "timeout":
			rc.Timeout, err = resolverDuration(item, key)
		}
		return err
	})
	if err != nil {
		return rc, err
	}
	switch strings.ToUpper(kind) {
	case "MEM", "MEMORY":
		rc.Type = ResolverMemory
	case "FULL":
		rc.Type = ResolverFull
		switch {
		case rc.Dir == "":
			return rc, errAt(v.Pos, "dir has no value and needs to point to a directory")
		case ttlSet:
			return rc, errAt(v.Pos, "FULL does not accept ttl")
		case hardDeleteSet && !rc.AllowDelete:
			return rc, errAt(v.Pos, "hard_delete has no effect without delete")
		}
		if info, err := os.Stat(rc.Dir); err == nil && (!info.IsDir() || info.Mode().Perm()&0o200 == 0) {
			return rc, errAt(v.Pos, "dir needs to point to an accessible directory")
		}
	case "CACHE":
		return rc, errAt(v.Pos, "resolver type %q is not supported yet", kind)
	default:
		return rc, errAt(v.Pos, `error parsing account resolver, should be MEM or  URL("url") or a map containing dir and type state=[FULL|CACHE])`)
	}
	return rc, nil
}

func resolverDuration(v *config.Value, key string) (time.Duration, error) {
	s, err := wantString(v, key)
	if err != nil {
		return 0, err
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, errAt(v.Pos, "%v", err)
	}
	return d, nil
}

// parsePreload reads resolver_preload: account public key -> account JWT. Each JWT must decode (which
// checks its signature); trust and expiry are checked when the account is looked up, as in nats-server.
func parsePreload(v *config.Value) (map[string]string, error) {
	if v.Kind != config.KindMap {
		return nil, errAt(v.Pos, "preload should be a map of account_public_key:account_jwt")
	}
	preload := make(map[string]string, len(v.Map.Keys))
	for _, key := range v.Map.Keys {
		item := v.Map.Values[key]
		if item.Kind != config.KindString {
			return nil, errAt(item.Pos, "preload map value should be a string JWT")
		}
		if _, err := jwt.DecodeAccountClaims(item.Str); err != nil {
			return nil, errAt(item.Pos, "invalid account JWT")
		}
		preload[key] = item.Str
	}
	return preload, nil
}
