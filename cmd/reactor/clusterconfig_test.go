package main

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/reactor-nats/reactor/cluster"
)

// everyClusterKey is a cluster block with every key reactor reads, each off its default.
const everyClusterKey = `
cluster {
  name: "C1"
  listen: "127.0.0.1:6333"
  advertise: "route.example.com:6333"
  no_advertise: true
  routes: [
    "nats-route://ruser:rpass@127.0.0.1:6334"
    "nats://127.0.0.1:6335"
  ]
  connect_retries: 7
  authorization {
    user: "ruser"
    password: "rpass"
    timeout: 3
  }
  pool_size: -1
  compression: off
  ping_interval: "30s"
  ping_max: 4
}
`

func parseClusterFlags(t *testing.T, args ...string) *cluster.Options {
	t.Helper()
	var stderr strings.Builder
	f, err := parseFlags(args, &stderr)
	if err != nil {
		t.Fatalf("%v: %v %s", args, err, stderr.String())
	}
	return f.opts.Cluster
}

func routeStrings(routes []*url.URL) string {
	s := make([]string, len(routes))
	for i, u := range routes {
		s[i] = u.String()
	}
	return strings.Join(s, " ")
}

// TestClusterConfigKeysSetOptions: each key of the cluster block lands in Options.Cluster.
func TestClusterConfigKeysSetOptions(t *testing.T) {
	o := parseClusterFlags(t, "-c", writeConfig(t, everyClusterKey))
	checkSettings(t, []expectedSetting{
		{"enabled", o.Enabled(), true},
		{"name", o.Name, "C1"},
		{"listen host", o.Host, "127.0.0.1"},
		{"listen port", o.Port, 6333},
		{"advertise", o.Advertise, "route.example.com:6333"},
		{"no_advertise", o.NoAdvertise, true},
		{"routes", routeStrings(o.Routes), "nats-route://ruser:rpass@127.0.0.1:6334 nats://127.0.0.1:6335"},
		{"connect_retries", o.ConnectRetries, 7},
		{"authorization user", o.Username, "ruser"},
		{"authorization password", o.Password, "rpass"},
		{"authorization timeout", o.AuthTimeout, 3 * time.Second},
		{"pool_size", o.PoolSize, -1},
		{"compression", o.Compression, cluster.CompressionOff},
		{"ping_interval", o.PingInterval, 30 * time.Second},
		{"ping_max", o.PingMax, 4},
		{"tls", o.TLS == nil, true},
	})
}

// TestClusterConfigOtherForms: nats-server's other spellings of the same cluster settings.
func TestClusterConfigOtherForms(t *testing.T) {
	for _, c := range []struct {
		text  string
		check func(o *cluster.Options) bool
	}{
		{"cluster { host: 127.0.0.2, port: 6444 }\n", func(o *cluster.Options) bool { return o.Host == "127.0.0.2" && o.Port == 6444 }},
		{"cluster { net: 127.0.0.2, port: 6444 }\n", func(o *cluster.Options) bool { return o.Host == "127.0.0.2" }},
		{"cluster { listen: 6555 }\n", func(o *cluster.Options) bool { return o.Host == "" && o.Port == 6555 }},
		{"cluster { port: -1 }\n", func(o *cluster.Options) bool { return o.Enabled() && o.Port == -1 }},
		{"cluster { port: 6222, cluster_advertise: \"a:1\" }\n", func(o *cluster.Options) bool { return o.Advertise == "a:1" }},
		{"cluster { port: 6222, compression: { mode: \"off\" } }\n", func(o *cluster.Options) bool { return o.Compression == cluster.CompressionOff }},
		{"cluster { port: 6222, accounts: [] }\n", func(o *cluster.Options) bool { return o.Enabled() }},
		{"cluster { name: C }\n", func(o *cluster.Options) bool { return o.Name == "C" && !o.Enabled() }},
		{"CLUSTER { PORT: 6222 }\n", func(o *cluster.Options) bool { return o.Port == 6222 }},
		{"port: 4222\n", func(o *cluster.Options) bool { return o == nil }},
	} {
		if o := parseClusterFlags(t, "-c", writeConfig(t, c.text)); !c.check(o) {
			t.Errorf("%q: cluster options %+v", c.text, o)
		}
	}
}

