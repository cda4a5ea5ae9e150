package stream

import (
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reactor-nats/reactor/stream/store"
)

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestIngestConcurrentPublishersKeepTheirOrder(t *testing.T) {
	ts := openTestStream(t, `{"name":"C","subjects":["c.>"],"storage":"memory"}`, nil)
	const publishers, each = 4, 2000
	var wg sync.WaitGroup
	for p := range publishers {
		wg.Go(func() {
			subject := []byte("c." + strconv.Itoa(p))
			for i := range each {
				ts.Enqueue(subject, nil, nil, []byte(strconv.Itoa(i)), p)
			}
		})
	}
	wg.Wait()
	waitFor(t, "every message stored", func() bool { return ts.store.State().Msgs == publishers*each })
	for p := range publishers {
		next := 0
		for seq := uint64(1); seq <= publishers*each; seq++ {
			m, err := ts.store.Load(seq)
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject == "c."+strconv.Itoa(p) {
				if string(m.Data) != strconv.Itoa(next) {
					t.Fatalf("publisher %d: seq %d holds %q, want %d", p, seq, m.Data, next)
				}
				next++
			}
		}
	}
	// No reply, no ack.
	if sends := len(ts.host.sendCalls()); sends != 0 {
		t.Fatalf("%d Sends for publishes without a reply", sends)
	}
	waitFor(t, "the writer to end", func() bool {
		ts.in.mu.Lock()
		defer ts.in.mu.Unlock()
		return !ts.in.running
	})
}

func TestIngestAcksGoBackToTheirLoopInOneSendPerBatch(t *testing.T) {
	ts := openTestStream(t, `{"name":"B","subjects":["b.>"],"storage":"memory"}`, nil)
	// Hold the stream's lock so that the writer stalls on the first publish and the rest pile up.
	ts.mu.Lock()
	for i := range 10 {
		ts.Enqueue([]byte("b.x"), []byte("r."+strconv.Itoa(i)), nil, []byte("x"), i%3)
	}
	ts.mu.Unlock()
	for i := range 10 {
		ack := ts.host.waitAck(t, "r."+strconv.Itoa(i))
		if want := ok("B", uint64(i+1)); string(ack.Data) != want || ack.Origin != i%3 {
			t.Fatalf("ack %d: %s from loop %d, want %s from %d", i, ack.Data, ack.Origin, want, i%3)
		}
	}
	// The writer took what was pending when it started, stalled on the lock, and took the rest at once.
	sends := ts.host.sendCalls()
	total := 0
	for _, send := range sends {
		total += len(send)
	}
	if len(sends) > 2 || total != 10 {
		t.Fatalf("%d acks in %d Sends, want 10 in at most 2", total, len(sends))
	}
}

func TestIngestNoAckStreamSendsNothing(t *testing.T) {
	ts := openTestStream(t, `{"name":"N","subjects":["n.>"],"storage":"memory","no_ack":true}`, nil)
	ts.Enqueue([]byte("n.a"), []byte("r.1"), nil, []byte("x"), 0)
	waitFor(t, "the message stored", func() bool { return ts.store.State().Msgs == 1 })
	waitFor(t, "the writer to end", func() bool {
		ts.in.mu.Lock()
		defer ts.in.mu.Unlock()
		return !ts.in.running
	})
	if sends := ts.host.sendCalls(); len(sends) != 0 {
		t.Fatalf("no_ack stream sent %v", sends)
	}
}

func TestStopStoresEverythingAcceptedAndRefusesMore(t *testing.T) {
	ts := openTestStream(t, `{"name":"S","subjects":["s.>"],"storage":"memory"}`, nil)
	ts.mu.Lock() // the writer stalls: what follows is pending when Stop is called
	for range 100 {
		ts.Enqueue([]byte("s.a"), nil, nil, []byte("x"), 0)
	}
	ts.mu.Unlock()
	if len(ts.host.liveCaptures()) != 1 {
		t.Fatal("no capture")
	}
	st := ts.store.State()
	ts.Stop()
	if st2 := ts.store.State(); st2.Msgs != 100 {
		t.Fatalf("after Stop %d messages stored (before %d), want 100", st2.Msgs, st.Msgs)
	}
	if len(ts.host.liveCaptures()) != 0 {
		t.Fatal("capture not cancelled")
	}
	ts.Enqueue([]byte("s.a"), nil, nil, []byte("x"), 0)
	ts.in.mu.Lock()
	pending := len(ts.in.pending.msgs)
	ts.in.mu.Unlock()
	if pending != 0 {
		t.Fatal("a stopped stream accepted a publish")
	}
	if _, err := ts.store.Append("s.a", nil, nil, 0, 0); !errors.Is(err, store.ErrClosed) {
		t.Fatalf("store not closed: %v", err)
	}
}

// failingStore fails Appends of a payload "FULL" with ErrNoSpace, and Flush with flushErr once.
type failingStore struct {
	*store.MemStore
	flushErr error
}

func (f *failingStore) Append(subject string, hdr, data []byte, ts int64, ttl int64) (uint64, error) {
	if string(data) == "FULL" {
		return 0, store.ErrNoSpace
	}
	return f.MemStore.Append(subject, hdr, data, ts, ttl)
}

func (f *failingStore) Flush() error {
	err := f.flushErr
	f.flushErr = nil
	return err
}

