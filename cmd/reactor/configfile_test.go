package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "reactor.conf")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// everyKey is a configuration file with every key reactor supports, each off its default.
const everyKey = `
# every key reactor supports
listen: 127.0.0.1:4999
server_name: "from-file"
client_advertise: "nats.example.com:4222"
max_payload: 64KB
max_pending: 32MB
max_control_line: 2KB
max_connections: 100
max_subscriptions: 7
max_closed_clients: 50
ping_interval: "30s"
ping_max: 3
write_deadline: "3s"
no_header_support: true
debug: true
trace: false
logtime: false
log_file: "/tmp/x.log"
log_size_limit: 1MB
log_max_num: 4
pid_file: /tmp/x.pid
http: "127.0.0.2:8300"
http_port: 8301
prof_port: 6061
lame_duck_duration: "45s"
lame_duck_grace_period: "500ms"
`

// TestConfigFileKeysSetOptions: every supported key lands in the options, with nats-server's units.
func TestConfigFileKeysSetOptions(t *testing.T) {
	f, err := parseFlags([]string{"-c", writeConfig(t, everyKey)}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	o := f.opts
	checkSettings(t, []expectedSetting{
		{"listen host", o.Host, "127.0.0.1"},
		{"listen port", o.Port, 4999},
		{"server_name", o.ServerName, "from-file"},
		{"client_advertise", o.ClientAdvertise, "nats.example.com:4222"},
		{"max_payload", o.MaxPayload, 64 << 10},
		{"max_pending", o.MaxPending, 32 << 20},
		{"max_control_line", o.MaxControlLine, 2 << 10},
		{"max_connections", o.MaxConnections, 100},
		{"max_subscriptions", o.MaxSubscriptions, 7},
		{"max_closed_clients", o.MaxClosedClients, 50},
		{"ping_interval", o.PingInterval, 30 * time.Second},
		{"ping_max", o.MaxPingsOut, 3},
		{"write_deadline", o.WriteDeadline, 3 * time.Second},
		{"no_header_support", o.NoHeaderSupport, true},
		{"debug", f.debug, true},
		{"trace", f.trace, false},
		{"logtime", f.logTime, false},
		{"log_file", f.logFile, "/tmp/x.log"},
		{"log_size_limit", f.logSizeLimit, int64(1 << 20)},
		{"log_max_num", f.logMaxFiles, 4},
		{"pid_file", f.pidFile, "/tmp/x.pid"},
		{"http host", f.httpHost, "127.0.0.2"},
		{"http_port after http", f.httpPort, 8301},
		{"prof_port", f.profilePort, 6061},
		{"lame_duck_duration", o.LameDuckDuration, 45 * time.Second},
		{"lame_duck_grace_period", o.LameDuckGracePeriod, 500 * time.Millisecond},
	})
}

// expectedSetting is a value the configuration must have set, under the key a failure names.
type expectedSetting struct {
	key       string
	got, want any
}

func checkSettings(t *testing.T, settings []expectedSetting) {
	t.Helper()
	for _, c := range settings {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.key, c.got, c.want)
		}
	}
}

// TestCheckConfigAcceptsEveryKey: -t on the built binary passes the file with every supported key.
func TestCheckConfigAcceptsEveryKey(t *testing.T) {
	path := writeConfig(t, everyKey)
	out, err := exec.Command(reactorBinary(t), "-c", path, "-t").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "configuration file "+path+" is valid") {
		t.Fatalf("-t: %v %q", err, out)
	}
}