// TestClusterFlagsOverrideFile: each cluster flag wins over the block, and the --cluster URL replaces the
// block's authorization (here with none), as in nats-server.
func TestClusterFlagsOverrideFile(t *testing.T) {
	o := parseClusterFlags(t, "-c", writeConfig(t, everyClusterKey), "--cluster", "nats://127.0.0.1:7000",
		"--cluster_name", "F", "--routes", "nats://127.0.0.1:7001, nats://127.0.0.1:7002",
		"--cluster_advertise", "flag.example.com:7000", "--connect_retries", "9")
	checkSettings(t, []expectedSetting{
		{"host", o.Host, "127.0.0.1"},
		{"port", o.Port, 7000},
		{"name", o.Name, "F"},
		{"routes", routeStrings(o.Routes), "nats://127.0.0.1:7001 nats://127.0.0.1:7002"},
		{"advertise", o.Advertise, "flag.example.com:7000"},
		{"connect_retries", o.ConnectRetries, 9},
		{"user (dropped by --cluster)", o.Username, ""},
		{"password (dropped by --cluster)", o.Password, ""},
		{"no_advertise (no flag)", o.NoAdvertise, true},
		{"authorization timeout (no flag)", o.AuthTimeout, 3 * time.Second},
		{"ping_interval (no flag)", o.PingInterval, 30 * time.Second},
	})
}

// TestClusterFlagsCountWhenTheySaySomething: nats-server merges a cluster flag over the file only when its
// value says something; an empty --cluster turns the file's cluster off.
func TestClusterFlagsCountWhenTheySaySomething(t *testing.T) {
	file := writeConfig(t, everyClusterKey)
	plain := writeConfig(t, "cluster { listen: \"127.0.0.1:6333\" }\n")
	for _, c := range []struct {
		args  []string
		check func(o *cluster.Options) bool
	}{
		{[]string{"-c", file, "--no_advertise=false"}, func(o *cluster.Options) bool { return o.NoAdvertise }},
		{[]string{"-c", plain, "--no_advertise"}, func(o *cluster.Options) bool { return o.NoAdvertise }},
		{[]string{"-c", file, "--connect_retries", "0"}, func(o *cluster.Options) bool { return o.ConnectRetries == 7 }},
		{[]string{"-c", file, "--cluster_name", ""}, func(o *cluster.Options) bool { return o.Name == "C1" }},
		{[]string{"-c", file, "--routes", ""}, func(o *cluster.Options) bool { return len(o.Routes) == 2 }},
		{[]string{"-c", file, "--cluster_advertise", ""}, func(o *cluster.Options) bool { return o.Advertise == "route.example.com:6333" }},
		{[]string{"-c", file, "--cluster", ""}, func(o *cluster.Options) bool { return !o.Enabled() && o.Name == "C1" }},
		{[]string{"-c", file, "--cluster", "nats://u:p@127.0.0.1:7000"}, func(o *cluster.Options) bool {
			return o.Username == "u" && o.Password == "p" && o.Port == 7000
		}},
		{[]string{"-c", plain, "--routes", "nats://127.0.0.1:7001"}, func(o *cluster.Options) bool {
			return o.Port == 6333 && routeStrings(o.Routes) == "nats://127.0.0.1:7001"
		}},
	} {
		if o := parseClusterFlags(t, c.args...); !c.check(o) {
			t.Errorf("%v: cluster options %+v", c.args, o)
		}
	}
}

// TestClusterFlagsAlone: without a file, --cluster is enough to make a cluster; a name alone is not.
func TestClusterFlagsAlone(t *testing.T) {
	o := parseClusterFlags(t, "--cluster", "nats://127.0.0.1:6222")
	if !o.Enabled() || o.Host != "127.0.0.1" || o.Port != 6222 || o.Name != "" || o.Compression != cluster.CompressionOff {
		t.Errorf("--cluster alone: %+v", o)
	}
	if o := parseClusterFlags(t, "--cluster_name", "X"); o == nil || o.Enabled() || o.Name != "X" {
		t.Errorf("--cluster_name alone: %+v", o)
	}
	if o := parseClusterFlags(t); o != nil {
		t.Errorf("no cluster asked for: %+v", o)
	}
}

