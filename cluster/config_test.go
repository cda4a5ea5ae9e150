package cluster

import (
	"errors"
	"testing"
	"time"

	"github.com/reactor-nats/reactor/config"
)

func parseCluster(t *testing.T, src string) (*Options, error) {
	t.Helper()
	m, err := config.Parse("c.conf", []byte(src))
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	v, ok := m.Get("cluster")
	if !ok {
		t.Fatalf("no cluster key in %q", src)
	}
	return FromConfig(v)
}

func TestFromConfigAccepts(t *testing.T) {
	o, err := parseCluster(t, `cluster {
  name: C
  listen: "127.0.0.1:6222"
  cluster_advertise: "10.0.0.1:6222"
  no_advertise: true
  routes: ["nats-route://a:b@127.0.0.1:6223", "nats-route://127.0.0.1:6224"]
  connect_retries: 5
  authorization { user: ruser, password: rpass, timeout: 2.5 }
  pool_size: -1
  compression: off
  accounts: []
  ping_interval: "5s"
  ping_max: 3
  tls { cert_file: x }
}`)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case o.Name != "C", o.Host != "127.0.0.1", o.Port != 6222, o.Advertise != "10.0.0.1:6222", !o.NoAdvertise:
		t.Fatalf("identity: %+v", o)
	case len(o.Routes) != 2 || o.Routes[0].User.Username() != "a" || o.Routes[1].Host != "127.0.0.1:6224":
		t.Fatalf("routes: %v", o.Routes)
	case o.ConnectRetries != 5, o.Username != "ruser", o.Password != "rpass", o.AuthTimeout != 2500*time.Millisecond:
		t.Fatalf("auth/retries: %+v", o)
	case o.PoolSize != -1, o.Compression != CompressionOff, o.PingInterval != 5*time.Second, o.PingMax != 3:
		t.Fatalf("tuning: %+v", o)
	case o.TLS == nil || o.TLS.Kind != config.KindMap:
		t.Fatalf("tls: %+v", o.TLS)
	}
	if !o.Enabled() {
		t.Fatal("Enabled() = false with a port")
	}
}

func TestFromConfigVariants(t *testing.T) {
	for _, tc := range []struct {
		src   string
		check func(*Options) bool
	}{
		{`cluster { host: 0.0.0.0, port: 6222 }`, func(o *Options) bool { return o.Host == "0.0.0.0" && o.Port == 6222 }},
		{`cluster { listen: 7222 }`, func(o *Options) bool { return o.Port == 7222 }},
		{`cluster { listen: "127.0.0.1:-1" }`, func(o *Options) bool { return o.Port == -1 && o.Host == "127.0.0.1" }},
		{`cluster { port: 1, advertise: "h:1" }`, func(o *Options) bool { return o.Advertise == "h:1" }},
		{`cluster { port: 1, compression: false }`, func(o *Options) bool { return o.Compression == CompressionOff }},
		{`cluster { port: 1, compression: { mode: disabled } }`, func(o *Options) bool { return true }},
		{`cluster { port: 1, pool_size: 0 }`, func(o *Options) bool { return o.PoolSize == 0 }},
		{`cluster { port: 1, authorization { user: a, password: b, timeout: "2s" } }`, func(o *Options) bool { return o.AuthTimeout == 2*time.Second }},
		{`cluster { NAME: X, Port: 1 }`, func(o *Options) bool { return o.Name == "X" && o.Port == 1 }},
		{`cluster { name: "", port: 1 }`, func(o *Options) bool { return o.Name == "" }},
	} {
		o, err := parseCluster(t, tc.src)
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		if !tc.check(o) {
			t.Errorf("%s: got %+v", tc.src, o)
		}
	}
}

// The texts marked "nats-server" were checked with bin/nats-server -t. nats-server reports a key one
// column left of config (it counts that column from 0), so its 1:31 is our 1:32.
func TestFromConfigRefuses(t *testing.T) {
	for _, tc := range []struct {
		src, want string
	}{
		// nats-server: unknown field "foo" at the key.
		{`cluster { name: C, port: 6222, foo: 1 }`, `c.conf:1:32: unknown field "foo"`},
		{`cluster { name: C, port: 6222, authorization { user: a, password: b, foo: 1 } }`, `c.conf:1:70: unknown field "foo"`},
		// nats-server: the element's position and its text.
		{`cluster { name: C, port: 6222, routes: ["::bad"] }`, `c.conf:1:41: error parsing route url ["::bad"]`},
		{`cluster { name: C, port: 6222, routes: ["127.0.0.1:1"] }`, `c.conf:1:41: error parsing route url ["127.0.0.1:1"]`},
		{`cluster { name: "a b", port: 6222 }`, `c.conf:1:11: cluster name cannot contain spaces`},
		{`cluster { name: C, port: 6222, authorization { users: [{user: a, password: b}] } }`, `c.conf:1:32: Cluster authorization does not allow multiple users`},
		{`cluster { name: C, port: 6222, authorization { token: x } }`, `c.conf:1:32: Cluster authorization does not support tokens`},
		{`cluster { name: C, port: 6222, authorization { user: a, password: b, permissions: {} } }`, `c.conf:1:32: invalid use of field "authorization": setting "permissions" within cluster authorization block is deprecated`},
		{`cluster { name: C, listen: "nohostport" }`, `c.conf:1:20: cluster listen: could not parse address string "nohostport"`},
		// nats-server refuses these with a Go panic text; ours names the type.
		{`cluster { name: C, port: "x" }`, `c.conf:1:20: cluster port: want an integer, got string`},
		{`cluster { name: C, port: 6222, routes: "nats-route://h:1" }`, `c.conf:1:32: cluster routes: want an array, got string`},
		{`cluster { name: C, port: 6222, no_advertise: 3 }`, `c.conf:1:32: cluster no_advertise: want a boolean, got int`},
		{`cluster { name: 5, port: 6222 }`, `c.conf:1:11: cluster name: want a string, got int`},
		{`cluster: 5`, `c.conf:1:10: Expected map to define cluster, got int`},
		// nats-server refuses these only at startup.
		{`cluster { port: 70000 }`, `c.conf:1:11: cluster port: invalid port 70000: want 0-65535, or -1 for a random port`},
		{`cluster { listen: "h:70000" }`, `c.conf:1:11: cluster listen: invalid port 70000: want 0-65535, or -1 for a random port`},
		{`cluster { port: 1, compression: zstd }`, `c.conf:1:20: cluster compression: unsupported compression mode "zstd"`},
		// nats-server accepts these; reactor does not do them yet.
		{`cluster { port: 1, pool_size: 3 }`, `c.conf:1:20: cluster pool_size: pool_size 3 is not supported yet: reactor keeps one route per peer (use -1 or 0)`},
		{`cluster { port: 1, compression: s2_auto }`, `c.conf:1:20: cluster compression: compression "s2_auto" is not supported yet: reactor routes are uncompressed (use off)`},
		{`cluster { port: 1, compression: accept }`, `c.conf:1:20: cluster compression: compression "accept" is not supported yet: reactor routes are uncompressed (use off)`},
		{`cluster { port: 1, accounts: [A] }`, `c.conf:1:20: cluster accounts: pinned accounts are not supported yet: reactor keeps one route per peer`},
	} {
		_, err := parseCluster(t, tc.src)
		var ce *config.Error
		if !errors.As(err, &ce) {
			t.Errorf("%s: got %v, want a *config.Error", tc.src, err)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.src, err, tc.want)
		}
	}
}
