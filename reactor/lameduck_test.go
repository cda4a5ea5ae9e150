package reactor

import (
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

func TestLameDuckWarnsClientsThenClosesThemAndStops(t *testing.T) {
	s := runServer(t, Options{LameDuckDuration: 600 * time.Millisecond, LameDuckGracePeriod: 200 * time.Millisecond})
	const n = 4
	var warned, disconnected atomic.Int32
	for i := 0; i < n; i++ {
		connect(t, s,
			nats.NoReconnect(),
			nats.LameDuckModeHandler(func(*nats.Conn) { warned.Add(1) }),
			nats.DisconnectErrHandler(func(*nats.Conn, error) { disconnected.Add(1) }))
	}
	started := time.Now()
	go s.LameDuck()

	waitFor(t, "every client warned", 5*time.Second, func() bool { return warned.Load() == n })
	if disconnected.Load() != 0 {
		t.Fatal("a client was closed before the grace period ended")
	}
	// New connections are refused outright, so clients go to another server at once.
	waitFor(t, "listener closed", 5*time.Second, func() bool {
		c, err := net.DialTimeout("tcp", s.Addr(), time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	waitFor(t, "every client closed", 5*time.Second, func() bool { return disconnected.Load() == n })
	select {
	case <-s.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("server still running after lame duck mode")
	}
	if took := time.Since(started); took < 200*time.Millisecond {
		t.Fatalf("lame duck mode took %v, less than the grace period", took)
	}
	if s.Err() != nil {
		t.Fatalf("server stopped with %v", s.Err())
	}
	for _, ci := range s.ClosedConns() {
		if ci.Reason != "Server Shutdown" {
			t.Fatalf("closed in lame duck mode with reason %q", ci.Reason)
		}
	}
}
