package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/reactor-nats/reactor/config"
	"github.com/reactor-nats/reactor/reactor"
)

// The websocket block opens the websocket listener, with nats-server's keys: listen or host and port,
// no_tls (reactor serves WebSocket without TLS only, so the server refuses to start without it, as
// nats-server refuses without TLS unless it is set), compression, same_origin, allowed_origins, handshake_timeout and the credential cookies.

func applyWebSocket(f *flags, v *config.Value, _ map[string]bool) error {
	if v.Kind != config.KindMap {
		return errors.New("want a block")
	}
	w := &reactor.WebSocketOptions{}
	noTLS := false
	for _, key := range v.Map.Keys {
		val := v.Map.Values[key]
		var err error
		switch strings.ToLower(key) {
		case "listen":
			err = applyHostPort(val, &w.Host, &w.Port, false, false)
		case "host", "net":
			w.Host, err = wantString(val)
		case "port":
			if val.Kind != config.KindInt {
				err = errors.New("want an integer")
			}
			w.Port = int(val.Int)
		case "tls":
			var b *tlsBlock
			if b, err = parseTLSBlock(val); err == nil {
				w.TLS, err = b.build()
			}
		case "no_tls":
			noTLS, err = wantBool(val)
		case "compression":
			w.Upgrader.Compression, err = wantBool(val)
		case "same_origin":
			w.Upgrader.SameOrigin, err = wantBool(val)
		case "allowed_origins":
			if val.Kind == config.KindString {
				w.Upgrader.AllowedOrigins = []string{val.Str}
			} else {
				w.Upgrader.AllowedOrigins, err = wantStrings(val)
			}
		case "handshake_timeout":
			w.HandshakeTimeout, err = wsTimeout(val)
		case "jwt_cookie":
			w.Upgrader.JWTCookie, err = wantString(val)
		case "username_cookie":
			w.Upgrader.UsernameCookie, err = wantString(val)
		case "password_cookie":
			w.Upgrader.PasswordCookie, err = wantString(val)
		case "token_cookie":
			w.Upgrader.TokenCookie, err = wantString(val)
		default:
			return &config.Error{Pos: v.Map.KeyPos[key], Msg: fmt.Sprintf("websocket: %q is not supported yet", key)}
		}
		if err != nil {
			return &config.Error{Pos: val.Pos, Msg: fmt.Sprintf("websocket %s: %v", key, err)}
		}
	}
	w.NoTLS = noTLS
	f.opts.WebSocket = w
	return nil
}

// wsTimeout reads handshake_timeout: a duration string, or a number of seconds.
func wsTimeout(v *config.Value) (time.Duration, error) {
	if v.Kind == config.KindString {
		return config.Duration(v)
	}
	s, err := wantSeconds(v)
	return secondsDuration(s), err
}