// TestClusterFlagErrors: bad flag values exit 1 with the flag named.
func TestClusterFlagErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--cluster", "bad"}, `--cluster: invalid cluster URL "bad"`},
		{[]string{"--cluster", "nats://127.0.0.1:70000"}, `--cluster: invalid cluster URL "nats://127.0.0.1:70000": bad port`},
		{[]string{"--cluster", "nats://127.0.0.1:6222", "--routes", "nats://[::1"}, `--routes: error parsing route url ["nats://[::1"]`},
		{[]string{"--cluster", "nats://127.0.0.1:6222", "--cluster_name", "a b"}, "--cluster_name: cluster name cannot contain spaces"},
		{[]string{"--routes", "nats://127.0.0.1:6223"}, "solicited routes require cluster capabilities, e.g. --cluster"},
		{[]string{"-c", writeConfig(t, "cluster { name: C }\n"), "--routes", "nats://127.0.0.1:6223"}, "solicited routes require cluster capabilities"},
	} {
		var stderr strings.Builder
		if _, err := parseFlags(c.args, &stderr); err != errConfig || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: err %v, stderr %q, want %q", c.args, err, stderr.String(), c.want)
		}
	}
}

// natsServerSays runs the reference binary to completion and returns its exit code and the message of its
// one-line refusal, with the file position split off when there is one ("path:line:col: msg").
func natsServerSays(t *testing.T, args ...string) (code int, position, msg string) {
	t.Helper()
	stderr, code := runReactor(t, natsServerBinary(t), args...)
	line := strings.TrimPrefix(strings.TrimSpace(stderr), "nats-server: ")
	if m := regexp.MustCompile(`^(.*:\d+):\d+: (.*)$`).FindStringSubmatch(line); m != nil {
		return code, m[1], m[2]
	}
	return code, "", line
}

// TestClusterRefusalsMatchNatsServer: what nats-server refuses in a cluster block or flag, reactor refuses
// too, with the same exit code, text and line (columns may differ by one: nats-server places a quoted
// string after its quote).
func TestClusterRefusalsMatchNatsServer(t *testing.T) {
	for _, text := range []string{
		"cluster {\n  port: 6222\n  foo: 1\n}\n",
		"cluster {\n  port: 6222\n  routes: [\n    \"nats://127.0.0.1:6223\"\n    \"nats://[::1\"\n  ]\n}\n",
		"cluster {\n  name: \"a b\"\n  port: 6222\n}\n",
		"cluster {\n  port: 6222\n  authorization {\n    users: [{user: a, password: b}]\n  }\n}\n",
		"cluster {\n  port: 6222\n  authorization {\n    token: abc\n  }\n}\n",
		"cluster {\n  port: 6222\n  authorization {\n    user: a\n    foo: 1\n  }\n}\n",
	} {
		path := writeConfig(t, text)
		refCode, refPos, refMsg := natsServerSays(t, "-c", path, "-t")
		if refCode != 1 || refPos == "" {
			t.Fatalf("%q: nats-server exit %d, %s %q: not a positioned refusal", text, refCode, refPos, refMsg)
		}
		stderr, code := runReactor(t, reactorBinary(t), "-c", path, "-t")
		if code != refCode || !strings.Contains(stderr, refPos+":") || !strings.Contains(stderr, refMsg) {
			t.Errorf("%q: reactor exit %d %q; nats-server exit %d at %s: %q", text, code, stderr, refCode, refPos, refMsg)
		}
	}
	for _, args := range [][]string{
		{"--cluster_name", "a b"},
		{"--routes", "nats://127.0.0.1:6223"},
	} {
		port := fmt.Sprint(freePort(t))
		args = append([]string{"-a", "127.0.0.1", "-p", port}, args...)
		refCode, _, refMsg := natsServerSays(t, args...)
		if refCode != 1 {
			t.Fatalf("%v: nats-server exit %d %q: not a refusal", args, refCode, refMsg)
		}
		stderr, code := runReactor(t, reactorBinary(t), args...)
		if code != refCode || !strings.Contains(stderr, refMsg) {
			t.Errorf("%v: reactor exit %d %q; nats-server exit %d %q", args, code, stderr, refCode, refMsg)
		}
	}
}

