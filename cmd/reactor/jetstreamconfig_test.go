package main

import (
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/reactor-nats/reactor/reactor"
)

// parseJetStream parses args (and the -c file among them) and returns the JetStream options, nil when off.
func parseJetStream(t *testing.T, args ...string) *reactor.JetStreamOptions {
	t.Helper()
	f, err := parseFlags(args, io.Discard)
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return f.opts.JetStream
}

// sameJetStream compares the settings the daemon fills in (the logger is the engine's).
func sameJetStream(a, b reactor.JetStreamOptions) bool {
	return a.StoreDir == b.StoreDir && a.MaxMemory == b.MaxMemory && a.MaxStore == b.MaxStore &&
		a.SyncInterval == b.SyncInterval && a.SyncAlways == b.SyncAlways
}

func TestJetStreamBlockSetsOptions(t *testing.T) {
	got := parseJetStream(t, "-c", writeConfig(t, `jetstream {
  store_dir: "/data/js"
  max_memory_store: 1G
  max_file_store: 512MB
  sync_interval: "10s"
}`))
	want := reactor.JetStreamOptions{StoreDir: "/data/js", MaxMemory: 1_000_000_000, MaxStore: 512 << 20, SyncInterval: 10 * time.Second}
	if got == nil || !sameJetStream(*got, want) {
		t.Fatalf("options %+v, want %+v", got, want)
	}
}

func TestJetStreamFormsAndAliases(t *testing.T) {
	for _, c := range []struct {
		args []string
		conf string
		want *reactor.JetStreamOptions // nil: JetStream off
	}{
		{args: []string{"-js"}, want: &reactor.JetStreamOptions{}},
		{args: []string{"--jetstream", "--store_dir", "/sd"}, want: &reactor.JetStreamOptions{StoreDir: "/sd"}},
		{args: []string{"-sd", "/sd"}, want: nil}, // a store directory alone does not turn JetStream on
		{conf: "jetstream: enabled", want: &reactor.JetStreamOptions{}},
		{conf: "jetstream: Enable", want: &reactor.JetStreamOptions{}},
		{conf: "jetstream: true", want: &reactor.JetStreamOptions{}},
		{conf: "jetstream: false", want: nil},
		{conf: "jetstream: disabled", want: nil},
		{conf: "jetstream {}", want: &reactor.JetStreamOptions{}},
		{conf: "jetstream { enabled: false }", want: nil},
		{conf: "store_dir: /top\njetstream: enabled", want: &reactor.JetStreamOptions{StoreDir: "/top"}},
		{conf: "storedir: /top", want: nil},
		{conf: "jetstream { store: /a, max_mem: 1K, max_file: 2K, sync: always }",
			want: &reactor.JetStreamOptions{StoreDir: "/a", MaxMemory: 1000, MaxStore: 2000, SyncAlways: true}},
		{conf: "jetstream { storedir: /b, max_mem_store: \"1G\", sync_interval: Always }",
			want: &reactor.JetStreamOptions{StoreDir: "/b", MaxMemory: 1_000_000_000, SyncAlways: true}},
		// The command line wins: -js over a file that turns JetStream off, -sd over the file's store_dir.
		{args: []string{"-js"}, conf: "jetstream: disabled", want: &reactor.JetStreamOptions{}},
		{args: []string{"-js"}, conf: "jetstream { enabled: false, max_mem: 1K }", want: &reactor.JetStreamOptions{MaxMemory: 1000}},
		{args: []string{"-sd", "/flag"}, conf: "jetstream { store_dir: /file }", want: &reactor.JetStreamOptions{StoreDir: "/flag"}},
		{args: []string{"-sd", "/flag"}, conf: "store_dir: /file\njetstream: enabled", want: &reactor.JetStreamOptions{StoreDir: "/flag"}},
	} {
		args := c.args
		if c.conf != "" {
			args = append([]string{"-c", writeConfig(t, c.conf)}, args...)
		}
		got := parseJetStream(t, args...)
		if (got == nil) != (c.want == nil) || got != nil && !sameJetStream(*got, *c.want) {
			t.Errorf("%v %q: options %+v, want %+v", c.args, c.conf, got, c.want)
		}
	}
}

// jetStreamRefusals are files nats-server refuses too, for the reason after the position (refSays where
// its words differ); notInReference marks keys nats-server has and reactor does not implement.
var jetStreamRefusals = []struct {
	conf, want, refSays string
	notInReference      bool
}{
	{conf: "jetstream: foo", want: `:1:12: jetstream: Expected 'enabled' or 'disabled' for string value, got 'foo'`},
	{conf: "jetstream: 1", want: `:1:12: jetstream: Expected map, bool or string to define JetStream, got int`,
		refSays: "Expected map, bool or string to define JetStream"},
	{conf: "jetstream { bogus: 1 }", want: `:1:13: unknown field "bogus"`},
	{conf: "jetstream { sync_interval: 10 }", want: `:1:28: jetstream sync_interval: sync_interval should be converted to a duration`},
	{conf: "jetstream { sync_interval: \"x\" }", want: `:1:28: jetstream sync_interval:`, refSays: `invalid duration "x"`},
	{conf: "jetstream { store_dir: 5 }", want: `:1:24: jetstream store_dir: want a string`, refSays: "is int64, not string"},
	{conf: "jetstream { domain: hub }", want: `:1:13: jetstream: "domain" is not supported yet`, notInReference: true},
	{conf: "jetstream { encryption_key: abc }", want: `:1:13: jetstream: "encryption_key" is not supported yet`, notInReference: true},
}

