package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestJetStreamCLISessionSameAsNatsServer runs one `nats stream …` session against nats-server and reactor,
// both daemons with -js on fresh store directories, and requires every command's output (and whether it
// failed) to be the same once what differs between any two runs is masked: times, server ids, ports, a
// connection's id and round trip, transfer rates, and the column widths those change.
func TestJetStreamCLISessionSameAsNatsServer(t *testing.T) {
	ref := startDaemonBinary(t, natsServerBinary(t), "-js", "-sd", t.TempDir())
	ours := startDaemonBinary(t, reactorBinary(t), "-js", "-sd", t.TempDir())

	session := [][]string{
		{"stream", "add", "ORDERS", "--subjects", "orders.>", "--storage", "file", "--defaults"},
		{"!stream", "add", "ORDERS", "--subjects", "other.>", "--storage", "file", "--defaults"}, // 10058
		{"!stream", "add", "OVERLAP", "--subjects", "orders.new", "--defaults"},                  // 10065
		{"stream", "add", "MEM", "--subjects", "mem.*", "--storage", "memory", "--max-msgs-per-subject", "2", "--defaults"},
		{"pub", "orders.new", "hello", "--count", "3"},
		{"pub", "orders.old", "x{{Count}}", "--count", "2"},
		{"pub", "mem.a", "m{{Count}}", "--count", "3"},
		{"stream", "info", "ORDERS", "--json"},
		{"stream", "info", "MEM", "--json"},
		{"stream", "get", "ORDERS", "2", "--json"},
		{"stream", "get", "ORDERS", "--last-for", "orders.old", "--json"},
		{"stream", "rmm", "ORDERS", "1", "-f"},
		{"!stream", "rmm", "ORDERS", "1", "-f"}, // 10057
		{"!stream", "get", "ORDERS", "1"},       // 10037
		{"stream", "info", "ORDERS", "--json"},
		{"stream", "purge", "ORDERS", "-f", "--subject", "orders.new"},
		{"stream", "purge", "MEM", "-f", "--seq", "3"},
		{"stream", "ls", "--json"},
		{"stream", "ls"},
		{"stream", "subjects", "ORDERS"},
		{"stream", "info", "ORDERS"},
		{"account", "info"},
		{"stream", "rm", "ORDERS", "-f"},
		{"stream", "rm", "MEM", "-f"},
		{"stream", "ls", "--json"},
		{"!stream", "info", "ORDERS", "--json"},
	}
	sameCLISession(t, ref, ours, session)
}

// TestKVAndObjectCLISessionSameAsNatsServer is the same comparison for a `nats kv` and `nats object`
// session: buckets, puts, gets, revisions, history, keys, deletes, and an object of several chunks.
func TestKVAndObjectCLISessionSameAsNatsServer(t *testing.T) {
	ref := startDaemonBinary(t, natsServerBinary(t), "-js", "-sd", t.TempDir())
	ours := startDaemonBinary(t, reactorBinary(t), "-js", "-sd", t.TempDir())
	file := filepath.Join(t.TempDir(), "blob.bin")
	blob := make([]byte, 300_000) // three chunks of nats' 128 KiB
	for i := range blob {
		blob[i] = byte(i * 7)
	}
	if err := os.WriteFile(file, blob, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out.bin")
	sameCLISession(t, ref, ours, [][]string{
		{"kv", "add", "CFG", "--history", "3"},
		{"kv", "put", "CFG", "color", "red"},
		{"kv", "put", "CFG", "color", "green"},
		{"kv", "put", "CFG", "size", "10"},
		{"kv", "get", "CFG", "color"},
		{"kv", "get", "CFG", "color", "--raw"},
		{"!kv", "create", "CFG", "color", "blue"}, // exists
		{"kv", "update", "CFG", "color", "blue", "2"},
		{"!kv", "update", "CFG", "color", "pink", "2"}, // wrong revision
		{"kv", "history", "CFG", "color"},
		{"kv", "ls", "CFG"},
		{"kv", "del", "CFG", "size", "-f"},
		{"!kv", "get", "CFG", "size"},
		{"kv", "ls", "CFG"},
		{"kv", "info", "CFG"},
		{"kv", "rm", "CFG", "-f"},
		{"object", "add", "FILES"},
		{"object", "put", "FILES", file, "--name", "blob.bin"},
		{"object", "ls", "FILES"},
		{"object", "info", "FILES", "blob.bin"},
		{"object", "get", "FILES", "blob.bin", "--output", out, "--force"},
		{"object", "rm", "FILES", "blob.bin", "-f"},
		{"object", "ls", "FILES"},
	})
	if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, blob) {
		t.Fatalf("object got back %d bytes (%v), want the %d put", len(got), err, len(blob))
	}
}

