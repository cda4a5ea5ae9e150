package ws

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// originPolicy is nats-server's origin check (srvWebsocket.checkOrigin): same_origin compares the
// Origin's scheme, host and port with the request's own; allowed_origins lists the scheme, host and port
// an Origin may have. With neither, or without an Origin header (a non-browser client), anything goes.
type originPolicy struct {
	sameOrigin bool
	tls        bool                       // the listener serves TLS: the request's scheme is https
	allowed    map[string][]allowedOrigin // by lower-cased host
}

type allowedOrigin struct{ scheme, port string }

// newOriginPolicy parses allowed_origins, refusing what nats-server refuses at startup
// (validateWebsocketOptions), with its messages.
func newOriginPolicy(sameOrigin, tls bool, allowed []string) (*originPolicy, error) {
	p := &originPolicy{sameOrigin: sameOrigin, tls: tls}
	for _, ao := range allowed {
		u, err := url.ParseRequestURI(ao)
		if err != nil {
			return nil, fmt.Errorf("unable to parse allowed origin: %v", err)
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			return nil, fmt.Errorf("unable to parse allowed origin %q: allowed origins must be absolute URLs with http or https scheme", ao)
		}
		if u.Host == "" {
			return nil, fmt.Errorf("unable to parse allowed origin %q: host is required", ao)
		}
		h, port, err := hostAndPort(u.Scheme == "https", u.Host)
		if err != nil {
			return nil, fmt.Errorf("unable to parse allowed origin: %v", err)
		}
		if p.allowed == nil {
			p.allowed = make(map[string][]allowedOrigin)
		}
		p.allowed[h] = append(p.allowed[h], allowedOrigin{u.Scheme, port})
	}
	return p, nil
}

// check returns why origin may not connect to a request for host, or nil. The error text follows
// "origin not allowed: " in nats-server's log line.
func (p *originPolicy) check(origin, host string) error {
	if !p.sameOrigin && len(p.allowed) == 0 || origin == "" {
		return nil
	}
	u, err := url.ParseRequestURI(origin)
	if err != nil {
		return err
	}
	oh, op, err := hostAndPort(u.Scheme == "https", u.Host)
	if err != nil {
		return err
	}
	if p.sameOrigin {
		rh, rp, err := hostAndPort(p.tls, host)
		if err != nil {
			return err
		}
		rs := "http"
		if p.tls {
			rs = "https"
		}
		if oh != rh || op != rp || !strings.EqualFold(u.Scheme, rs) {
			return errors.New("not same origin")
		}
	}
	if len(p.allowed) > 0 {
		for _, ao := range p.allowed[oh] {
			if u.Scheme == ao.scheme && op == ao.port {
				return nil
			}
		}
		return errors.New("not in the allowed list")
	}
	return nil
}

// hostAndPort splits host:port, the port defaulting to the scheme's (wsGetHostAndPort).
func hostAndPort(tls bool, hostport string) (string, string, error) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		var ae *net.AddrError
		if errors.As(err, &ae) && strings.Contains(ae.Err, "missing port") {
			err = nil
			host = hostport
			port = "80"
			if tls {
				port = "443"
			}
		}
	}
	return strings.ToLower(host), port, err
}