func TestJetStreamConfigErrorsNamePosition(t *testing.T) {
	for _, c := range jetStreamRefusals {
		path := writeConfig(t, c.conf)
		var stderr strings.Builder
		if _, err := parseFlags([]string{"-c", path}, &stderr); err != errConfig || !strings.Contains(stderr.String(), path+c.want) {
			t.Errorf("%q: err %v, stderr %q, want %q", c.conf, err, stderr.String(), path+c.want)
		}
	}
}

// TestJetStreamConfigHeldToNatsServer: nats-server -t takes every form reactor takes, and refuses what
// reactor refuses, for the same reason.
func TestJetStreamConfigHeldToNatsServer(t *testing.T) {
	ref := natsServerBinary(t)
	check := func(conf string) (string, error) {
		out, err := exec.Command(ref, "-t", "-c", writeConfig(t, conf)).CombinedOutput()
		return string(out), err
	}
	for _, conf := range []string{
		"jetstream: enabled", "jetstream: Enable", "jetstream: false", "jetstream {}", "storedir: /top",
		"jetstream { store: /a, max_mem: 1K, max_file: 2K, sync: always }",
		"jetstream { storedir: /b, max_mem_store: \"1G\", sync_interval: Always, enabled: false }",
		"jetstream { store_dir: /c, max_memory_store: 1G, max_file_store: 512MB, sync_interval: \"10s\" }",
		"accounts { A: { jetstream { max_mem: 1G, max_file: 512MB, max_streams: 10, max_consumers: 100 } } }\njetstream: enabled",
	} {
		if out, err := check(conf); err != nil {
			t.Errorf("nats-server refuses %q: %s", conf, out)
		}
		if _, err := parseFlags([]string{"-c", writeConfig(t, conf)}, io.Discard); err != nil {
			t.Errorf("reactor refuses %q: %v", conf, err)
		}
	}
	for _, c := range jetStreamRefusals {
		if c.notInReference {
			continue
		}
		reason := c.refSays
		if reason == "" {
			reason = c.want[strings.LastIndex(c.want, ": ")+2:]
		}
		if out, err := check(c.conf); err == nil || !strings.Contains(out, reason) {
			t.Errorf("nats-server on %q: %v %s, want a refusal containing %q", c.conf, err, out, reason)
		}
	}
}

func TestJetStreamReloadRefusesChanges(t *testing.T) {
	parse := func(conf string) *flags {
		f, err := parseFlags([]string{"-c", writeConfig(t, conf)}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	const base = "jetstream { store_dir: /a }\naccounts { A: { jetstream: enabled }, B: {} }\n"
	for _, c := range []struct{ conf, want string }{
		{base + "port: 4333", ""}, // nothing about JetStream changed
		{"jetstream { store_dir: /b }\naccounts { A: { jetstream: enabled }, B: {} }", "config reload not supported for jetstream storage directory"},
		{"jetstream { store_dir: /a, max_mem: 1G }\naccounts { A: { jetstream: enabled }, B: {} }", "config reload not supported for jetstream dynamic max memory and store"},
		{"jetstream { store_dir: /a, sync_interval: always }\naccounts { A: { jetstream: enabled }, B: {} }", "config reload not supported for SyncAlways: old=false, new=true"},
		{"jetstream { store_dir: /a, sync_interval: \"1m\" }\naccounts { A: { jetstream: enabled }, B: {} }", "config reload not supported for SyncInterval: old=0s, new=1m0s"},
		{"jetstream: disabled\naccounts { A: { jetstream: enabled }, B: {} }", "config reload not supported for JetStream: old=true, new=false"},
		{"jetstream { store_dir: /a }\naccounts { A: { jetstream { max_streams: 1 } }, B: {} }", "config reload not supported for jetstream of account A"},
		{"jetstream { store_dir: /a }\naccounts { A: { jetstream: enabled }, B: { jetstream: enabled } }", "config reload not supported for jetstream of account B"},
		{"jetstream { store_dir: /a }\naccounts { A: { jetstream: enabled }, B: {}, C: { jetstream: enabled } }", "config reload not supported for jetstream of account C"},
	} {
		err := refuseJetStreamChange(parse(base), parse(c.conf))
		if c.want == "" && err != nil || c.want != "" && (err == nil || err.Error() != c.want) {
			t.Errorf("%q: %v, want %q", c.conf, err, c.want)
		}
	}
}

// TestNatsAccountInfoOnJetStreamDaemon: the built daemon with -js -sd answers `nats account info` with the
// account's JetStream usage and limits, as nats-server does.
func TestNatsAccountInfoOnJetStreamDaemon(t *testing.T) {
	d := startDaemon(t, "-js", "-sd", t.TempDir())
	out := d.nats(t, "account", "info")
	for _, want := range []string{"JetStream Account Information:", "Streams: 0", "Storage: 0 B"} {
		if !strings.Contains(out, want) {
			t.Fatalf("nats account info lacks %q:\n%s", want, out)
		}
	}
}
