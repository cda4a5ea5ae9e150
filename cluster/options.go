package cluster

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/reactor-nats/reactor/config"
)

// Options is the cluster block of the server's configuration, after the config file and the flags.
// The zero Options (Port 0, no Routes) means "no cluster": the engine opens no route listener.
type Options struct {
	// Name is the cluster name every peer must share (CONNECT and INFO "cluster"). Empty means
	// unset; the engine must then generate one (nats-server's "dynamic" name) — not handled here.
	Name string
	// Host and Port are the route listen address. Port -1 asks for a random port, as in nats-server.
	Host string
	Port int
	// Advertise is the host:port put in the route INFO "ip" instead of the listen address.
	Advertise string
	// NoAdvertise keeps the peers' client connect_urls out of the client INFO.
	NoAdvertise bool
	// Routes are the explicit routes, dialed forever (nats-route://[user:pass@]host:port).
	Routes []*url.URL
	// ConnectRetries is how many times a dropped implicit route this server dialed is redialed.
	ConnectRetries int
	// Username and Password are what an accepted route's CONNECT must carry (cluster authorization);
	// empty Username means routes are not authenticated.
	Username, Password string
	// AuthTimeout bounds the route handshake when authorization is set; 0 means the engine's default.
	AuthTimeout time.Duration
	// PoolSize is -1 or 0: reactor keeps one route per peer (ROUTES.md §4). A positive pool_size is refused.
	PoolSize int
	// Compression is "off": reactor never compresses routes. Other modes are refused.
	Compression string
	// PingInterval and PingMax tune route liveness (ROUTES.md §8); 0 means the engine's default.
	PingInterval time.Duration
	PingMax      int
	// TLS is the raw tls { ... } block, left for the caller to build with the server's TLS parser.
	// Reactor has no route TLS yet: the engine must refuse to start when it is set.
	TLS *config.Value
}

// CompressionOff is the only route compression mode reactor supports.
const CompressionOff = "off"

// Enabled reports whether the options ask for a route listener.
func (o *Options) Enabled() bool { return o != nil && o.Port != 0 }

// ValidateName checks a cluster name as nats-server does.
func ValidateName(name string) error {
	if strings.ContainsAny(name, " \t\r\n") {
		return errors.New("cluster name cannot contain spaces")
	}
	return nil
}

// ParseRouteURLs reads the --routes flag: route URLs separated by commas, blanks around them ignored.
// Every URL needs a scheme and a host:port (nats-route://user:pass@host:port).
func ParseRouteURLs(s string) ([]*url.URL, error) {
	var routes []*url.URL
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		u, err := parseRouteURL(part)
		if err != nil {
			return nil, err
		}
		routes = append(routes, u)
	}
	return routes, nil
}

// parseRouteURL returns nats-server's error text for a URL it cannot parse; it is stricter than
// nats-server in also refusing URLs without a host or port, which could never be dialed.
func parseRouteURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("error parsing route url [%q]", s)
	}
	if _, port, err := net.SplitHostPort(u.Host); err != nil || port == "" {
		return nil, fmt.Errorf("error parsing route url [%q]: want host:port", s)
	}
	return u, nil
}

// Flags are the cluster command-line flags; nil means "not given". Given flags override the config
// file, as in nats-server.
type Flags struct {
	Cluster        *string // --cluster nats://[user:pass@]host:port
	Name           *string // --cluster_name
	Routes         *string // --routes
	Advertise      *string // --cluster_advertise
	NoAdvertise    *bool   // --no_advertise
	ConnectRetries *int    // --connect_retries
}

// ApplyFlags overrides o with the flags that were given. o may be the zero Options.
func ApplyFlags(o *Options, f Flags) error {
	if f.Cluster != nil {
		if err := applyClusterURL(o, *f.Cluster); err != nil {
			return fmt.Errorf("--cluster: %w", err)
		}
	}
	if f.Name != nil {
		if err := ValidateName(*f.Name); err != nil {
			return fmt.Errorf("--cluster_name: %w", err)
		}
		o.Name = *f.Name
	}
	if f.Routes != nil {
		routes, err := ParseRouteURLs(*f.Routes)
		if err != nil {
			return fmt.Errorf("--routes: %w", err)
		}
		o.Routes = routes
	}
	if f.Advertise != nil {
		o.Advertise = *f.Advertise
	}
	if f.NoAdvertise != nil {
		o.NoAdvertise = *f.NoAdvertise
	}
	if f.ConnectRetries != nil {
		o.ConnectRetries = *f.ConnectRetries
	}
	return nil
}

// applyClusterURL reads --cluster: the listen address as a URL; user info in it sets the cluster
// authorization, as nats-server does.
func applyClusterURL(o *Options, s string) error {
	// Port -1 (random) is valid for nats-server but not for net/url: parse it as 0 and put it back.
	random := strings.HasSuffix(s, ":-1") || strings.Contains(s, ":-1/")
	if random {
		s = strings.Replace(s, ":-1", ":0", 1)
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return fmt.Errorf("invalid cluster URL %q: want nats://host:port", s)
	}
	host, portText, err := net.SplitHostPort(u.Host)
	if err != nil {
		return fmt.Errorf("invalid cluster URL %q: want nats://host:port", s)
	}
	port, err := strconv.Atoi(portText)
	if err == nil {
		err = checkPort(port)
	}
	if err != nil {
		return fmt.Errorf("invalid cluster URL %q: bad port %q", s, portText)
	}
	if random {
		port = -1
	}
	o.Host, o.Port = host, port
	if u.User != nil {
		password, ok := u.User.Password()
		if !ok {
			return errors.New("expected cluster password to be set")
		}
		o.Username, o.Password = u.User.Username(), password
	}
	return nil
}
