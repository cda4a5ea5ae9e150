package reactor

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/reactor-nats/reactor/internal/testref"
)

// The wire tables in this package are nats-server's observed behaviour. These tests hold them to it: every
// case also runs against the reference nats-server v2.15.2 (installed into bin/ by `make tools`), so a
// wrong expectation fails here rather than teaching reactor a wrong answer.

// referenceServer starts nats-server with the given config file contents and returns its client address.
func referenceServer(t *testing.T, config string) string {
	t.Helper()
	bin := testref.NatsServer(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	conf := filepath.Join(t.TempDir(), "ref.conf")
	if err := os.WriteFile(conf, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	cmd := exec.Command(bin, "-a", "127.0.0.1", "-p", fmt.Sprint(port), "-c", conf)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	waitFor(t, "reference nats-server", 10*time.Second, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return addr
}

func TestWireCasesHoldForReferenceServer(t *testing.T) {
	addr := referenceServer(t, "")
	for _, tc := range wireCases {
		t.Run(tc.name, func(t *testing.T) {
			runWireCase(t, addr, tc, func(rc *rawConn) { rc.send(tc.send) })
		})
	}
}

func TestLimitCasesHoldForReferenceServer(t *testing.T) {
	addr := referenceServer(t, "max_payload: 1024\nmax_control_line: 256\n")
	for _, tc := range limitCases {
		t.Run(tc.name, func(t *testing.T) {
			runWireCase(t, addr, tc, func(rc *rawConn) { rc.send(tc.send) })
		})
	}
}
