// Package testref finds the reference tools that tests hold reactor to: the nats-server and nats CLI
// binaries `make tools` installs into the repository's bin/ (or those named by $NATS_SERVER_BIN and
// $NATS_CLI, which the Makefile sets). Tests that need one skip, saying why, when it is not installed, so
// `go test` passes on a bare checkout while `make test` runs them all.
//
// It is imported by tests only.
package testref

import (
	"os"
	"path/filepath"
	"testing"
)

// NatsServer returns the reference nats-server binary, or skips t.
func NatsServer(t testing.TB) string {
	t.Helper()
	return find(t, "NATS_SERVER_BIN", "nats-server", "reference nats-server not installed (make tools)")
}

// NatsCLI returns the nats CLI binary, or skips t.
func NatsCLI(t testing.TB) string {
	t.Helper()
	return find(t, "NATS_CLI", "nats", "nats CLI not installed (make tools)")
}

// RepoBin is the path of name in the repository's bin/ (which may not exist).
func RepoBin(name string) string {
	return filepath.Join(repoRoot(), "bin", name)
}

func find(t testing.TB, env, name, why string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s=%s: %v", env, p, err)
		}
		return p
	}
	p := RepoBin(name)
	if _, err := os.Stat(p); err != nil {
		t.Skip(why)
	}
	return p
}

// repoRoot is the nearest directory above the working directory (a test's package directory) that holds
// go.mod.
func repoRoot() string {
	dir, _ := os.Getwd()
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}