// TestClusterTLSRefused: routes have no TLS yet, so a cluster tls block stops -t and the daemon alike.
func TestClusterTLSRefused(t *testing.T) {
	path := writeConfig(t, "cluster {\n  port: 6222\n  tls {\n    cert_file: \"server.pem\"\n    key_file: \"server-key.pem\"\n  }\n}\n")
	want := path + ":3:7: cluster tls: not supported yet"
	for _, args := range [][]string{
		{"-c", path, "-t"},
		{"-c", path, "-a", "127.0.0.1", "-p", fmt.Sprint(freePort(t))},
	} {
		if stderr, code := runReactor(t, reactorBinary(t), args...); code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("%v: exit %d, %q, want 1 and %q", args, code, stderr, want)
		}
	}
}

// TestCheckConfigAcceptsClusterBlock: -t passes every cluster key reactor reads.
func TestCheckConfigAcceptsClusterBlock(t *testing.T) {
	path := writeConfig(t, everyClusterKey)
	if stderr, code := runReactor(t, reactorBinary(t), "-c", path, "-t"); code != 0 || !strings.Contains(stderr, "is valid") {
		t.Fatalf("-t: exit %d, %q", code, stderr)
	}
}

// dynamicNameWarning begins the warning about a made-up cluster name, nats-server's ("… generated, consider
// setting one") and the engine's alike.
const dynamicNameWarning = "Cluster name was dynamically"

// clusterNameInVarz starts bin with a cluster on a free port and monitoring, and returns the cluster name
// /varz reports.
func clusterNameInVarz(t *testing.T, bin string, args ...string) (*daemon, string) {
	t.Helper()
	httpPort := freePort(t)
	args = append([]string{"--cluster", fmt.Sprintf("nats://127.0.0.1:%d", freePort(t)), "-m", fmt.Sprint(httpPort)}, args...)
	d := startDaemonBinary(t, bin, args...)
	varzURL := fmt.Sprintf("http://127.0.0.1:%d/varz", httpPort)
	waitFor(t, "the monitoring port", func() bool { code, _ := httpGet(varzURL); return code == http.StatusOK })
	var varz struct {
		Cluster struct {
			Name string `json:"name"`
		} `json:"cluster"`
	}
	getJSON(t, varzURL, &varz)
	return d, varz.Cluster.Name
}

// TestDaemonNamesAnUnnamedCluster: --cluster alone runs a cluster under a generated nuid-like name, with a
// warning, as nats-server does; a configured name is used as is.
func TestDaemonNamesAnUnnamedCluster(t *testing.T) {
	nuid := regexp.MustCompile(`^[0-9A-Za-z]{22}$`)
	for _, bin := range []string{natsServerBinary(t), reactorBinary(t)} {
		d, name := clusterNameInVarz(t, bin)
		if !nuid.MatchString(name) {
			t.Errorf("%s: /varz cluster name %q, want 22 base62 characters", bin, name)
		}
		d.waitForLog(t, dynamicNameWarning, 1)
		d.waitForLog(t, name, 1)

		d, name = clusterNameInVarz(t, bin, "--cluster_name", "C")
		if name != "C" || strings.Contains(d.logs.String(), dynamicNameWarning) {
			t.Errorf("%s: /varz cluster name %q with --cluster_name C; log:\n%s", bin, name, d.logs)
		}
	}
}

