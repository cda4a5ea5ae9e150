package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/reactor-nats/reactor/internal/testref"
)

// These tests drive the built daemon with the real nats CLI, as a user would. The Makefile installs the
// CLI into bin/ and passes NATS_CLI and REACTOR_BIN; run outside make, they find bin/ themselves, and skip
// only when the CLI has never been installed.

func repoBin(name string) string { return testref.RepoBin(name) }

func natsCLI(t *testing.T) string { return testref.NatsCLI(t) }

// builtBinary is the daemon built once for the whole test run, in a directory TestMain removes.
var builtBinary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtBinary.dir != "" {
		os.RemoveAll(builtBinary.dir)
	}
	os.Exit(code)
}

func reactorBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("REACTOR_BIN"); p != "" {
		return p
	}
	b := &builtBinary
	b.once.Do(func() {
		if b.dir, b.err = os.MkdirTemp("", "reactor-test-"); b.err != nil {
			return
		}
		b.path = filepath.Join(b.dir, "reactor")
		if out, err := exec.Command("go", "build", "-o", b.path, ".").CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// daemon is a running reactor process.
type daemon struct {
	cmd  *exec.Cmd
	url  string
	logs *testref.Buffer
	done chan error
}

func startDaemon(t *testing.T, args ...string) *daemon {
	t.Helper()
	return startDaemonBinary(t, reactorBinary(t), args...)
}

// startDaemonBinary runs bin on a free loopback port (flags that a configuration file's listen cannot
// override) and returns once it accepts connections.
func startDaemonBinary(t *testing.T, bin string, args ...string) *daemon {
	t.Helper()
	port := freePort(t)
	return startListening(t, bin, port, append([]string{"-a", "127.0.0.1", "-p", fmt.Sprint(port)}, args...)...)
}

// startListening runs bin with args, which make it listen on the loopback port, and returns once it accepts
// connections there. It fails the test at once if the process exits first. bin may be reactor or nats-server.
func startListening(t *testing.T, bin string, port int, args ...string) *daemon {
	t.Helper()
	d := &daemon{url: fmt.Sprintf("nats://127.0.0.1:%d", port), logs: &testref.Buffer{}, done: make(chan error, 1)}
	d.cmd = exec.Command(bin, args...)
	d.cmd.Stdout, d.cmd.Stderr = d.logs, d.logs
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.done <- d.cmd.Wait() }()
	t.Cleanup(func() {
		_ = d.cmd.Process.Kill()
		<-d.done
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			return d
		}
		select {
		case exit := <-d.done:
			d.done <- exit // for the cleanup
			t.Fatalf("%s %v exited before listening: %v\n%s", filepath.Base(bin), args, exit, d.logs)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("daemon never listened: %v\n%s", err, d.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// natsServerBinary is the reference nats-server v2.15.2 ($NATS_SERVER_BIN, or bin/ as installed by make tools).
func natsServerBinary(t *testing.T) string { return testref.NatsServer(t) }

// nats runs one CLI command to completion.
func (d *daemon) nats(t *testing.T, args ...string) string {
	t.Helper()
	out, err := d.natsResult(t, args...)
	if err != nil {
		t.Fatalf("nats %v: %v\n%s", args, err, out)
	}
	return out
}

// natsResult runs one CLI command to completion and returns its output and exit error, for commands that
// are meant to fail.
func (d *daemon) natsResult(t *testing.T, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, natsCLI(t), append([]string{"--server", d.url}, args...)...).CombinedOutput()
	return string(out), err
}

// natsBackground starts a CLI command and returns once a line containing ready appears in its output; the
// returned function waits for it to finish and returns all its output. Its exit status is not judged:
// `nats reply --count` exits 1 after its last reply against nats-server too.
func (d *daemon) natsBackground(t *testing.T, ready string, args ...string) func() string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	cmd := exec.CommandContext(ctx, natsCLI(t), append([]string{"--server", d.url}, args...)...)
	pr, pw, _ := os.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	pw.Close()
	var all strings.Builder
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		all.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), ready) {
			break
		}
	}
	t.Cleanup(cancel)
	return func() string {
		for sc.Scan() {
			all.WriteString(sc.Text() + "\n")
		}
		_ = cmd.Wait()
		return all.String()
	}
}

