package stream

import (
	"sync"
	"testing"
	"time"

	"github.com/reactor-nats/reactor/subtrie"
)

// testHost is the Host of this package's tests, as the server would be without the network: it keeps
// the API listeners and the live captures, and records every Send (each call, and the last message per
// subject) copied.
type testHost struct {
	mu        sync.Mutex
	listeners map[string]func(Request) // by account
	ackers    map[string]func(Request) // $JS.ACK.> listeners, by account
	flows     map[string]func(Request) // $JS.FC.> listeners, by account
	captures  map[int]testCapture      // live captures by id
	nextID    int
	sends     [][]Outbound        // each Send call, in order
	last      map[string]Outbound // the last message sent to each subject not yet taken
	arrived   chan struct{}       // signalled after every Send
}

type testCapture struct {
	account  string
	subjects []string
	in       Ingest
}

func newTestHost() *testHost {
	return &testHost{listeners: map[string]func(Request){}, ackers: map[string]func(Request){}, flows: map[string]func(Request){}, captures: map[int]testCapture{},
		last: map[string]Outbound{}, arrived: make(chan struct{}, 1)}
}

func (h *testHost) Capture(account string, subjects []string, in Ingest) (func(), error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.nextID++
	id := h.nextID
	h.captures[id] = testCapture{account: account, subjects: append([]string(nil), subjects...), in: in}
	return func() {
		h.mu.Lock()
		delete(h.captures, id)
		h.mu.Unlock()
	}, nil
}

func (h *testHost) Listen(account, subject string, handle func(Request)) (func(), error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	byAccount := h.listeners
	switch subject {
	case apiPrefix + ">":
	case ackPrefix + ">":
		byAccount = h.ackers
	case flowPrefix + ">":
		byAccount = h.flows
	default:
		panic("listen on " + subject)
	}
	byAccount[account] = handle
	return func() {
		h.mu.Lock()
		delete(byAccount, account)
		h.mu.Unlock()
	}, nil
}

func (h *testHost) Send(msgs []Outbound) {
	h.mu.Lock()
	batch := make([]Outbound, len(msgs))
	for i, m := range msgs {
		m.Hdr = append([]byte(nil), m.Hdr...)
		m.Data = append([]byte(nil), m.Data...)
		batch[i] = m
		h.last[m.Subject] = m
	}
	h.sends = append(h.sends, batch)
	h.mu.Unlock()
	select {
	case h.arrived <- struct{}{}:
	default:
	}
}

// listener returns the API handler of account, nil when it has none.
func (h *testHost) listener(account string) func(Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.listeners[account]
}

// acker returns the $JS.ACK.> handler of account, nil when it has none.
func (h *testHost) acker(account string) func(Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.ackers[account]
}

// flow returns the $JS.FC.> handler of account, nil when it has none.
func (h *testHost) flow(account string) func(Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.flows[account]
}

// ingest returns the Ingest of the capture in account matching subject, nil when none does.
func (h *testHost) ingest(account, subject string) Ingest {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.captures {
		for _, pattern := range c.subjects {
			if c.account == account && subtrie.SubjectMatches(pattern, subject) {
				return c.in
			}
		}
	}
	return nil
}

// liveCaptures returns the subject lists captured and not cancelled.
func (h *testHost) liveCaptures() [][]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out [][]string
	for _, c := range h.captures {
		out = append(out, c.subjects)
	}
	return out
}

// sendCalls returns a copy of the Send calls so far.
func (h *testHost) sendCalls() [][]Outbound {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([][]Outbound(nil), h.sends...)
}

// take returns and forgets the last message sent to subject, waiting up to wait for one; ok false when
// nothing came.
func (h *testHost) take(subject string, wait time.Duration) (Outbound, bool) {
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		h.mu.Lock()
		m, ok := h.last[subject]
		delete(h.last, subject)
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

// waitAck takes the message sent to reply, failing t when none comes within 10 s.
func (h *testHost) waitAck(t testing.TB, reply string) Outbound {
	t.Helper()
	m, ok := h.take(reply, 10*time.Second)
	if !ok {
		t.Fatalf("no ack on %s", reply)
	}
	return m
}
