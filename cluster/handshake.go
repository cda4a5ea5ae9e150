package cluster

import (
	"fmt"
	"net"
	"net/url"
	"strconv"

	"github.com/reactor-nats/reactor/codec"
)

// RouteProto is the route protocol version reactor announces: 2, accounts in every verb; 3 would
// promise message-trace headers reactor does not handle (ROUTES.md §3).
const RouteProto = 2

// InfoParams is what the engine knows at run time and Options does not.
type InfoParams struct {
	Version    string
	MaxPayload int64
	// ListenHost and ListenPort are where the route listener is bound (the real port when Options.Port
	// is -1).
	ListenHost string
	ListenPort int
	// ClientURLs are this server's client host:port URLs, for connect_urls.
	ClientURLs []string
}

// LocalInfo is the route INFO reactor sends, on accept unprompted and after CONNECT when dialing
// (ROUTES.md §1, §3). It leaves out what would switch a nats-server peer into modes reactor lacks:
// no route_pool_size (one route per peer), no lnoc/lnocu/ln, no jetstream, no nonce; compression is
// "off". With Options.Advertise the advertised address is the host, port and ip peers gossip and dial.
func LocalInfo(id Identity, o *Options, p InfoParams) codec.RouteInfo {
	info := codec.RouteInfo{
		ServerID:     id.ServerID,
		ServerName:   id.ServerName,
		Version:      p.Version,
		Proto:        RouteProto,
		Host:         p.ListenHost,
		Port:         p.ListenPort,
		Headers:      true,
		AuthRequired: o.Username != "",
		MaxPayload:   p.MaxPayload,
		Cluster:      id.Cluster,
		Compression:  CompressionOff,
	}
	if info.ServerName == "" {
		info.ServerName = id.ServerID
	}
	if o.Advertise != "" {
		if host, portText, err := net.SplitHostPort(o.Advertise); err == nil {
			if port, err := strconv.Atoi(portText); err == nil {
				info.Host, info.Port = host, port
			}
		}
		info.IP = "nats-route://" + o.Advertise + "/"
	}
	if !o.NoAdvertise && len(p.ClientURLs) > 0 {
		info.ConnectURLs = append([]string(nil), p.ClientURLs...)
	}
	return info
}

// LocalConnect is the CONNECT reactor sends first on a route it dialed (ROUTES.md §2). The credentials
// are the route URL's, else the cluster authorization's (user, password), as nats-server does.
func LocalConnect(id Identity, route *url.URL, user, password string) codec.RouteConnect {
	c := codec.RouteConnect{
		Echo:    true,
		Headers: true,
		Name:    id.ServerID,
		Cluster: id.Cluster,
	}
	if route != nil && route.User != nil {
		c.User = route.User.Username()
		c.Pass, _ = route.User.Password()
	} else if user != "" {
		c.User, c.Pass = user, password
	}
	return c
}

// CheckCompression refuses a peer INFO whose compression mode nats-server would not know, with its text.
// Every mode it knows is accepted, even the s2 ones: a peer announces what it would like, and reactor's
// own INFO ("off") is what keeps the route uncompressed (ROUTES.md §4).
func CheckCompression(mode string) *Refusal {
	switch mode {
	case "", CompressionOff, "not supported", "accept",
		"s2_uncompressed", "s2_fast", "s2_better", "s2_best", "s2_auto":
		return nil
	}
	return &Refusal{fmt.Sprintf("unsupported route compression mode %q", mode)}
}
