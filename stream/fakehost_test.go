package stream

import (
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reactor-nats/reactor/stream/store"
	"github.com/rs/zerolog"
)

// fakeHost is a Host that records what a stream captures and sends.
type fakeHost struct {
	mu       sync.Mutex
	captures map[int][]string // live captures by id
	nextID   int
	sends    [][]Outbound // each Send call, copied
	acks     map[string]Outbound
	arrived  chan struct{} // signalled after every Send
}

func newFakeHost() *fakeHost {
	return &fakeHost{captures: map[int][]string{}, acks: map[string]Outbound{}, arrived: make(chan struct{}, 1)}
}

func (h *fakeHost) Capture(account string, subjects []string, in Ingest) (func(), error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.nextID++
	id := h.nextID
	h.captures[id] = append([]string(nil), subjects...)
	return func() {
		h.mu.Lock()
		delete(h.captures, id)
		h.mu.Unlock()
	}, nil
}

func (h *fakeHost) Listen(account, subject string, handle func(Request)) (func(), error) {
	return func() {}, nil
}

func (h *fakeHost) Send(msgs []Outbound) {
	h.mu.Lock()
	h.sends = append(h.sends, append([]Outbound(nil), msgs...))
	for _, m := range msgs {
		m.Data = append([]byte(nil), m.Data...)
		h.acks[m.Subject] = m
	}
	h.mu.Unlock()
	select {
	case h.arrived <- struct{}{}:
	default:
	}
}

// liveCaptures returns the subject lists captured and not cancelled.
func (h *fakeHost) liveCaptures() [][]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out [][]string
	for _, c := range h.captures {
		out = append(out, c)
	}
	return out
}

// waitAck waits for the ack sent to reply.
func (h *fakeHost) waitAck(t testing.TB, reply string) Outbound {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		h.mu.Lock()
		m, ok := h.acks[reply]
		h.mu.Unlock()
		if ok {
			return m
		}
		select {
		case <-h.arrived:
		case <-deadline:
			t.Fatalf("no ack on %s", reply)
		}
	}
}

// testStream is a stream over a MemStore in account "A" of a manager whose host is a fakeHost.
type testStream struct {
	*Stream
	host  *fakeHost
	store store.Store
	n     int // publishes so far, for reply subjects
}

func newTestAccount(host Host) *Account {
	m := &Manager{host: host, opts: Options{Logger: zerolog.Nop()}}
	return &Account{mgr: m, name: "A"}
}

// openTestStream opens a stream with cfg (JSON, as a client sends it) over st, nil for a new MemStore.
func openTestStream(t testing.TB, cfgJSON string, st store.Store) *testStream {
	t.Helper()
	var cfg Config
	if err := json.Unmarshal([]byte(cfgJSON), &cfg); err != nil {
		t.Fatalf("config %s: %v", cfgJSON, err)
	}
	if st == nil {
		st = store.NewMemStore()
	}
	host := newFakeHost()
	s, err := newStream(newTestAccount(host), cfg, time.Now(), st)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return &testStream{Stream: s, host: host, store: st}
}

// hdrBlock renders "Key: Value" lines as a NATS/1.0 header block; nil when there are none.
func hdrBlock(lines ...string) []byte {
	if len(lines) == 0 {
		return nil
	}
	return []byte("NATS/1.0\r\n" + strings.Join(lines, "\r\n") + "\r\n\r\n")
}

// publish captures one publish with a reply and returns its pub-ack.
func (ts *testStream) publish(t testing.TB, subject, data string, hdrs ...string) string {
	t.Helper()
	ts.n++
	reply := "_INBOX.r" + strconv.Itoa(ts.n)
	ts.Enqueue([]byte(subject), []byte(reply), hdrBlock(hdrs...), []byte(data), 7)
	ack := ts.host.waitAck(t, reply)
	if ack.Origin != 7 || ack.Account != "A" {
		t.Fatalf("ack %+v: want origin 7, account A", ack)
	}
	return string(ack.Data)
}