// waitForInterest returns once some client subscribes to subject: until then a request gets the
// no-responders status at once; after, it times out. Each probe that reaches the subscriber is one extra
// message for it. opts are the probe's credentials when the daemon requires them.
func (d *daemon) waitForInterest(t *testing.T, subject string, opts ...nats.Option) {
	t.Helper()
	nc, err := nats.Connect(d.url, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		_, err := nc.Request(subject, nil, 50*time.Millisecond)
		if !errors.Is(err, nats.ErrNoResponders) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no interest in %s", subject)
}

func TestNatsCLIPubSub(t *testing.T) {
	d := startDaemon(t)
	// nats sub logs before it subscribes: the interest probe, once, is the first of its three messages.
	wait := d.natsBackground(t, "Subscribing on", "sub", "cli.test", "--count", "3")
	d.waitForInterest(t, "cli.test")
	d.nats(t, "pub", "cli.test", "hello from the cli")
	d.nats(t, "pub", "cli.test", "second")
	out := wait()
	if !strings.Contains(out, "hello from the cli") || !strings.Contains(out, "second") {
		t.Fatalf("subscriber output:\n%s", out)
	}
}

func TestNatsCLIRequestReply(t *testing.T) {
	d := startDaemon(t)
	wait := d.natsBackground(t, "Listening on", "reply", "cli.svc", "the answer", "--count", "1")
	out := d.nats(t, "request", "cli.svc", "the question")
	if !strings.Contains(out, "the answer") {
		t.Fatalf("request output:\n%s", out)
	}
	if rep := wait(); !strings.Contains(rep, "the question") {
		t.Fatalf("reply output:\n%s", rep)
	}
}

func TestNatsCLIRequestWithoutResponders(t *testing.T) {
	d := startDaemon(t)
	start := time.Now()
	out := d.nats(t, "request", "nobody.here", "x", "--timeout", "10s") // exits 0 on nats-server too
	if !strings.Contains(out, "No responders are available") {
		t.Fatalf("want the no-responders report, got\n%s", out)
	}
	if time.Since(start) > 8*time.Second {
		t.Fatalf("no-responders took the whole timeout")
	}
}

func TestNatsBenchPubAndSub(t *testing.T) {
	d := startDaemon(t)
	wait := d.natsBackground(t, "expecting", "bench", "sub", "cli.bench", "--msgs", "20000", "--size", "128", "--no-progress")
	d.waitForInterest(t, "cli.bench") // bench sub logs before it subscribes
	pub := d.nats(t, "bench", "pub", "cli.bench", "--msgs", "20000", "--size", "128", "--no-progress")
	sub := wait()
	if !strings.Contains(pub, "msgs/sec") || !strings.Contains(sub, "subscriber stats") || !strings.Contains(sub, "msgs/sec") {
		t.Fatalf("bench output:\npub:\n%s\nsub:\n%s", pub, sub)
	}
}

func TestDaemonExitsZeroOnSIGTERM(t *testing.T) {
	d := startDaemon(t)
	d.nats(t, "pub", "any", "x")
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-d.done:
		d.done <- err // for the cleanup
		var ee *exec.ExitError
		if errors.As(err, &ee) || err != nil {
			t.Fatalf("exit: %v\n%s", err, d.logs)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("daemon did not stop on SIGTERM\n%s", d.logs)
	}
}

func TestVersionFlag(t *testing.T) {
	out, err := exec.Command(reactorBinary(t), "--version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "reactor: v") {
		t.Fatalf("--version: %v %q", err, out)
	}
}

func TestTraceFlagLogsProtocolOps(t *testing.T) {
	d := startDaemon(t, "-DV")
	d.nats(t, "pub", "traced.subject", "x")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(d.logs.String(), "traced.subject") {
		if time.Now().After(deadline) {
			t.Fatalf("no trace of the PUB in the log:\n%s", d.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if logs := d.logs.String(); !strings.Contains(logs, "op=PUB") || !strings.Contains(logs, "client connection created") {
		t.Fatalf("trace or debug lines missing:\n%s", logs)
	}
}