// sameCLISession runs each command against both daemons and requires the same outcome and, masked, the
// same output. A command whose first word starts with "!" is one nats-server refuses (the "!" is not
// passed on); every other must succeed there.
func sameCLISession(t *testing.T, ref, ours *daemon, session [][]string) {
	t.Helper()
	for _, args := range session {
		refusal := strings.HasPrefix(args[0], "!")
		args = append([]string{strings.TrimPrefix(args[0], "!")}, args[1:]...)
		refOut, refErr := ref.natsResult(t, args...)
		ourOut, ourErr := ours.natsResult(t, args...)
		if refusal != (refErr != nil) {
			// A step's outcome on the reference is part of the script: a command meant to work that fails
			// on both servers alike must not pass as a match.
			t.Errorf("nats %s: nats-server err %v, want refused %v\n%s", strings.Join(args, " "), refErr, refusal, refOut)
		}
		if (refErr == nil) != (ourErr == nil) {
			t.Errorf("nats %s: nats-server err %v, reactor err %v\nnats-server:\n%s\nreactor:\n%s", strings.Join(args, " "),
				refErr, ourErr, refOut, ourOut)
			continue
		}
		if r, o := maskRunDetails(refOut), maskRunDetails(ourOut); r != o {
			t.Errorf("nats %s differs\nnats-server:\n%s\nreactor:\n%s", strings.Join(args, " "), r, o)
		}
	}
}

// What differs between two runs of the same session on two servers, masked by maskRunDetails.
var runDetails = []struct {
	pattern *regexp.Regexp
	mask    string
}{
	{regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`), "<time>"},
	{regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d`), "<time>"},
	{regexp.MustCompile(`\b\d\d:\d\d:\d\d\b`), "<time>"},
	{regexp.MustCompile(`\bN[A-Z0-9]{55}\b`), "<server id>"},
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), "<addr>"},
	{regexp.MustCompile(`(Client ID|RTT): .*`), "$1: <masked>"},
	{regexp.MustCompile(`\b\d+(\.\d+)?(ns|µs|us|ms|s)\b`), "<duration>"},
	{regexp.MustCompile(`\d+(\.\d+)? [KMGT]?i?B/s`), "<rate>"},
	{regexp.MustCompile(`─+`), "─"},
	// go-cmp's diffs (nats consumer edit) mix in non-breaking spaces at random, so runs differ in them.
	{regexp.MustCompile(`[ \t\x{00a0}]+`), " "},
}

func maskRunDetails(out string) string {
	for _, d := range runDetails {
		out = d.pattern.ReplaceAllString(out, d.mask)
	}
	return strings.TrimSpace(out)
}

// `nats bench js pub --create` makes its stream (with allow_atomic and allow_batched, which it always sets)
// and publishes into it, and the stream then holds every message.
func TestNatsBenchJetStreamPublish(t *testing.T) {
	d := startDaemon(t, "-js", "-sd", t.TempDir())
	d.nats(t, "bench", "js", "pub", "async", "benchsubj", "--msgs", "2000", "--size", "128", "--create",
		"--storage", "file", "--no-progress")
	d.nats(t, "bench", "js", "pub", "sync", "benchsubj", "--msgs", "200", "--size", "128", "--no-progress")
	info := d.nats(t, "stream", "info", "benchstream", "--json")
	if !strings.Contains(info, `"messages": 2200,`) || !strings.Contains(info, `"allow_atomic": true`) {
		t.Fatalf("benchstream after 2,200 publishes:\n%s", info)
	}
}
