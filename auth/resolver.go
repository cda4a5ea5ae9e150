package auth

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nkeys"
)

// An accountStore holds raw account JWTs by account public key. It neither decodes nor trusts them: the
// Authenticator verifies every JWT it reads, so a store may hold anything it was given.
type accountStore interface {
	fetch(pubKey string) (string, error)
	// save stores token for pubKey unless the stored one is the same claim or newer, as nats-server's
	// directory store does, so a replayed old JWT cannot roll an account back.
	save(pubKey, token string) error
}

var errAccountNotFound = errors.New("account not found")

// memoryStore is resolver: MEMORY, filled from resolver_preload. It is never written after New.
type memoryStore map[string]string

func (m memoryStore) fetch(pubKey string) (string, error) {
	if token, ok := m[pubKey]; ok {
		return token, nil
	}
	return "", errAccountNotFound
}

func (m memoryStore) save(string, string) error {
	return errors.New("the MEMORY resolver is read-only: account JWTs come from resolver_preload")
}

// dirStore is resolver { type: full, dir: ... }: one file per account, <dir>/<public key>.jwt, the
// layout nats-server's full resolver writes, so either server can start on the other's directory. Files
// are read on every fetch, so a JWT stored by another process (or before a restart) is seen at once.
type dirStore struct {
	dir string
	mu  sync.Mutex // serialises save's read-compare-write
}

func newDirStore(dir string) (*dirStore, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("resolver dir: %w", err)
	}
	return &dirStore{dir: dir}, nil
}

func (d *dirStore) path(pubKey string) (string, error) {
	if !nkeys.IsValidPublicKey(pubKey) {
		return "", fmt.Errorf("invalid public key %q", pubKey)
	}
	return filepath.Join(d.dir, pubKey+".jwt"), nil
}

func (d *dirStore) fetch(pubKey string) (string, error) {
	path, err := d.path(pubKey)
	if err != nil {
		return "", err
	}
	token, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", errAccountNotFound
	}
	return string(token), err
}

func (d *dirStore) save(pubKey, token string) error {
	path, err := d.path(pubKey)
	if err != nil {
		return err
	}
	incoming, err := jwt.DecodeGeneric(token)
	if err != nil {
		return err
	}
	if incoming.Subject != pubKey {
		return errors.New("jwt subject nkey and provided nkey do not match")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if existing, err := os.ReadFile(path); err == nil {
		if stored, err := jwt.DecodeGeneric(string(existing)); err == nil &&
			(stored.ID == incoming.ID || stored.IssuedAt > incoming.IssuedAt) {
			return nil
		}
	}
	// Write a temporary file and rename it over the old one, so a crash leaves either JWT, never half.
	tmp, err := os.CreateTemp(d.dir, pubKey+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(token); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o640); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
