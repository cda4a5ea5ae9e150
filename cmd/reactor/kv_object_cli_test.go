package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// `nats kv` with per-key TTLs and limit markers (add --marker-ttl, create --ttl, purge --ttl), and a
// `nats object` session with many chunks, seal, info and rm, each command's output the same as
// nats-server's once masked.
func TestKVTTLAndObjectCLISessionSameAsNatsServer(t *testing.T) {
	ref := startDaemonBinary(t, natsServerBinary(t), "-js", "-sd", t.TempDir())
	ours := startDaemonBinary(t, reactorBinary(t), "-js", "-sd", t.TempDir())
	sameCLISession(t, ref, ours, [][]string{
		{"kv", "add", "TTL", "--marker-ttl", "1m"},
		{"kv", "add", "PLAIN"},
		{"!kv", "create", "PLAIN", "k", "v", "--ttl", "1s"}, // 10166: no per-key TTLs without markers
		{"kv", "create", "TTL", "a", "1", "--ttl", "1s"},
		{"!kv", "create", "TTL", "a", "1", "--ttl", "1s"}, // exists
		{"kv", "put", "TTL", "b", "2"},
		{"kv", "purge", "TTL", "b", "--ttl", "1s", "-f"},
		{"kv", "info", "TTL"},
	})
	// a's TTL and b's purge TTL end; a leaves a marker (for a minute, so both servers show it), b nothing.
	for _, d := range []*daemon{ref, ours} {
		waitCLI(t, d, "a's marker", func() bool {
			out, err := d.natsResult(t, "kv", "history", "TTL", "a")
			return err == nil && bytes.Contains([]byte(out), []byte("PURGE"))
		})
		waitCLI(t, d, "b's purge to end", func() bool {
			_, err := d.natsResult(t, "kv", "history", "TTL", "b")
			return err != nil
		})
	}
	sameCLISession(t, ref, ours, [][]string{
		{"!kv", "get", "TTL", "a"},
		{"kv", "history", "TTL", "a"},
		{"!kv", "history", "TTL", "b"},
		{"kv", "create", "TTL", "a", "again"},
		{"kv", "get", "TTL", "a", "--raw"},
		{"kv", "ls", "TTL"},
	})

	file := filepath.Join(t.TempDir(), "big.bin")
	blob := make([]byte, 3<<20+777) // 25 chunks of 128 KiB, the last one short
	for i := range blob {
		blob[i] = byte(i*31 + i>>9)
	}
	if err := os.WriteFile(file, blob, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out.bin")
	sameCLISession(t, ref, ours, [][]string{
		{"object", "add", "BLOBS", "--description", "blobs"},
		{"object", "put", "BLOBS", file, "--name", "big.bin", "--chunk-size", "131072", "--no-progress"},
		{"object", "put", "BLOBS", file, "--name", "copy.bin", "--description", "a copy", "--no-progress"},
		{"object", "ls", "BLOBS"},
		{"object", "info", "BLOBS"},
		{"object", "info", "BLOBS", "big.bin"},
		{"object", "get", "BLOBS", "big.bin", "--output", out, "--force", "--no-progress"},
		{"object", "rm", "BLOBS", "copy.bin", "-f"},
		{"object", "ls", "BLOBS"},
		{"object", "seal", "BLOBS", "-f"},
		{"object", "info", "BLOBS"},
		{"!object", "put", "BLOBS", file, "--name", "late.bin", "--no-progress"}, // sealed
		{"object", "ls"},
	})
	if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, blob) {
		t.Fatalf("object got back %d bytes (%v), want the %d put", len(got), err, len(blob))
	}
}

// waitCLI polls cond until it holds, failing t after a generous deadline.
func waitCLI(t *testing.T, d *daemon, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s on %s: not within 20 s", what, d.url)
		}
	}
}
