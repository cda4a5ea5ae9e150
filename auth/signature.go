package auth

import (
	"encoding/base64"
	"errors"

	"github.com/nats-io/nkeys"
)

// verifyNonceSignature checks that sig, from CONNECT, is publicKey's ed25519 signature over the nonce the
// server sent in INFO. Clients send it base64url without padding (nats.go) or, some older ones, standard
// base64; both are accepted as nats-server accepts them. Because each connection gets a fresh nonce, a
// signature captured from another connection does not verify: that is what stops replays.
func verifyNonceSignature(publicKey, nonce, sig string) error {
	if nonce == "" {
		return errors.New("no nonce was sent, so no signature can be checked")
	}
	if sig == "" {
		return errors.New("signature missing")
	}
	raw, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		if raw, err = base64.StdEncoding.DecodeString(sig); err != nil {
			return errors.New("signature not valid base64")
		}
	}
	key, err := nkeys.FromPublicKey(publicKey)
	if err != nil {
		return errors.New("public nkey not valid")
	}
	if err := key.Verify([]byte(nonce), raw); err != nil {
		return errors.New("signature not verified")
	}
	return nil
}