// TestRefuseClusterChange: every cluster setting is fixed while running; secrets stay out of the message.
func TestRefuseClusterChange(t *testing.T) {
	route := func(s string) []*url.URL {
		u, err := url.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return []*url.URL{u}
	}
	base := cluster.Options{Name: "C", Host: "127.0.0.1", Port: 6222, Compression: cluster.CompressionOff,
		Username: "u", Password: "secret", Routes: route("nats-route://u:secret@127.0.0.1:6223")}
	for _, c := range []struct {
		edit func(o *cluster.Options)
		want string
	}{
		{func(o *cluster.Options) { o.Host = "" }, "config reload not supported for cluster host: old=127.0.0.1, new="},
		{func(o *cluster.Options) { o.Port = 6333 }, "config reload not supported for cluster port: old=6222, new=6333"},
		{func(o *cluster.Options) { o.Name = "D" }, "config reload not supported for cluster name: old=C, new=D"},
		{func(o *cluster.Options) { o.Advertise = "a:1" }, "config reload not supported for cluster advertise: old=, new=a:1"},
		{func(o *cluster.Options) { o.NoAdvertise = true }, "config reload not supported for cluster no_advertise: old=false, new=true"},
		{func(o *cluster.Options) { o.ConnectRetries = 3 }, "config reload not supported for cluster connect_retries: old=0, new=3"},
		{func(o *cluster.Options) { o.Username = "v" }, "config reload not supported for cluster authorization user: old=u, new=v"},
		{func(o *cluster.Options) { o.Password = "other" }, "config reload not supported for cluster authorization password"},
		{func(o *cluster.Options) { o.AuthTimeout = time.Second }, "config reload not supported for cluster authorization timeout: old=0s, new=1s"},
		{func(o *cluster.Options) { o.PoolSize = -1 }, "config reload not supported for cluster pool_size: old=0, new=-1"},
		{func(o *cluster.Options) { o.PingInterval = time.Second }, "config reload not supported for cluster ping_interval: old=0s, new=1s"},
		{func(o *cluster.Options) { o.PingMax = 5 }, "config reload not supported for cluster ping_max: old=0, new=5"},
		{func(o *cluster.Options) { o.Routes = route("nats-route://u:other@127.0.0.1:6223") },
			"config reload not supported for cluster routes: old=[nats-route://u:xxxxx@127.0.0.1:6223], new=[nats-route://u:xxxxx@127.0.0.1:6223]"},
		{func(o *cluster.Options) { o.Routes = nil }, "config reload not supported for cluster routes: old=[nats-route://u:xxxxx@127.0.0.1:6223], new=[]"},
	} {
		next := base
		c.edit(&next)
		err := refuseClusterChange(&base, &next)
		if err == nil || err.Error() != c.want {
			t.Errorf("got %v, want %q", err, c.want)
		}
		if err != nil && (strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "other")) {
			t.Errorf("a password in %q", err)
		}
	}
	same := base
	same.Routes = route("nats-route://u:secret@127.0.0.1:6223")
	if err := refuseClusterChange(&base, &same); err != nil {
		t.Errorf("equal options: %v", err)
	}
	if err := refuseClusterChange(nil, &cluster.Options{Compression: cluster.CompressionOff}); err != nil {
		t.Errorf("an empty cluster block against none: %v", err)
	}
}

// reloadClusterPort starts bin with a cluster on one port, moves it to another in the file and sends
// SIGHUP; it returns the daemon with the reload's outcome logged.
func reloadClusterPort(t *testing.T, bin string, oldPort, newPort int) *daemon {
	t.Helper()
	block := "max_payload: %s\ncluster {\n  name: C\n  listen: \"127.0.0.1:%d\"\n}\n"
	path := writeConfig(t, fmt.Sprintf(block, "1KB", oldPort))
	d := startDaemonBinary(t, bin, "-c", path)
	rewrite(t, path, fmt.Sprintf(block, "4KB", newPort))
	d.signal(t, syscall.SIGHUP)
	d.waitForLog(t, "Failed to reload server configuration: ", 1)
	return d
}

