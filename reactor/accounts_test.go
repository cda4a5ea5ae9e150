package reactor

import (
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

const accountsConf = `accounts {
	A: { users: [{user: a, password: a}], exports: [{stream: "news.>"}, {service: "svc.echo"}] }
	B: { users: [{user: b, password: b}], imports: [
		{stream: {account: A, subject: "news.>"}, prefix: "fromA"}
		{service: {account: A, subject: "svc.echo"}, to: "echo"}
	] }
	C: { users: [{user: c, password: c}] }
}`

func connectAs(t *testing.T, s *Server, user string) *nats.Conn {
	t.Helper()
	return connect(t, s, nats.UserInfo(user, user))
}

func TestAccountsAreIsolatedExceptThroughImports(t *testing.T) {
	s := authServer(t, accountsConf, Options{})
	a, b, c := connectAs(t, s, "a"), connectAs(t, s, "b"), connectAs(t, s, "c")

	spyC, _ := c.SubscribeSync(">")
	spyB, _ := b.SubscribeSync(">")
	spyA, _ := a.SubscribeSync(">")
	for _, nc := range []*nats.Conn{a, b, c} {
		nc.Flush()
	}
	a.Publish("news.today", []byte("from A"))
	a.Publish("private", []byte("A only"))
	b.Publish("news.today", []byte("B's own"))
	c.Publish("news.today", []byte("C's own"))
	for _, nc := range []*nats.Conn{a, b, c} {
		nc.Flush()
	}

	got := func(sub *nats.Subscription) map[string]string {
		out := map[string]string{}
		for {
			m, err := sub.NextMsg(300 * time.Millisecond)
			if err != nil {
				return out
			}
			out[m.Subject+"|"+string(m.Data)] = m.Sub.Subject
		}
	}
	wantOnly := func(name string, have map[string]string, want ...string) {
		t.Helper()
		if len(have) != len(want) {
			t.Fatalf("%s got %v, want %v", name, have, want)
		}
		for _, w := range want {
			if _, ok := have[w]; !ok {
				t.Fatalf("%s got %v, want %v", name, have, want)
			}
		}
	}
	wantOnly("A", got(spyA), "news.today|from A", "private|A only")
	// B sees its own message and A's stream under the import's prefix, nothing else of A's.
	wantOnly("B", got(spyB), "news.today|B's own", "fromA.news.today|from A")
	wantOnly("C", got(spyC), "news.today|C's own")
}

func TestServiceImportRoutesRequestsAndReplies(t *testing.T) {
	s := authServer(t, accountsConf, Options{})
	a, b := connectAs(t, s, "a"), connectAs(t, s, "b")

	// Without a responder, B's request gets no-responders through the import.
	if _, err := b.Request("echo", []byte("x"), 2*time.Second); !errors.Is(err, nats.ErrNoResponders) {
		t.Fatalf("request with no responder: %v", err)
	}
	a.Subscribe("svc.echo", func(m *nats.Msg) {
		m.Respond(append([]byte("echo: "), m.Data...))
		m.Respond([]byte("a second answer a singleton service must not deliver"))
	})
	a.Flush()
	for i := 0; i < 5; i++ {
		r, err := b.Request("echo", []byte("hi"), 5*time.Second)
		if err != nil || string(r.Data) != "echo: hi" {
			t.Fatalf("request %d: %v %+v", i, err, r)
		}
	}
	// Only one answer per request crossed back.
	inbox := b.NewRespInbox()
	sub, _ := b.SubscribeSync(inbox)
	b.PublishRequest("echo", inbox, []byte("once"))
	if _, err := sub.NextMsg(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if m, err := sub.NextMsg(300 * time.Millisecond); err == nil {
		t.Fatalf("second answer delivered: %q", m.Data)
	}
	// The service subject is not reachable from B by A's name for it, nor from C at all.
	if _, err := b.Request("svc.echo", []byte("x"), time.Second); !errors.Is(err, nats.ErrNoResponders) {
		t.Fatalf("B reached A's subject directly: %v", err)
	}
	c := connectAs(t, s, "c")
	if _, err := c.Request("echo", []byte("x"), time.Second); !errors.Is(err, nats.ErrNoResponders) {
		t.Fatalf("C reached the service: %v", err)
	}
	// Answered forwarders are gone from A's index.
	waitFor(t, "response forwarders removed", 5*time.Second, func() bool {
		s.responses.expire(time.Now().UnixNano())
		s.responses.mu.Lock()
		defer s.responses.mu.Unlock()
		return len(s.responses.pending) == 0
	})
}
