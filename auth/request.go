package auth

import (
	"errors"
	"fmt"
	"net"
	"time"
)

// Request is what one CONNECT presents, plus what the engine knows about the connection.
type Request struct {
	User, Pass, Token, Nkey, Sig, JWT string    // CONNECT's user, pass, auth_token, nkey, sig, jwt
	Nonce                             string    // the nonce sent in INFO ("" if none was sent)
	RemoteIP                          net.IP    // checked against a user JWT's src networks
	ConnType                          string    // jwt.ConnectionTypeStandard ("" means that), ...Websocket, ...
	Now                               time.Time // the time expiry and time ranges are judged at; zero: time.Now()
	// CertIdentities are the names of the client's verified TLS certificate, when the server maps
	// certificates to users (tls { verify_and_map }): its subject in RFC 2253 form, then its e-mail
	// addresses, DNS names and URIs. The first that names a configured user is the client's identity, and
	// no password is asked for; nil when certificates are not mapped.
	CertIdentities []string
}

// Grant is the outcome of an accepted CONNECT: who the client is and what it may do.
type Grant struct {
	Account     string       // account name (config) or public key (operator mode)
	AccountSpec *AccountSpec // that account as resolved for this CONNECT
	User        string       // user name or nkey, for logs and connz authorized_user ("" for a token)
	Permissions *Permissions // nil = everything allowed; build the connection's Checker from it
	// Expires is when the user's authorization ends: the user JWT's expiry, or the end of its current
	// connect time range, whichever comes first. Zero = never. The engine then closes the connection with
	// nats-server's "User Authentication Expired"; the account's own expiry is AccountSpec.Expires.
	Expires time.Time
	// MaxSubs and MaxPayload are the user's own limits from its JWT (-1 = unlimited; 0 is a limit of zero,
	// as nats-server reads a JWT). The engine applies the smallest of these, the account's and the server's.
	MaxSubs, MaxPayload int64
	Tags                []string
}

// ErrAuthorizationViolation is what every refusal wraps; the engine answers it with nats-server's
// -ERR 'Authorization Violation' and closes the connection. The wrapped reason is for logs only: clients
// never learn why, so that refusals do not help guessing.
var ErrAuthorizationViolation = errors.New("authorization violation")

func refuse(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrAuthorizationViolation, fmt.Sprintf(format, args...))
}

// connTypeAllowed reports whether a connection of type connType ("" = standard) may use an identity
// limited to allowed (empty = any type).
func connTypeAllowed(allowed []string, connType string) bool {
	if len(allowed) == 0 {
		return true
	}
	if connType == "" {
		connType = "STANDARD"
	}
	for _, t := range allowed {
		if t == connType {
			return true
		}
	}
	return false
}