func TestFullDiskFailsThePublishNotTheStream(t *testing.T) {
	fs := &failingStore{MemStore: store.NewMemStore()}
	host := newTestHost()
	s, err := newStream(newTestAccount(host), Config{Name: "D", Subjects: []string{"d.>"}}, time.Now(), fs, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	ts := &testStream{Stream: s, host: host, store: fs.MemStore}
	if got := ts.publish(t, "d.a", "x"); got != ok("D", 1) {
		t.Fatal(got)
	}
	if got, want := ts.publish(t, "d.a", "FULL"), fail("D", 500, 10047, "insufficient storage resources available"); got != want {
		t.Fatalf("full disk: %s, want %s", got, want)
	}
	if got := ts.publish(t, "d.a", "x"); got != ok("D", 2) {
		t.Fatalf("after a full disk: %s", got)
	}
	// A Flush that fails for another reason: no ack may claim the batch reached the OS.
	fs.flushErr = errors.New("EIO")
	if got, want := ts.publish(t, "d.a", "x"), fail("D", 503, 10077, "EIO"); got != want {
		t.Fatalf("failed flush: %s, want %s", got, want)
	}
	if st := fs.State(); st.Msgs != 3 {
		t.Fatalf("%d messages, want 3", st.Msgs)
	}
}

func TestFailAboveKeepsWhatTheStoreKept(t *testing.T) {
	results := []pubResult{{seq: 4}, {seq: 5}, {seq: 3, dup: true}, {err: ErrStreamNotMatch}, {seq: 6}}
	failAbove(results, 4, ErrStorageExceeded)
	want := []pubResult{{seq: 4}, {err: ErrStorageExceeded}, {seq: 3, dup: true}, {err: ErrStreamNotMatch}, {err: ErrStorageExceeded}}
	for i := range want {
		if results[i] != want[i] {
			t.Fatalf("result %d: %+v, want %+v", i, results[i], want[i])
		}
	}
}

// countingHost counts acks; the benchmarks' host.
type countingHost struct {
	*testHost
	acks atomic.Int64
}

func (h *countingHost) Send(msgs []Outbound) { h.acks.Add(int64(len(msgs))) }

func BenchmarkEnqueue(b *testing.B) {
	s := &Stream{}
	s.in.init()
	subject, reply, data := []byte("bench.subject"), []byte("_INBOX.abcdefgh.1"), make([]byte, 128)
	s.in.running = true // no writer: the benchmark measures the copy alone
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%1024 == 0 {
			s.in.pending.reset() // the writer's swap, without one
		}
		s.Enqueue(subject, reply, nil, data, 0)
	}
}

func BenchmarkIngest128B(b *testing.B) { benchIngest(b, MemoryStorage, store.NewMemStore()) }

func BenchmarkIngest128BFile(b *testing.B) {
	fs, err := store.OpenFile(b.TempDir(), store.FileConfig{})
	if err != nil {
		b.Fatal(err)
	}
	benchIngest(b, FileStorage, fs)
}

// benchIngest publishes 128-byte messages with a reply as fast as Enqueue takes them, and times until
// every one is stored and acknowledged.
func benchIngest(b *testing.B, storage StorageType, st store.Store) {
	host := &countingHost{testHost: newTestHost()}
	s, err := newStream(newTestAccount(host), Config{Name: "B", Subjects: []string{"b.>"}, Storage: storage}, time.Now(), st, "")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Stop()
	subject, reply, data := []byte("b.x"), []byte("_INBOX.abcdefgh.1"), make([]byte, 128)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		s.Enqueue(subject, reply, nil, data, 0)
	}
	for host.acks.Load() < int64(b.N) { // the time includes storing and acknowledging everything
		time.Sleep(50 * time.Microsecond)
	}
}

// Publishers faster than the writer fill the pending batch only up to maxPendingBytes: past it a publish
// is refused with insufficient resources, and what was taken before is stored and acknowledged.
func TestIngestRefusesPublishesPastThePendingBound(t *testing.T) {
	ts := openTestStream(t, `{"name":"P","subjects":["p.>"],"storage":"memory"}`, nil)
	const msgSize, perBatch = 4 << 10, 16
	ts.in.mu.Lock()
	ts.in.maxPending = perBatch * msgSize
	ts.in.mu.Unlock()
	big := make([]byte, msgSize)
	// The writer stalls on the lock with what it took first; whatever it took, one batch or the other gets
	// more than the bound holds.
	ts.mu.Lock()
	const n = 2*perBatch + 3
	for i := range n {
		ts.Enqueue([]byte("p.x"), []byte("r."+strconv.Itoa(i)), nil, big, 0)
	}
	ts.mu.Unlock()
	stored, refused := 0, 0
	for i := range n {
		ack := ts.host.waitAck(t, "r."+strconv.Itoa(i))
		switch string(ack.Data) {
		case ok("P", uint64(stored+1)):
			stored++
		case `{"error":{"code":503,"err_code":10023,"description":"insufficient resources"},"stream":"P","seq":0}`:
			refused++
		default:
			t.Fatalf("ack %d: %s", i, ack.Data)
		}
	}
	if refused == 0 || stored < perBatch-1 { // a batch holds perBatch-1: each message also has a subject and reply
		t.Fatalf("%d stored, %d refused: want the bound to refuse only what passed it", stored, refused)
	}
	if got := ts.store.State().Msgs; got != uint64(stored) {
		t.Fatalf("store holds %d, acks said %d", got, stored)
	}
}