// TestCommandLineOverridesConfigFile: a flag given on the command line wins over the file, as in
// nats-server; keys without a flag still come from the file.
func TestCommandLineOverridesConfigFile(t *testing.T) {
	path := writeConfig(t, everyKey)
	f, err := parseFlags([]string{"-c", path, "-p", "5000", "-n", "from-flag", "--client_advertise", "flag:1",
		"-m", "9000", "-l", "/tmp/flag.log", "--log_size_limit", "2048", "-P", "/tmp/flag.pid", "--profile", "7000",
		"-DV", "-T=true"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	checkSettings(t, []expectedSetting{
		{"port", f.opts.Port, 5000},
		{"server_name", f.opts.ServerName, "from-flag"},
		{"client_advertise", f.opts.ClientAdvertise, "flag:1"},
		{"http_port", f.httpPort, 9000},
		{"http host (no flag)", f.httpHost, "127.0.0.2"},
		{"log_file", f.logFile, "/tmp/flag.log"},
		{"log_size_limit", f.logSizeLimit, int64(2048)},
		{"pid_file", f.pidFile, "/tmp/flag.pid"},
		{"prof_port", f.profilePort, 7000},
		{"trace", f.opts.Trace, true},
		{"logtime", f.logTime, true},
		{"host (no flag given)", f.opts.Host, "127.0.0.1"},
		{"max_payload (no flag)", f.opts.MaxPayload, 64 << 10},
	})
}

// TestConfigFileAliasesAndForms: nats-server's other spellings of the same settings.
func TestConfigFileAliasesAndForms(t *testing.T) {
	for _, c := range []struct {
		text  string
		check func(f *flags) bool
	}{
		{"logfile_size_limit: 10KB\n", func(f *flags) bool { return f.logSizeLimit == 10<<10 }},
		{"logfile_max_num: 2\n", func(f *flags) bool { return f.logMaxFiles == 2 }},
		{"monitor_port: 8222\n", func(f *flags) bool { return f.httpPort == 8222 }},
		{"max_conn: 9\n", func(f *flags) bool { return f.opts.MaxConnections == 9 }},
		{"max_subs: 9\n", func(f *flags) bool { return f.opts.MaxSubscriptions == 9 }},
		{"logfile: /tmp/a.log\n", func(f *flags) bool { return f.logFile == "/tmp/a.log" }},
		{"pidfile: /tmp/a.pid\n", func(f *flags) bool { return f.pidFile == "/tmp/a.pid" }},
		{"http: 8222\n", func(f *flags) bool { return f.httpPort == 8222 && f.httpHost == "0.0.0.0" }},
		{"listen: 127.0.0.3:4222\nhttp: \":8222\"\n", func(f *flags) bool { return f.httpHost == "127.0.0.3" }},
		{"lame_duck_grace_period: \"0s\"\n", func(f *flags) bool { return f.opts.LameDuckGracePeriod == 0 }},
		{"port: 4222\n", func(f *flags) bool { return f.httpPort == 0 && f.httpHost == "0.0.0.0" }},
	} {
		f, err := parseFlags([]string{"-c", writeConfig(t, c.text)}, io.Discard)
		if err != nil || !c.check(f) {
			t.Errorf("%q: err %v, flags %+v", c.text, err, f)
		}
	}
}

// TestConfigKeysAreSupportedOrRefused: no key is both applied and refused.
func TestConfigKeysAreSupportedOrRefused(t *testing.T) {
	for key := range notSupportedYet {
		if _, ok := configKeys[key]; ok {
			t.Errorf("%q is both supported and refused", key)
		}
	}
}

func TestConfigFileErrorsNamePosition(t *testing.T) {
	cases := map[string]string{
		"port: 4222\nfoo: bar\n":                    `:2:1: unknown field "foo"`,
		"port: 4222\nleaf {\n  port: 7422\n}\n":     `:2:1: "leaf" is not supported yet`,
		"port: 4222\nGATEWAY { port: 7222 }\n":      `:2:1: "GATEWAY" is not supported yet`,
		"cluster: 5\n":                              `:1:10: cluster: Expected map to define cluster, got int`,
		"max_payload: big\n":                        `:1:14: max_payload:`,
		"ping_interval: \"soon\"\n":                 `:1:16: ping_interval:`,
		"port: 4222\nserver_name: \"unterminated\n": `:2:14: unterminated string`,
		"lame_duck_duration: \"2s\"\n":              `:1:21: lame_duck_duration: invalid lame_duck_duration of 2s, minimum is 30 seconds`,
		"lame_duck_grace_period: \"-1s\"\n":         `:1:25: lame_duck_grace_period: invalid lame_duck_grace_period, needs to be positive`,
		"write_deadline: 3\n":                       `:1:17: write_deadline: want a duration string`,
		"log_size_limit: \"10MB\"\n":                `:1:17: log_size_limit: want a size`,
		"http: \"127.0.0.1\"\n":                     `:1:7: http: want host:port`,
		"mqtt {\n  port: 1883\n}\n":                 `:1:1: "mqtt" is not supported yet`,
		"https_port: 8443\n":                        `:1:1: "https_port" is not supported yet`,
		"default_js_domain: { A: x }\n":             `:1:1: "default_js_domain" is not supported yet`,
		"gateway { port: 7222 }\n":                  `:1:1: "gateway" is not supported yet`,
	}
	for text, want := range cases {
		path := writeConfig(t, text)
		var stderr strings.Builder
		_, err := parseFlags([]string{"-c", path}, &stderr)
		if err != errConfig || !strings.Contains(stderr.String(), path+want) {
			t.Errorf("%q: err %v, stderr %q, want %q", text, err, stderr.String(), path+want)
		}
	}
}

// TestDaemonRunsFromConfigFile: the built daemon takes its limits from -c, visible in INFO and in force.
func TestDaemonRunsFromConfigFile(t *testing.T) {
	path := writeConfig(t, "server_name: cfg-daemon\nmax_payload: 1KB\nmax_subscriptions: 2\n")
	d := startDaemon(t, "-c", path)
	c, err := net.Dial("tcp", strings.TrimPrefix(d.url, "nats://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		ServerName string `json:"server_name"`
		MaxPayload int    `json:"max_payload"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(strings.TrimPrefix(line, "INFO "))), &info); err != nil {
		t.Fatal(err)
	}
	if info.ServerName != "cfg-daemon" || info.MaxPayload != 1024 {
		t.Fatalf("INFO %+v", info)
	}
	c.Write([]byte("CONNECT {\"verbose\":false,\"pedantic\":false}\r\nSUB a 1\r\nSUB b 2\r\nSUB c 3\r\nPING\r\n"))
	if l, _ := r.ReadString('\n'); l != "-ERR 'maximum subscriptions exceeded'\r\n" {
		t.Fatalf("third SUB: %q", l)
	}
}

func TestCheckConfigFlag(t *testing.T) {
	good := writeConfig(t, "port: 4222\nmax_payload: 1MB\n")
	out, err := exec.Command(reactorBinary(t), "-c", good, "-t").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "configuration file "+good+" is valid") {
		t.Fatalf("-t on a good file: %v %q", err, out)
	}
	bad := writeConfig(t, "port: 4222\nbogus: 1\n")
	out, err = exec.Command(reactorBinary(t), "-c", bad, "-t").CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), `unknown field "bogus"`) {
		t.Fatalf("-t on a bad file: %v %q", err, out)
	}
}
