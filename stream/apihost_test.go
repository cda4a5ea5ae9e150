package stream

import (
	"encoding/json"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/reactor-nats/reactor/subtrie"
	"github.com/rs/zerolog"
)

// apiHost is a Host for the API tests: it keeps the API listeners and the captures, routes a test's
// publishes to the stream capturing them (as the server would), and records everything sent.
type apiHost struct {
	mu        sync.Mutex
	listeners map[string]func(Request) // by account
	captures  map[int]apiCapture
	nextID    int
	sent      map[string]Outbound // the last message sent to each subject
	arrived   chan struct{}       // signalled after every Send
}

type apiCapture struct {
	account  string
	subjects []string
	in       Ingest
}

func newAPIHost() *apiHost {
	return &apiHost{listeners: map[string]func(Request){}, captures: map[int]apiCapture{},
		sent: map[string]Outbound{}, arrived: make(chan struct{}, 1)}
}

func (h *apiHost) Capture(account string, subjects []string, in Ingest) (func(), error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.nextID++
	id := h.nextID
	h.captures[id] = apiCapture{account: account, subjects: append([]string(nil), subjects...), in: in}
	return func() {
		h.mu.Lock()
		delete(h.captures, id)
		h.mu.Unlock()
	}, nil
}

func (h *apiHost) Listen(account, subject string, handle func(Request)) (func(), error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if subject != "$JS.API.>" {
		panic("listen on " + subject)
	}
	h.listeners[account] = handle
	return func() {
		h.mu.Lock()
		delete(h.listeners, account)
		h.mu.Unlock()
	}, nil
}

func (h *apiHost) Send(msgs []Outbound) {
	h.mu.Lock()
	for _, m := range msgs {
		m.Hdr = append([]byte(nil), m.Hdr...)
		m.Data = append([]byte(nil), m.Data...)
		h.sent[m.Subject] = m
	}
	h.mu.Unlock()
	select {
	case h.arrived <- struct{}{}:
	default:
	}
}

// take returns and forgets what was sent to subject, waiting up to wait for it; ok false when nothing came.
func (h *apiHost) take(subject string, wait time.Duration) (Outbound, bool) {
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		h.mu.Lock()
		m, ok := h.sent[subject]
		delete(h.sent, subject)
		h.mu.Unlock()
		if ok {
			return m, true
		}
		select {
		case <-h.arrived:
		case <-deadline.C:
			return Outbound{}, false
		}
	}
}

// apiEnv is a Manager over an apiHost with account "A" enabled.
type apiEnv struct {
	t    testing.TB
	host *apiHost
	mgr  *Manager
	n    int // requests so far, for reply subjects
}

func newAPIEnv(t testing.TB) *apiEnv {
	t.Helper()
	return newAPIEnvAt(t, t.TempDir(), Unlimited)
}

func newAPIEnvAt(t testing.TB, dir string, limits AccountLimits) *apiEnv {
	t.Helper()
	host := newAPIHost()
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
	e.host.mu.Lock()
	handle := e.host.listeners["A"]
	e.host.mu.Unlock()
	handle(Request{Account: "A", Subject: subject, Reply: reply, Hdr: hdr, Data: []byte(body)})
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
	e.host.mu.Lock()
	var in Ingest
	for _, c := range e.host.captures {
		for _, pattern := range c.subjects {
			if c.account == "A" && subtrie.SubjectMatches(pattern, subject) {
				in = c.in
			}
		}
	}
	e.host.mu.Unlock()
	if in == nil {
		e.t.Fatalf("publish %s: no stream captures it", subject)
	}
	e.n++
	reply := "_INBOX.pub" + strconv.Itoa(e.n)
	in.Enqueue([]byte(subject), []byte(reply), hdr, []byte(data), 0)
	ack, ok := e.host.take(reply, 10*time.Second)
	if !ok {
		e.t.Fatalf("publish %s: no ack", subject)
	}
	return string(ack.Data)
}
