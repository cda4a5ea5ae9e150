package stream

import (
	"encoding/json"
	"os"
	"strconv"
	"testing"

	"github.com/rs/zerolog"
)

// apiEnv is a Manager over a testHost with account "A" enabled.
type apiEnv struct {
	t    testing.TB
	host *testHost
	mgr  *Manager
	n    int // requests so far, for reply subjects
}

func newAPIEnv(t testing.TB) *apiEnv {
	t.Helper()
	return newAPIEnvAt(t, t.TempDir(), Unlimited)
}

func newAPIEnvAt(t testing.TB, dir string, limits AccountLimits) *apiEnv {
	t.Helper()
	host := newTestHost()
	mgr, err := NewManager(Options{StoreDir: dir, ServerName: "srv", Logger: zerolog.New(os.Stderr).Level(zerolog.WarnLevel)}, host)
	if err != nil {
		t.Fatal(err)
	}
	if err := mgr.EnableAccount("A", limits); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mgr.Shutdown)
	return &apiEnv{t: t, host: host, mgr: mgr}
}

// send makes one request in account A and returns what was sent to its reply (ok false: no answer).
func (e *apiEnv) send(subject, body string, hdr []byte) (Outbound, bool) {
	e.n++
	reply := "_INBOX.api" + strconv.Itoa(e.n)
	e.host.listener("A")(Request{Account: "A", Subject: subject, Reply: reply, Hdr: hdr, Data: []byte(body)})
	return e.host.take(reply, 0)
}

// request makes one JSON API request and returns the answer decoded.
func (e *apiEnv) request(subject, body string) map[string]any {
	e.t.Helper()
	out, ok := e.send(subject, body, nil)
	if !ok {
		e.t.Fatalf("%s %s: no answer", subject, body)
	}
	var resp map[string]any
	if err := json.Unmarshal(out.Data, &resp); err != nil {
		e.t.Fatalf("%s %s: answer %q: %v", subject, body, out.Data, err)
	}
	if out.Account != "A" || out.Origin != -1 || out.Hdr != nil {
		e.t.Fatalf("%s: answer sent as %+v", subject, out)
	}
	return resp
}

// publish stores a message through the stream capturing subject, as a client's publish, and returns its
// pub-ack.
func (e *apiEnv) publish(subject string, hdr []byte, data string) string {
	e.t.Helper()
	in := e.host.ingest("A", subject)
	if in == nil {
		e.t.Fatalf("publish %s: no stream captures it", subject)
	}
	e.n++
	reply := "_INBOX.pub" + strconv.Itoa(e.n)
	in.Enqueue([]byte(subject), []byte(reply), hdr, []byte(data), 0)
	return string(e.host.waitAck(e.t, reply).Data)
}
