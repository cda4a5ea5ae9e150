package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// These tests drive the built daemon with real signals and with its own --signal, as an operator would.

// waitFor polls cond until it holds or 10 seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitForLog returns once the daemon's stderr holds text at least n times.
func (d *daemon) waitForLog(t *testing.T, text string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(d.logs.String(), text) < n {
		if time.Now().After(deadline) {
			t.Fatalf("no %q (x%d) in the log:\n%s", text, n, d.logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (d *daemon) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := d.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// waitExit returns the daemon's exit code, failing the test if it has not exited within limit.
func (d *daemon) waitExit(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case err := <-d.done:
		d.done <- err // for the cleanup
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(limit):
		t.Fatalf("daemon still running after %v\n%s", limit, d.logs)
		return -1
	}
}

// maxPayloadOfNewConnection is what a client connecting now learns from INFO.
func (d *daemon) maxPayloadOfNewConnection(t *testing.T) int64 {
	t.Helper()
	nc, err := nats.Connect(d.url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	return nc.MaxPayload()
}

// runReactor runs the binary to completion and returns its stderr and exit code.
func runReactor(t *testing.T, bin string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return stderr.String(), ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return stderr.String(), 0
}

func rewrite(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// assertStillServes checks that a connection made before a reload still carries messages.
func assertStillServes(t *testing.T, nc *nats.Conn) {
	t.Helper()
	sub, err := nc.SubscribeSync("still.here")
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	if err := nc.Publish("still.here", []byte("yes")); err != nil {
		t.Fatal(err)
	}
	if m, err := sub.NextMsg(5 * time.Second); err != nil || string(m.Data) != "yes" {
		t.Fatalf("old connection after reload: %v %v", m, err)
	}
}

func TestSIGHUPReloadsConfigFile(t *testing.T) {
	path := writeConfig(t, "max_payload: 1KB\n")
	d := startDaemon(t, "-c", path)
	old, err := nats.Connect(d.url)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if old.MaxPayload() != 1024 {
		t.Fatalf("before reload: max_payload %d", old.MaxPayload())
	}
	if strings.Contains(d.logs.String(), "client connection created") {
		t.Fatalf("debug line before debug was on:\n%s", d.logs)
	}

	rewrite(t, path, "max_payload: 2KB\ndebug: true\n")
	d.signal(t, syscall.SIGHUP)
	d.waitForLog(t, "Reloaded server configuration", 1)
	if got := d.maxPayloadOfNewConnection(t); got != 2048 {
		t.Fatalf("new connection after reload: max_payload %d, want 2048", got)
	}
	assertStillServes(t, old)
	d.waitForLog(t, "client connection created", 1) // debug: true reached the daemon's logging
	d.waitForLog(t, "Reloaded: max_payload = 2048", 1)
}

// TestSIGHUPWithBadFileKeepsRunningConfig: a file that does not parse, or that asks for what cannot change
// while running, is refused whole and the log says why.
func TestSIGHUPWithBadFileKeepsRunningConfig(t *testing.T) {
	path := writeConfig(t, "max_payload: 1KB\n")
	d := startDaemon(t, "-c", path)
	d.checkReloadsRefused(t, path, []refusedReload{
		{"max_payload: 4KB\nbogus_key: 1\n", `:2:1: unknown field "bogus_key"`},
		{"max_payload: 4KB\nserver_name: \"unterminated\n", "unterminated string"},
		{"max_payload: 4KB\nno_header_support: true\n", "config reload not supported for NoHeaderSupport"},
		{"max_payload: 4KB\nprof_port: 6999\n", "config reload not supported for ProfPort: old=0, new=6999"},
		{"max_payload: 4KB\nlame_duck_duration: \"45s\"\n", "config reload not supported for LameDuckDuration: old=2m0s, new=45s"},
		{"max_payload: 4KB\nlog_size_limit: 1000\n", "config reload not supported for LogSizeLimit: old=0, new=1000"},
	})
}

// refusedReload is a file a running daemon must refuse on SIGHUP, and what its log must say why.
type refusedReload struct{ file, reason string }

// checkReloadsRefused writes each file over path in turn and sends SIGHUP. The daemon was started with
// max_payload 1KB and each file asks for another: every reload must be refused with its reason and leave
// the configuration in force as it was.
func (d *daemon) checkReloadsRefused(t *testing.T, path string, reloads []refusedReload) {
	t.Helper()
	for i, c := range reloads {
		rewrite(t, path, c.file)
		d.signal(t, syscall.SIGHUP)
		d.waitForLog(t, "Failed to reload server configuration: ", i+1)
		if !strings.Contains(d.logs.String(), c.reason) {
			t.Fatalf("%q: the log does not say %q:\n%s", c.file, c.reason, d.logs)
		}
		if got := d.maxPayloadOfNewConnection(t); got != 1024 {
			t.Fatalf("%q: max_payload %d after a refused reload, want 1024", c.file, got)
		}
	}
	if strings.Contains(d.logs.String(), "Reloaded server configuration") {
		t.Fatalf("a refused reload was reported as done:\n%s", d.logs)
	}
}

func TestSIGHUPWithoutConfigFile(t *testing.T) {
	d := startDaemon(t)
	d.signal(t, syscall.SIGHUP)
	d.waitForLog(t, "can only reload config when a file is provided using -c or --config", 1)
	d.maxPayloadOfNewConnection(t) // still serving
}

func TestSignalReloadThroughPidFile(t *testing.T) {
	path := writeConfig(t, "max_payload: 1KB\n")
	pidPath := filepath.Join(t.TempDir(), "reactor.pid")
	d := startDaemon(t, "-c", path, "-P", pidPath)
	waitFor(t, "the pid file", func() bool { _, err := os.Stat(pidPath); return err == nil })
	rewrite(t, path, "max_payload: 3KB\n")
	if stderr, code := runReactor(t, reactorBinary(t), "--signal", "reload="+pidPath); code != 0 || stderr != "" {
		t.Fatalf("--signal reload: exit %d, %q", code, stderr)
	}
	d.waitForLog(t, `Trapped "hangup" signal`, 1)
	d.waitForLog(t, "Reloaded server configuration", 1)
	if got := d.maxPayloadOfNewConnection(t); got != 3072 {
		t.Fatalf("max_payload %d after --signal reload, want 3072", got)
	}
}

// TestReloadSwitchesLogFile: log_file and logtime follow the file on reload, to a file and back to stderr.
func TestReloadSwitchesLogFile(t *testing.T) {
	dir := t.TempDir()
	logPath := filepath.Join(dir, "reactor.log")
	path := writeConfig(t, "max_payload: 1KB\n")
	d := startDaemon(t, "-c", path)

	rewrite(t, path, fmt.Sprintf("log_file: %q\nlogtime: false\n", logPath))
	d.signal(t, syscall.SIGHUP)
	d.waitForLog(t, "Reloaded: log_file = "+logPath, 1)
	d.signal(t, syscall.SIGUSR1) // any line, now logged to the file
	waitFor(t, "the reopen line in the new log file", func() bool {
		data, _ := os.ReadFile(logPath)
		return strings.Contains(string(data), "INF File log re-opened\n")
	})
	data, _ := os.ReadFile(logPath)
	if !strings.HasPrefix(string(data), "INF ") {
		t.Fatalf("logtime: false, yet the file's lines do not start with the level:\n%s", data)
	}

	rewrite(t, path, "max_payload: 1KB\n")
	d.signal(t, syscall.SIGHUP)
	waitFor(t, "the switch back", func() bool {
		data, _ := os.ReadFile(logPath)
		return strings.Contains(string(data), "Reloaded: log_file = \n")
	})
	d.signal(t, syscall.SIGUSR1)
	d.waitForLog(t, "File log re-open ignored, not a file logger", 1)
}

func TestSIGUSR1ReopensLogFile(t *testing.T) {
	dir := t.TempDir()
	logPath := filepath.Join(dir, "reactor.log")
	d := startDaemon(t, "-l", logPath)
	waitFor(t, "the first log lines", func() bool {
		data, _ := os.ReadFile(logPath)
		return strings.Contains(string(data), "Starting reactor")
	})
	rotated := logPath + ".1"
	if err := os.Rename(logPath, rotated); err != nil { // as logrotate does
		t.Fatal(err)
	}
	d.signal(t, syscall.SIGUSR1)
	waitFor(t, "a new log file", func() bool {
		data, _ := os.ReadFile(logPath)
		return strings.Contains(string(data), "File log re-opened")
	})
	if old, _ := os.ReadFile(rotated); !strings.Contains(string(old), `Trapped "user defined signal 1" signal`) {
		t.Fatalf("the renamed file did not keep the lines up to the signal:\n%s", old)
	}
	if st, err := os.Stat(logPath); err != nil || st.Mode().Perm() != logFileMode {
		t.Fatalf("new log file: %v, mode %v", err, st.Mode())
	}
	// --signal reopen does the same.
	if stderr, code := runReactor(t, reactorBinary(t), "--signal", "reopen="+strconv.Itoa(d.cmd.Process.Pid)); code != 0 {
		t.Fatalf("--signal reopen: exit %d, %q", code, stderr)
	}
	waitFor(t, "the second reopen", func() bool {
		data, _ := os.ReadFile(logPath)
		return strings.Count(string(data), "File log re-opened") == 2
	})
}

// TestLogSizeLimitRotates: past log_size_limit the file is renamed <path>.<timestamp> and a new one begun, as
// nats-server names them; log_max_num keeps that many files, the current one included.
func TestLogSizeLimitRotates(t *testing.T) {
	dir := t.TempDir()
	logPath := filepath.Join(dir, "reactor.log")
	path := writeConfig(t, fmt.Sprintf("log_file: %q\nlog_size_limit: 2000\nlog_max_num: 2\ntrace: true\n", logPath))
	d := startDaemon(t, "-c", path)
	nc, err := nats.Connect(d.url)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ { // 200 traced PUBs: several limits' worth of lines
		nc.Publish("rotate.me", []byte("x"))
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	nc.Close()
	d.signal(t, syscall.SIGTERM)
	if code := d.waitExit(t, 10*time.Second); code != 0 {
		t.Fatalf("exit %d", code)
	}

	backups, _ := filepath.Glob(logPath + ".*")
	if len(backups) != 1 {
		t.Fatalf("log_max_num 2 should leave one backup, found %v", backups)
	}
	stamp := strings.TrimPrefix(backups[0], logPath+".")
	if !regexp.MustCompile(`^\d{4}\.\d\d\.\d\d\.\d\d\.\d\d\.\d\d\.\d{9}$`).MatchString(stamp) {
		t.Fatalf("backup name %q is not <path>.YYYY.MM.DD.hh.mm.ss.nnnnnnnnn", backups[0])
	}
	current, _ := os.ReadFile(logPath)
	firstLine, _, _ := strings.Cut(string(current), "\n")
	if !strings.Contains(firstLine, fmt.Sprintf("Rotated log, backup saved as %q", backups[0])) {
		t.Fatalf("the new file does not begin with the rotation notice: %q", firstLine)
	}
	if !strings.Contains(string(current), "Purged log file") {
		t.Fatalf("no purge notice in the current file:\n%s", current)
	}
	if st, _ := os.Stat(backups[0]); st.Size() < 2000 {
		t.Fatalf("backup rotated at %d bytes, before the limit", st.Size())
	}
}

// TestSignalLameDuckMode: --signal ldm puts the daemon in lame duck mode; the client is told (nats.go's
// handler fires), is disconnected after the grace period, and the daemon exits 0.
func TestSignalLameDuckMode(t *testing.T) {
	// 30s is nats-server's minimum duration; with one client it is closed as soon as the grace period ends.
	path := writeConfig(t, "lame_duck_duration: \"30s\"\nlame_duck_grace_period: \"500ms\"\n")
	d := startDaemon(t, "-c", path)
	told, disconnected := make(chan struct{}), make(chan struct{})
	nc, err := nats.Connect(d.url, nats.NoReconnect(),
		nats.LameDuckModeHandler(func(*nats.Conn) { close(told) }),
		nats.DisconnectErrHandler(func(*nats.Conn, error) { close(disconnected) }))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	if stderr, code := runReactor(t, reactorBinary(t), "--signal", "ldm="+strconv.Itoa(d.cmd.Process.Pid)); code != 0 {
		t.Fatalf("--signal ldm: exit %d, %q", code, stderr)
	}
	for what, ch := range map[string]chan struct{}{"the lame duck handler": told, "the disconnect": disconnected} {
		select {
		case <-ch:
		case <-time.After(10 * time.Second):
			t.Fatalf("no %s\n%s", what, d.logs)
		}
	}
	if code := d.waitExit(t, 10*time.Second); code != 0 {
		t.Fatalf("exit %d after lame duck mode\n%s", code, d.logs)
	}
	if took := time.Since(start); took < 500*time.Millisecond {
		t.Fatalf("closed after %v, within the grace period", took)
	}
	logs := d.logs.String()
	for _, line := range []string{`Trapped "user defined signal 2" signal`, "Entering lame duck mode, stop accepting new clients"} {
		if !strings.Contains(logs, line) {
			t.Fatalf("no %q in the log:\n%s", line, logs)
		}
	}
}

// TestSignalErrors: --signal's refusals, with nats-server's texts and exit code.
func TestSignalErrors(t *testing.T) {
	noSuchPid := unusedPid(t)
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pid")
	rewrite(t, garbage, "not a pid")
	for _, c := range []struct {
		arg, stderr string
	}{
		{"bogus=1", `reactor: unknown signal "bogus"` + "\n"},
		{"RELOAD=1", `reactor: unknown signal "RELOAD"` + "\n"},
		{"reload=1=2", "reactor: invalid signal parameters: [2]\n"},
		{"reload=" + noSuchPid, "reactor: \nsignal \"reload\" " + noSuchPid + ": no such process\n"},
		{"ldm=" + noSuchPid, "reactor: \nsignal \"ldm\" " + noSuchPid + ": no such process\n"},
		{"reload=" + filepath.Join(dir, "missing.pid"), "reactor: invalid pid: " + filepath.Join(dir, "missing.pid") + "\n"},
		{"reload=" + garbage, "reactor: invalid pid: not a pid\n"},
		{"reload=0", "reactor: invalid pid: 0\n"},
		{"reload=-1", "reactor: invalid pid: -1\n"},
	} {
		stderr, code := runReactor(t, reactorBinary(t), "--signal", c.arg)
		if code != 1 || stderr != c.stderr {
			t.Errorf("--signal %s: exit %d, stderr %q; want 1, %q", c.arg, code, stderr, c.stderr)
		}
	}
}

// unusedPid is above the kernel's pid_max, so no process has it.
func unusedPid(t *testing.T) string {
	data, err := os.ReadFile("/proc/sys/kernel/pid_max")
	if err != nil {
		t.Fatal(err)
	}
	max, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(max + 1)
}

// TestSignalWithoutPidFindsTheDaemonByName: without a pid, --signal looks for processes with its own name,
// as nats-server does with pgrep. The binary gets a name no other process has, so the test sees only its own.
func TestSignalWithoutPidFindsTheDaemonByName(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "rxsig"+strconv.Itoa(os.Getpid()%100000))
	copyFile(t, reactorBinary(t), bin)

	if stderr, code := runReactor(t, bin, "--signal", "reload"); code != 1 || stderr != "reactor: no reactor processes running\n" {
		t.Fatalf("with none running: exit %d, %q", code, stderr)
	}
	first := startDaemonBinary(t, bin)
	if stderr, code := runReactor(t, bin, "--signal", "reopen"); code != 0 || stderr != "" {
		t.Fatalf("with one running: exit %d, %q", code, stderr)
	}
	first.waitForLog(t, "File log re-open ignored, not a file logger", 1)

	second := startDaemonBinary(t, bin)
	pids := []int{first.cmd.Process.Pid, second.cmd.Process.Pid}
	if pids[0] > pids[1] {
		pids[0], pids[1] = pids[1], pids[0]
	}
	want := fmt.Sprintf("reactor: multiple reactor processes running:\n%d\n%d\n", pids[0], pids[1])
	if stderr, code := runReactor(t, bin, "--signal", "reload="); code != 1 || stderr != want {
		t.Fatalf("with two running: exit %d, %q, want %q", code, stderr, want)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}
