package testref

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// StartNatsServer runs the reference nats-server on a free loopback port with args added, waits until it
// accepts connections, and returns its address (host:port); it is killed when t ends. It skips t when the
// reference is not installed, and fails it when the server exits or never listens.
func StartNatsServer(t testing.TB, args ...string) string {
	t.Helper()
	addr, err := TryNatsServer(t, args...)
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

// TryNatsServer is StartNatsServer for a server that may refuse to start (a configuration under test):
// its exit before listening is an error carrying what it printed.
func TryNatsServer(t testing.TB, args ...string) (string, error) {
	t.Helper()
	bin := NatsServer(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	logs := &Buffer{}
	cmd := exec.Command(bin, append([]string{"-a", "127.0.0.1", "-p", strconv.Itoa(port)}, args...)...)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-exited })
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for deadline := time.Now().Add(10 * time.Second); ; {
		select {
		case <-exited:
			return "", fmt.Errorf("reference nats-server %v exited: %s", args, logs.String())
		default:
		}
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return addr, nil
		}
		if time.Now().After(deadline) {
			t.Fatalf("reference nats-server %v never listened:\n%s", args, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ConfFile writes a configuration file for a test and returns its path.
func ConfFile(t testing.TB, conf string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ref.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Buffer collects output written from any goroutine (a child's, copied by exec; a server's log) while a
// test reads it.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *Buffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *Buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
