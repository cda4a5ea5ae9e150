package stream_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// sameSessionOnBoth runs session against reactor, then against the reference nats-server, and fails unless
// both tell the same story: what the application saw, with what differs by nature (times, ids) left out.
// A session runs on the test's goroutine, so it may stop the test with t.Fatal.
func sameSessionOnBoth(t *testing.T, session func(nc *nats.Conn, js jetstream.JetStream) string) {
	t.Helper()
	ourConn, ours := runJetStream(t)
	refConn, theirs := referenceJetStream(t)
	got, want := session(ourConn, ours), session(refConn, theirs)
	if got != want {
		t.Fatalf("reactor:\n%s\nnats-server:\n%s", got, want)
	}
	t.Logf("both:\n%s", got)
}

// namedServer is a connection to one of the two servers a test holds side by side.
type namedServer struct {
	name string
	nc   *nats.Conn
}

// bothServers connects to a reactor and a reference nats-server started for the test, in that order.
func bothServers(t *testing.T) []namedServer {
	t.Helper()
	ours, _ := runJetStream(t)
	theirs, _ := referenceJetStream(t)
	return []namedServer{{"reactor", ours}, {"nats-server", theirs}}
}

// sessionLog is what a session saw, a line per say; fail reports err and ends the story with it.
type sessionLog struct {
	t   *testing.T
	out strings.Builder
}

func (l *sessionLog) say(format string, args ...any) { fmt.Fprintf(&l.out, format+"\n", args...) }

func (l *sessionLog) fail(err error) string {
	l.t.Error(err)
	return l.out.String() + err.Error()
}

func (l *sessionLog) String() string { return l.out.String() }
