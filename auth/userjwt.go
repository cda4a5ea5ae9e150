package auth

import (
	"time"

	"github.com/nats-io/jwt/v2"
)

// authenticateJWT is operator mode: the client presents a user JWT (and, unless it is a bearer token, its
// signature over the nonce, as nats.go's UserCredentials sends them). The checks run in nats-server's
// order; any failure refuses.
func (a *Authenticator) authenticateJWT(req *Request) (*Grant, error) {
	if req.JWT == "" {
		return nil, refuse("a user JWT is required")
	}
	uc, err := jwt.DecodeUserClaims(req.JWT)
	if err != nil {
		return nil, refuse("user JWT not valid: %v", err)
	}
	vr := jwt.CreateValidationResults()
	uc.Validate(vr)
	if vr.IsBlocking(false) {
		return nil, refuse("user JWT not valid: %v", vr.Errors())
	}
	if why, bad := claimExpired(&uc.ClaimsData, req.Now); bad {
		return nil, refuse("user JWT %s", why)
	}
	accountKey := uc.Issuer
	if uc.IssuerAccount != "" {
		accountKey = uc.IssuerAccount
	}
	acc, err := a.operator.lookup(accountKey, req.Now)
	if err != nil {
		return nil, refuse("%v", err)
	}
	scope, ok := acc.signer(uc.Issuer)
	if !ok {
		return nil, refuse("user JWT issuer %s is not a signing key of account %s", uc.Issuer, acc.Name)
	}
	limits := uc.UserPermissionLimits
	if scope != nil {
		if err := scope.ValidateScopedSigner(uc); err != nil {
			return nil, refuse("user JWT: %v", err)
		}
		if limits, err = expandScopeTemplate(scope.Template, uc, acc); err != nil {
			return nil, refuse("user JWT: scoped signing key template: %v", err)
		}
	}
	if limits.BearerToken && acc.Limits.DisallowBearer {
		return nil, refuse("account %s does not allow bearer tokens", acc.Name)
	}
	// Unknown connection types are ignored as long as a known one is left; with none left the user was
	// meant for a type this server does not know, so it is refused rather than allowed everywhere.
	connTypes, unknown := normalizeConnectionTypes(limits.AllowedConnectionTypes)
	if len(unknown) > 0 && len(connTypes) == 0 {
		return nil, refuse("user JWT allows only unknown connection types %q", unknown)
	}
	if !connTypeAllowed(connTypes, req.ConnType) {
		return nil, refuse("connection type %q not allowed", req.ConnType)
	}
	// A bearer token needs no proof of the key: holding the JWT is enough.
	if !limits.BearerToken {
		if err := verifyNonceSignature(uc.Subject, req.Nonce, req.Sig); err != nil {
			return nil, refuse("user %s: %v", uc.Subject, err)
		}
	}
	if acc.revoked(uc.Subject, time.Unix(uc.IssuedAt, 0)) {
		return nil, refuse("user %s has been revoked", uc.Subject)
	}
	if !srcAllowed(limits.Src, req.RemoteIP) {
		return nil, refuse("user %s may not connect from %v", uc.Subject, req.RemoteIP)
	}
	inTime, validFor, err := timesAllow(limits.Times, limits.Locale, req.Now)
	if err != nil || !inTime {
		return nil, refuse("user %s: outside its connect times", uc.Subject)
	}
	perms := permissionsFromJWT(&limits.Permissions)
	if perms == nil {
		perms = acc.DefaultPermissions
	}
	return &Grant{
		Account:     acc.Name,
		AccountSpec: acc,
		User:        uc.Subject,
		Permissions: perms,
		Expires:     earliest(unixTime(uc.Expires), validFor, req.Now),
		MaxSubs:     limits.Subs,
		MaxPayload:  limits.Payload,
		Tags:        uc.Tags,
	}, nil
}

// earliest combines a JWT expiry (zero = none) with the time left in the current connect range (0 = no
// ranges) into one deadline, zero for never.
func earliest(expires time.Time, validFor time.Duration, now time.Time) time.Time {
	if validFor == 0 {
		return expires
	}
	rangeEnd := now.Add(validFor)
	if expires.IsZero() || rangeEnd.Before(expires) {
		return rangeEnd
	}
	return expires
}
