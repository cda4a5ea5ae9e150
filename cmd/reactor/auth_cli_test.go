package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"
)

// These tests run the daemon with each way of authenticating a client and use it with the nats CLI, as a
// user would: with the right credentials pub, sub and request work; with wrong ones, or none, the CLI says
// the server refused them.

// cliAuthCase is one authentication method: its configuration and the CLI flags (and nats.go options, for
// waiting on interest) with credentials it accepts and with credentials it refuses.
type cliAuthCase struct {
	name  string
	conf  string
	right []string
	probe []nats.Option
	wrong []string
}

func cliAuthCases(t *testing.T) []cliAuthCase {
	dir := t.TempDir()
	seedFile := func(name string) (pub, path string) {
		kp, err := nkeys.CreateUser()
		if err != nil {
			t.Fatal(err)
		}
		pub, _ = kp.PublicKey()
		seed, _ := kp.Seed()
		return pub, writeFile(t, filepath.Join(dir, name+".nk"), seed)
	}
	nkeyPub, nkeyPath := seedFile("known")
	_, strangerPath := seedFile("stranger")

	op := newTestOperator(t)
	acc := op.account(t, "APP", nil)
	user := acc.user(t, "cli", nil)
	credsPath := writeFile(t, filepath.Join(dir, "user.creds"), user.creds)
	// A well-formed user of an account the server was never given.
	unknown := (&testOperator{kp: op.kp}).account(t, "UNKNOWN", nil).user(t, "stranger", nil)
	unknownPath := writeFile(t, filepath.Join(dir, "unknown.creds"), unknown.creds)

	return []cliAuthCase{{
		name:  "user and password",
		conf:  "authorization { user: alice, password: \"s3cret pass\" }\n",
		right: []string{"--user", "alice", "--password", "s3cret pass"},
		probe: []nats.Option{nats.UserInfo("alice", "s3cret pass")},
		wrong: []string{"--user", "alice", "--password", "wrong"},
	}, {
		name:  "token",
		conf:  "authorization { token: \"t0ken-of-trust\" }\n",
		right: []string{"--token", "t0ken-of-trust"},
		probe: []nats.Option{nats.Token("t0ken-of-trust")},
		wrong: []string{"--token", "t0ken-of-doubt"},
	}, {
		name:  "nkey",
		conf:  "authorization { users: [ { nkey: " + nkeyPub + " } ] }\n",
		right: []string{"--nkey", nkeyPath},
		probe: []nats.Option{nkeyOption(t, nkeyPath)},
		wrong: []string{"--nkey", strangerPath},
	}, {
		name:  "creds in operator mode",
		conf:  op.config(t, dir),
		right: []string{"--creds", credsPath},
		probe: []nats.Option{nats.UserCredentials(credsPath)},
		wrong: []string{"--creds", unknownPath},
	}}
}

func nkeyOption(t *testing.T, seedPath string) nats.Option {
	t.Helper()
	opt, err := nats.NkeyOptionFromSeed(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	return opt
}

// serverBinaries are the servers a test runs alike: reactor, and nats-server to hold the test's
// expectations to the reference.
var serverBinaries = []struct {
	name string
	bin  func(*testing.T) string
}{{"reactor", reactorBinary}, {"nats-server", natsServerBinary}}

func TestNatsCLIAuth(t *testing.T) {
	natsCLI(t)
	for _, c := range cliAuthCases(t) {
		for _, server := range serverBinaries {
			t.Run(c.name+"/"+server.name, func(t *testing.T) { checkCLIAuth(t, c, server.bin(t)) })
		}
	}
}

func checkCLIAuth(t *testing.T, c cliAuthCase, bin string) {
	d := startDaemonBinary(t, bin, "-c", writeConfig(t, c.conf))
	with := func(creds []string, args ...string) []string { return append(append([]string{}, creds...), args...) }

	// The interest probe is the subscriber's first message of two.
	wait := d.natsBackground(t, "Subscribing on", with(c.right, "sub", "auth.cli", "--count", "2")...)
	d.waitForInterest(t, "auth.cli", c.probe...)
	d.nats(t, with(c.right, "pub", "auth.cli", "with the right credentials")...)
	if out := wait(); !strings.Contains(out, "with the right credentials") {
		t.Fatalf("nats sub output:\n%s", out)
	}

	// The probe gets the replier's first answer.
	wait = d.natsBackground(t, "Listening on", with(c.right, "reply", "auth.svc", "the answer", "--count", "2")...)
	d.waitForInterest(t, "auth.svc", c.probe...)
	if out := d.nats(t, with(c.right, "request", "auth.svc", "the question")...); !strings.Contains(out, "the answer") {
		t.Fatalf("nats request output:\n%s", out)
	}
	if out := wait(); !strings.Contains(out, "the question") {
		t.Fatalf("nats reply output:\n%s", out)
	}

	for _, creds := range [][]string{c.wrong, nil} {
		for _, args := range [][]string{
			{"pub", "auth.cli", "x"},
			{"sub", "auth.cli", "--count", "1"},
			{"request", "auth.svc", "x", "--timeout", "2s"},
		} {
			out, err := d.natsResult(t, with(creds, args...)...)
			if err == nil || !strings.Contains(out, "nats: error: nats: Authorization Violation") {
				t.Errorf("nats %v: %v, want the authorization violation, got\n%s", with(creds, args...), err, out)
			}
		}
	}
}
