package auth

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nkeys"
)

// operatorTrust is operator mode: which keys may sign accounts, where account JWTs come from, and a cache
// of the accounts already decoded.
type operatorTrust struct {
	trusted      map[string]bool // operator identity and signing keys that may sign accounts
	strictSigner map[string]bool // signing keys of operators that demand signing keys for users too
	jwts         accountStore
	full         bool // a FULL resolver, which takes pushed JWTs

	mu       sync.Mutex
	accounts map[string]*AccountSpec // public key -> last decoded spec; reused while its JWT is unchanged
}

func newOperatorTrust(cfg *Config, systemName string) (*operatorTrust, error) {
	t := &operatorTrust{
		trusted:      map[string]bool{},
		strictSigner: map[string]bool{},
		accounts:     map[string]*AccountSpec{},
	}
	for _, key := range cfg.TrustedKeys {
		if !nkeys.IsValidPublicOperatorKey(key) {
			return nil, fmt.Errorf("trusted Keys %q are required to be a valid public operator nkey", key)
		}
		t.trusted[key] = true
	}
	for _, op := range cfg.TrustedOperators {
		// An operator with strict signing key usage signs accounts only with its signing keys, and
		// those accounts sign users only with theirs.
		if !op.StrictSigningKeyUsage {
			t.trusted[op.Subject] = true
		}
		for _, key := range op.SigningKeys {
			t.trusted[key] = true
			if op.StrictSigningKeyUsage {
				t.strictSigner[key] = true
			}
		}
	}
	switch cfg.Resolver.Type {
	case ResolverMemory:
		store := memoryStore{}
		for key, token := range cfg.Preload {
			store[key] = token
		}
		t.jwts = store
		// nats-server refuses to start when the system account it is told about cannot be resolved.
		if nkeys.IsValidPublicAccountKey(systemName) {
			if _, err := t.lookup(systemName, time.Now()); err != nil {
				return nil, fmt.Errorf("error resolving system account: %w", err)
			}
		}
	case ResolverFull:
		store, err := newDirStore(cfg.Resolver.Dir)
		if err != nil {
			return nil, err
		}
		for key, token := range cfg.Preload {
			if err := store.save(key, token); err != nil {
				return nil, fmt.Errorf("preload account error for %q: %w", key, err)
			}
		}
		t.jwts, t.full = store, true
	default:
		return nil, errors.New("operators require an account resolver to be configured")
	}
	return t, nil
}

// lookup returns the account with public key pubKey, verified at now.
func (t *operatorTrust) lookup(pubKey string, now time.Time) (*AccountSpec, error) {
	if !nkeys.IsValidPublicAccountKey(pubKey) {
		return nil, fmt.Errorf("account %q: will only fetch valid account keys", pubKey)
	}
	token, err := t.jwts.fetch(pubKey)
	if err != nil {
		return nil, fmt.Errorf("account %s: %w", pubKey, err)
	}
	spec, err := t.decode(pubKey, token)
	if err != nil {
		return nil, fmt.Errorf("account %s: %w", pubKey, err)
	}
	if expiredAt(spec.Expires, now) {
		return nil, fmt.Errorf("account %s: account JWT expired", pubKey)
	}
	return spec, nil
}

// decode verifies an account JWT and builds its spec, or returns the spec built from the same JWT before.
// Only time checks are left to the caller, since they change while the JWT does not.
func (t *operatorTrust) decode(pubKey, token string) (*AccountSpec, error) {
	t.mu.Lock()
	cached := t.accounts[pubKey]
	t.mu.Unlock()
	if cached != nil && cached.JWT == token {
		return cached, nil
	}
	claims, err := t.verifyAccount(token)
	if err != nil {
		return nil, err
	}
	if claims.Subject != pubKey {
		return nil, fmt.Errorf("account JWT subject %s does not match", claims.Subject)
	}
	if claims.NotBefore > 0 && claims.NotBefore > time.Now().Unix() {
		return nil, errors.New("account JWT not yet valid")
	}
	spec := accountFromClaims(claims, token, !t.strictSigner[claims.Issuer])
	t.mu.Lock()
	t.accounts[pubKey] = spec
	t.mu.Unlock()
	return spec, nil
}

// verifyAccount decodes an account JWT (which checks its signature) and checks that a trusted operator
// key signed it and that it is valid apart from its times.
func (t *operatorTrust) verifyAccount(token string) (*jwt.AccountClaims, error) {
	claims, err := jwt.DecodeAccountClaims(token)
	if err != nil {
		return nil, fmt.Errorf("account JWT not valid: %w", err)
	}
	if !t.trusted[claims.Issuer] {
		return nil, fmt.Errorf("account JWT issuer %s is not a trusted operator key", claims.Issuer)
	}
	vr := jwt.CreateValidationResults()
	claims.Validate(vr)
	if vr.IsBlocking(false) {
		return nil, fmt.Errorf("account JWT validation errors: %v", vr.Errors())
	}
	return claims, nil
}

// store persists a pushed account JWT in the FULL resolver's directory.
func (t *operatorTrust) store(token string) error {
	if !t.full {
		return errors.New("account JWTs can only be stored with a full resolver (resolver { type: full, dir: ... })")
	}
	claims, err := t.verifyAccount(token)
	if err != nil {
		return err
	}
	return t.jwts.save(claims.Subject, token)
}
