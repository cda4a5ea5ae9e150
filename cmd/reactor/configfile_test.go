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

// TestConfigFileKeysSetOptions: every supported key lands in the options, with nats-server's units.
func TestConfigFileKeysSetOptions(t *testing.T) {
	path := writeConfig(t, `
# every key reactor supports
listen: 127.0.0.1:4999
server_name: "from-file"
max_payload: 64KB
max_pending: 32MB
max_control_line: 2KB
max_connections: 100
max_subscriptions: 7
ping_interval: "30s"
ping_max: 3
no_header_support: true
debug: true
trace: false
logtime: false
log_file: "/tmp/x.log"
pid_file: /tmp/x.pid
prof_port: 6061
`)
	f, err := parseFlags([]string{"-c", path}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	o := f.opts
	got := []any{o.Host, o.Port, o.ServerName, o.MaxPayload, o.MaxPending, o.MaxControlLine, o.MaxConnections,
		o.MaxSubscriptions, o.PingInterval, o.MaxPingsOut, o.NoHeaderSupport, f.debug, f.trace, f.logTime,
		f.logFile, f.pidFile, f.profilePort}
	want := []any{"127.0.0.1", 4999, "from-file", 65536, 32 << 20, 2048, 100, 7, 30 * time.Second, 3, true, true,
		false, false, "/tmp/x.log", "/tmp/x.pid", 6061}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("field %d = %v, want %v", i, got[i], want[i])
		}
	}
}

// TestCommandLineOverridesConfigFile: a flag given on the command line wins over the file, as in
// nats-server; keys without a flag still come from the file.
func TestCommandLineOverridesConfigFile(t *testing.T) {
	path := writeConfig(t, "listen: 127.0.0.1:4999\nserver_name: from-file\nmax_payload: 2KB\n")
	f, err := parseFlags([]string{"-c", path, "-p", "5000", "-n", "from-flag"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if f.opts.Port != 5000 || f.opts.ServerName != "from-flag" || f.opts.Host != "127.0.0.1" || f.opts.MaxPayload != 2048 {
		t.Fatalf("got port %d name %q host %q max_payload %d", f.opts.Port, f.opts.ServerName, f.opts.Host, f.opts.MaxPayload)
	}
}

func TestConfigFileErrorsNamePosition(t *testing.T) {
	cases := map[string]string{
		"port: 4222\nfoo: bar\n":                    `:2:1: unknown field "foo"`,
		"port: 4222\ncluster {\n  name: C\n}\n":     `:2:1: "cluster" is not supported yet`,
		"port: 4222\nAUTHORIZATION { user: a }\n":   `:2:1: "AUTHORIZATION" is not supported yet`,
		"max_payload: big\n":                        `:1:14: max_payload:`,
		"ping_interval: \"soon\"\n":                 `:1:16: ping_interval:`,
		"port: 4222\nserver_name: \"unterminated\n": `:2:14: unterminated string`,
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
