package main

import (
	"errors"
	"fmt"
	"net/url"
	"slices"

	"github.com/reactor-nats/reactor/cluster"
	"github.com/reactor-nats/reactor/config"
)

// The cluster block and nats-server's cluster flags become reactor.Options.Cluster. Package cluster reads
// the block and the flag values; this file decides what the daemon adds around it: how the flags win over
// the file (nats-server's rules, quirks included, so that one command line means the same to both binaries),
// what is refused before the engine sees it (route TLS), and that a reload leaves the cluster alone. A
// cluster nobody named is named by the engine, which warns as nats-server does.

// clusterFlags are the cluster flags as given; parseCommandLine's set says which were.
type clusterFlags struct {
	listen         string // --cluster nats://[user:pass@]host:port
	name           string // --cluster_name
	routes         string // --routes
	advertise      string // --cluster_advertise
	noAdvertise    bool   // --no_advertise
	connectRetries int    // --connect_retries
}

// applyCluster reads the cluster block. Route TLS is refused here rather than by the engine so that -t
// refuses it too, with the file's position.
func applyCluster(f *flags, v *config.Value, _ map[string]bool) error {
	o, err := cluster.FromConfig(v)
	if err != nil {
		var positioned *config.Error
		if errors.As(err, &positioned) && positioned.Pos == v.Pos {
			return errors.New(positioned.Msg) // about the block itself: loadConfigFile places it and names the key
		}
		return err
	}
	if o.TLS != nil {
		return &config.Error{Pos: o.TLS.Pos, Msg: "cluster tls: not supported yet: reactor routes have no TLS"}
	}
	f.opts.Cluster = o
	return nil
}

// applyClusterFlags puts the cluster flags over the file as nats-server's MergeOptions does: a flag counts
// only when it says something (a non-empty string, true, a non-zero count), except --cluster, which given
// empty turns the file's cluster off. Flags alone are enough to make a cluster.
func (f *flags) applyClusterFlags(set map[string]bool) error {
	c := &f.cluster
	var given cluster.Flags
	if c.name != "" {
		given.Name = &c.name
	}
	if c.routes != "" {
		given.Routes = &c.routes
	}
	if c.advertise != "" {
		given.Advertise = &c.advertise
	}
	if c.noAdvertise {
		given.NoAdvertise = &c.noAdvertise
	}
	if c.connectRetries != 0 {
		given.ConnectRetries = &c.connectRetries
	}
	if set["cluster"] && c.listen != "" {
		given.Cluster = &c.listen
	}
	o := f.opts.Cluster
	if set["cluster"] && c.listen == "" && o != nil {
		o.Port = 0
	}
	if given == (cluster.Flags{}) {
		return nil
	}
	if o == nil {
		o = &cluster.Options{Compression: cluster.CompressionOff}
	}
	if given.Cluster != nil {
		// The URL's user info replaces the file's authorization; a URL without any leaves routes
		// unauthenticated, as in nats-server.
		o.Username, o.Password = "", ""
	}
	if err := cluster.ApplyFlags(o, given); err != nil {
		return err
	}
	if given.Routes != nil && o.Host == "" && o.Port == 0 {
		return errors.New("solicited routes require cluster capabilities, e.g. --cluster") // nats-server's text
	}
	f.opts.Cluster = o
	return nil
}

// refuseClusterChange refuses any change to the configured cluster on reload: the route engine cannot
// change its listener, name, routes or authorization while it runs (nats-server reloads all but host and
// port). The wording is nats-server's for host and port and follows it for the rest; passwords are not
// printed. Compression and TLS are left out: one is always off, the other always refused.
func refuseClusterChange(old, next *cluster.Options) error {
	var none cluster.Options
	if old == nil {
		old = &none
	}
	if next == nil {
		next = &none
	}
	err := refuseChanged([]fixedSetting{
		{"cluster host", old.Host, next.Host},
		{"cluster port", old.Port, next.Port},
		{"cluster name", old.Name, next.Name},
		{"cluster advertise", old.Advertise, next.Advertise},
		{"cluster no_advertise", old.NoAdvertise, next.NoAdvertise},
		{"cluster connect_retries", old.ConnectRetries, next.ConnectRetries},
		{"cluster authorization user", old.Username, next.Username},
		{"cluster authorization timeout", old.AuthTimeout, next.AuthTimeout},
		{"cluster pool_size", old.PoolSize, next.PoolSize},
		{"cluster ping_interval", old.PingInterval, next.PingInterval},
		{"cluster ping_max", old.PingMax, next.PingMax},
	})
	if err != nil {
		return err
	}
	if !slices.EqualFunc(old.Routes, next.Routes, func(a, b *url.URL) bool { return a.String() == b.String() }) {
		return fmt.Errorf("config reload not supported for cluster routes: old=%v, new=%v",
			redactedURLs(old.Routes), redactedURLs(next.Routes))
	}
	if old.Password != next.Password {
		return errors.New("config reload not supported for cluster authorization password")
	}
	return nil
}

// redactedURLs hides the passwords of route URLs for the log.
func redactedURLs(urls []*url.URL) []string {
	shown := make([]string, len(urls))
	for i, u := range urls {
		shown[i] = u.Redacted()
	}
	return shown
}