// TestSIGHUPClusterPortChangeRefusedAsNatsServer: moving the route port is refused by both, in the same words.
func TestSIGHUPClusterPortChangeRefusedAsNatsServer(t *testing.T) {
	for _, bin := range []string{natsServerBinary(t), reactorBinary(t)} {
		oldPort, newPort := freePort(t), freePort(t)
		d := reloadClusterPort(t, bin, oldPort, newPort)
		want := fmt.Sprintf("config reload not supported for cluster port: old=%d, new=%d", oldPort, newPort)
		if !strings.Contains(d.logs.String(), want) {
			t.Errorf("%s: the log does not say %q:\n%s", bin, want, d.logs)
		}
		if got := d.maxPayloadOfNewConnection(t); got != 1024 {
			t.Errorf("%s: max_payload %d after a refused reload, want 1024", bin, got)
		}
	}
}

// TestSIGHUPRefusesClusterChanges: whatever changes in the cluster block, the reload is refused whole, the
// log says which setting, and the configuration in force stays.
func TestSIGHUPRefusesClusterChanges(t *testing.T) {
	port := freePort(t)
	block := func(extra string) string {
		return fmt.Sprintf("max_payload: 4KB\ncluster {\n  name: C\n  listen: \"127.0.0.1:%d\"\n%s}\n", port, extra)
	}
	path := writeConfig(t, "max_payload: 1KB\n"+strings.TrimPrefix(block(""), "max_payload: 4KB\n"))
	d := startDaemon(t, "-c", path)
	d.checkReloadsRefused(t, path, []refusedReload{
		{strings.Replace(block(""), "name: C", "name: D", 1), "config reload not supported for cluster name: old=C, new=D"},
		{block("  routes: [\"nats://127.0.0.1:6999\"]\n"), "config reload not supported for cluster routes: old=[], new=[nats://127.0.0.1:6999]"},
		{block("  authorization { user: a, password: s3cret }\n"), "config reload not supported for cluster authorization user: old=, new=a"},
		{"max_payload: 4KB\n", "config reload not supported for cluster host: old=127.0.0.1, new="},
	})
	if strings.Contains(d.logs.String(), "s3cret") {
		t.Fatalf("a cluster password in the log:\n%s", d.logs)
	}
}

// TestSIGHUPWithGeneratedClusterName: a cluster from flags with a generated name does not stand in the way
// of reloading the rest.
func TestSIGHUPWithGeneratedClusterName(t *testing.T) {
	path := writeConfig(t, "max_payload: 1KB\n")
	d := startDaemon(t, "-c", path, "--cluster", fmt.Sprintf("nats://127.0.0.1:%d", freePort(t)))
	d.waitForLog(t, dynamicNameWarning, 1)
	rewrite(t, path, "max_payload: 2KB\n")
	d.signal(t, syscall.SIGHUP)
	d.waitForLog(t, "Reloaded server configuration", 1)
	if got := d.maxPayloadOfNewConnection(t); got != 2048 {
		t.Fatalf("max_payload %d after reload, want 2048", got)
	}
}

// TestDaemonsClusterFromFileAndFlags: one daemon clustered by its file, one by flags alone with a route
// to it; a message published on the first reaches a subscriber on the second.
func TestDaemonsClusterFromFileAndFlags(t *testing.T) {
	routePort := freePort(t)
	a := startDaemon(t, "-c", writeConfig(t, fmt.Sprintf("cluster {\n  name: C\n  listen: \"127.0.0.1:%d\"\n}\n", routePort)))
	b := startDaemon(t, "--cluster", fmt.Sprintf("nats://127.0.0.1:%d", freePort(t)), "--cluster_name", "C",
		"--routes", fmt.Sprintf("nats://127.0.0.1:%d", routePort))

	sub, err := nats.Connect(b.url)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	msgs, err := sub.SubscribeSync("across")
	if err != nil {
		t.Fatal(err)
	}
	if err := sub.Flush(); err != nil {
		t.Fatal(err)
	}
	a.waitForInterest(t, "across") // the route is up and has carried the subscription
	pub, err := nats.Connect(a.url)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	if err := pub.Publish("across", []byte("from A")); err != nil {
		t.Fatal(err)
	}
	for {
		m, err := msgs.NextMsg(5 * time.Second)
		if err != nil {
			t.Fatalf("on B: %v\nA:\n%s\nB:\n%s", err, a.logs, b.logs)
		}
		if string(m.Data) == "from A" {
			return // what came before were waitForInterest's empty probes
		}
	}
}
