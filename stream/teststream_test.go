package stream

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/reactor-nats/reactor/stream/store"
	"github.com/rs/zerolog"
)

// testStream is a stream over a MemStore in account "A" of a manager whose host is a testHost.
type testStream struct {
	*Stream
	host  *testHost
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
	return openTestStreamIn(t, cfgJSON, st, "")
}

// openTestStreamIn is openTestStream for a file stream whose directory is dir.
func openTestStreamIn(t testing.TB, cfgJSON string, st store.Store, dir string) *testStream {
	t.Helper()
	var cfg Config
	if err := json.Unmarshal([]byte(cfgJSON), &cfg); err != nil {
		t.Fatalf("config %s: %v", cfgJSON, err)
	}
	if st == nil {
		st = store.NewMemStore()
	}
	host := newTestHost()
	s, err := newStream(newTestAccount(host), cfg, time.Now(), st, dir)
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
