package auth

import (
	"slices"
	"strings"
	"time"

	"github.com/nats-io/jwt/v2"
)

// accountFromClaims builds the AccountSpec an account JWT describes. ownSigner says whether the account's
// own key may sign users: not when the operator that signed the account demands signing keys.
func accountFromClaims(claims *jwt.AccountClaims, token string, ownSigner bool) *AccountSpec {
	l := claims.Limits
	spec := &AccountSpec{
		Name:   claims.Subject,
		Issuer: claims.Issuer,
		JWT:    token,
		Tags:   claims.Tags,
		Limits: AccountLimits{
			MaxConnections:   l.Conn,
			MaxSubscriptions: l.Subs,
			MaxPayload:       l.Payload,
			MaxLeafNodes:     l.LeafNodeConn,
			MaxData:          l.Data,
			MaxImports:       l.Imports,
			MaxExports:       l.Exports,
			DisallowBearer:   l.DisallowBearer,
		},
		DefaultPermissions: permissionsFromJWT(&claims.DefaultPermissions),
		Expires:            unixTime(claims.Expires),
		ownSigner:          ownSigner,
		jwtName:            claims.Name,
	}
	for _, e := range claims.Exports {
		export := Export{
			Subject:              string(e.Subject),
			Service:              e.IsService(),
			TokenRequired:        e.TokenReq,
			ResponseThreshold:    e.ResponseThreshold,
			AccountTokenPosition: e.AccountTokenPosition,
		}
		if export.Service {
			export.ResponseType = string(e.ResponseType)
			if export.ResponseType == "" {
				export.ResponseType = ResponseSingleton
			}
		}
		spec.Exports = append(spec.Exports, export)
	}
	for _, im := range claims.Imports {
		spec.Imports = append(spec.Imports, importFromClaim(im))
	}
	for key, scope := range claims.SigningKeys {
		spec.SigningKeys = append(spec.SigningKeys, key)
		if us, ok := scope.(*jwt.UserScope); ok {
			if spec.scopes == nil {
				spec.scopes = make(map[string]*jwt.UserScope)
			}
			spec.scopes[key] = us
		}
	}
	slices.Sort(spec.SigningKeys)
	if len(claims.Revocations) > 0 {
		spec.Revocations = make(map[string]time.Time, len(claims.Revocations))
		for key, at := range claims.Revocations {
			spec.Revocations[key] = time.Unix(at, 0)
		}
	}
	return spec
}

// importFromClaim reads a JWT import the way nats-server installs it: for a stream, local_subject maps
// the subject, else the deprecated 'to' is a prefix; for a service, local_subject (or the subject) is what
// local clients send to, and the subject (or the deprecated 'to') is the exporter's.
func importFromClaim(im *jwt.Import) Import {
	out := Import{Account: im.Account, Subject: string(im.Subject), Service: im.IsService(), Share: im.Share, Token: im.Token}
	to := im.GetTo()
	switch {
	case !out.Service && im.LocalSubject != "":
		out.To = string(im.LocalSubject)
	case !out.Service && to != "":
		out.To = strings.TrimSuffix(to, ".") + "." + out.Subject
	case !out.Service:
		out.To = out.Subject
	case im.LocalSubject != "":
		out.To = string(im.LocalSubject)
	case to != "":
		out.To, out.Subject = out.Subject, to
	default:
		out.To = out.Subject
	}
	return out
}

// permissionsFromJWT converts JWT permissions; nil when they restrict nothing, as nats-server treats a
// user without permissions (the account's default permissions then apply).
func permissionsFromJWT(jp *jwt.Permissions) *Permissions {
	var p Permissions
	restricted := false
	if len(jp.Pub.Allow) > 0 || len(jp.Pub.Deny) > 0 {
		p.Publish = &SubjectPermission{Allow: jp.Pub.Allow, Deny: jp.Pub.Deny}
		restricted = true
	}
	if len(jp.Sub.Allow) > 0 || len(jp.Sub.Deny) > 0 {
		p.Subscribe = &SubjectPermission{Allow: jp.Sub.Allow, Deny: jp.Sub.Deny}
		restricted = true
	}
	if jp.Resp != nil {
		p.Response = &ResponsePermission{MaxMsgs: jp.Resp.MaxMsgs, Expires: jp.Resp.Expires}
		restricted = true
	}
	if !restricted {
		return nil
	}
	return withResponseDefaults(&p)
}

// unixTime converts a JWT time (seconds, 0 = unset) to a time.Time (zero = unset).
func unixTime(seconds int64) time.Time {
	if seconds == 0 {
		return time.Time{}
	}
	return time.Unix(seconds, 0)
}

// expiredAt reports whether a JWT expiry (zero = none) has passed at now. Like jwt and nats-server it
// counts whole seconds and holds the claim valid through its expiry second.
func expiredAt(expires, now time.Time) bool {
	return !expires.IsZero() && now.Unix() > expires.Unix()
}

// claimExpired reports whether a JWT with these times is not valid at now: past its expiry (jwt counts a
// claim valid through its expiry second) or before its not-before.
func claimExpired(c *jwt.ClaimsData, now time.Time) (string, bool) {
	switch {
	case c.Expires > 0 && now.Unix() > c.Expires:
		return "expired", true
	case c.NotBefore > 0 && c.NotBefore > now.Unix():
		return "not yet valid", true
	}
	return "", false
}
