package auth

import (
	"crypto/subtle"
	"regexp"

	"golang.org/x/crypto/bcrypt"
)

// bcryptHash recognises a configured password or token that is a bcrypt hash, as nats-server does: the
// client's secret is then checked against the hash instead of compared.
var bcryptHash = regexp.MustCompile(`^\$2[abxy]\$\d{2}\$.*`)

// secretMatches reports whether the client's secret matches the configured one, a bcrypt hash or plain
// text. Plain text is compared in constant time; bcrypt is slow by design, which is why the engine calls
// Authenticate off its event loops.
func secretMatches(configured, presented string) bool {
	if bcryptHash.MatchString(configured) {
		return bcrypt.CompareHashAndPassword([]byte(configured), []byte(presented)) == nil
	}
	return subtle.ConstantTimeCompare([]byte(configured), []byte(presented)) == 1
}
