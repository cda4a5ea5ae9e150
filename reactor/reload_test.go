package reactor

import (
	"strings"
	"testing"
	"time"
)

func TestReloadAppliesLimitsToNewConnections(t *testing.T) {
	s := runServer(t, Options{MaxPayload: 1024, MaxSubscriptions: 1})
	before := connect(t, s)
	if before.MaxPayload() != 1024 {
		t.Fatalf("max payload %d", before.MaxPayload())
	}
	loaded := s.ConfigLoadTime()

	opts := s.Options()
	opts.MaxPayload = 4096
	opts.MaxSubscriptions = 3
	if err := s.Reload(opts); err != nil {
		t.Fatal(err)
	}
	after := connect(t, s)
	if after.MaxPayload() != 4096 {
		t.Fatalf("new connection's max payload %d, want 4096", after.MaxPayload())
	}
	if !s.ConfigLoadTime().After(loaded) || s.Options().MaxPayload != 4096 {
		t.Fatal("options in force not updated")
	}
	// A payload the new limit allows passes the server; the old connection keeps working.
	sub, _ := after.SubscribeSync("big")
	after.Publish("big", make([]byte, 3000))
	if _, err := sub.NextMsg(5 * time.Second); err != nil {
		t.Fatalf("payload under the reloaded limit: %v", err)
	}
	// max_subscriptions applies at once: a third subscription on one connection is allowed now.
	rc, _ := dialRaw(t, s)
	rc.send(quiet + "SUB a 1\r\nSUB b 2\r\nSUB c 3\r\nSUB d 4\r\n")
	rc.expect("-ERR 'maximum subscriptions exceeded'")
	assertHealthy(t, s)
	if !before.IsConnected() {
		t.Fatal("reload dropped a connection")
	}
}

func TestRefusedReloadChangesNothing(t *testing.T) {
	s := runServer(t, Options{MaxPayload: 1024})
	loaded := s.ConfigLoadTime()
	opts := s.Options()
	opts.MaxPayload = 4096
	opts.Port = s.Port() + 1
	err := s.Reload(opts)
	if err == nil || !strings.Contains(err.Error(), "config reload not supported for Port") {
		t.Fatalf("reload with a new port: %v", err)
	}
	if nc := connect(t, s); nc.MaxPayload() != 1024 {
		t.Fatalf("refused reload changed max_payload to %d", nc.MaxPayload())
	}
	if s.ConfigLoadTime() != loaded || s.Options().MaxPayload != 1024 {
		t.Fatal("refused reload changed the options in force")
	}
}
