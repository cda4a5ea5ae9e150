package auth

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/jwt/v2"
)

// Permits reports whether the account importer may import im from a, the exporting account: some export of
// a covers im's subject, is of the same kind, and is open to importer, either by name (or publicly) or,
// for an export that requires a token, by im's activation token. nats-server makes no import that fails
// this, so the engine skips it (and says so in its log).
//
// An activation token is a JWT the exporting account (or one of its signing keys, on its behalf) issued to
// the importer: its subject is the importer's key, its import subject covers the imported subject, its kind
// matches, and it has not expired.
func (a *AccountSpec) Permits(importer string, im Import, now time.Time) error {
	inner := strings.Split(im.Subject, ".")
	for _, e := range a.Exports {
		if e.Service != im.Service || !subsetOf(inner, strings.Split(e.Subject, ".")) {
			continue
		}
		if e.AccountTokenPosition > 0 {
			if int(e.AccountTokenPosition) > len(inner) || inner[e.AccountTokenPosition-1] != importer {
				continue
			}
		}
		if !e.TokenRequired {
			if len(e.Accounts) == 0 || slices.Contains(e.Accounts, importer) {
				return nil
			}
			continue
		}
		if err := a.checkActivation(importer, im, inner, now); err != nil {
			return err
		}
		return nil
	}
	return fmt.Errorf("account %s does not export %s %q to %s", a.Name, kindName(im.Service), im.Subject, importer)
}

func (a *AccountSpec) checkActivation(importer string, im Import, inner []string, now time.Time) error {
	if im.Token == "" {
		return fmt.Errorf("import of %q from %s requires an activation token", im.Subject, a.Name)
	}
	ac, err := jwt.DecodeActivationClaims(im.Token)
	if err != nil {
		return fmt.Errorf("activation token for %q: %w", im.Subject, err)
	}
	issuer := ac.Issuer
	if ac.IssuerAccount != "" {
		if ac.IssuerAccount != a.Name || !slices.Contains(a.SigningKeys, ac.Issuer) {
			return fmt.Errorf("activation token for %q: not issued by account %s", im.Subject, a.Name)
		}
		issuer = ac.IssuerAccount
	}
	switch {
	case issuer != a.Name:
		return fmt.Errorf("activation token for %q: not issued by account %s", im.Subject, a.Name)
	case ac.Subject != importer && ac.Subject != jwt.All:
		return fmt.Errorf("activation token for %q: issued to %s, not %s", im.Subject, ac.Subject, importer)
	case ac.Expires > 0 && now.Unix() >= ac.Expires:
		return fmt.Errorf("activation token for %q: expired", im.Subject)
	case (ac.ImportType == jwt.Service) != im.Service:
		return fmt.Errorf("activation token for %q: for another kind of import", im.Subject)
	case !subsetOf(inner, strings.Split(string(ac.ImportSubject), ".")):
		return fmt.Errorf("activation token for %q: covers %q only", im.Subject, ac.ImportSubject)
	}
	return nil
}
