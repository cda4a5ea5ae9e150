package stream

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/reactor-nats/reactor/stream/store"
)

func TestDedupeWindowPasses(t *testing.T) {
	ts := openTestStream(t, `{"name":"D","subjects":["d.>"],"storage":"memory","duplicate_window":50000000}`, nil)
	if got := ts.publish(t, "d.a", "x", "Nats-Msg-Id: a"); got != ok("D", 1) {
		t.Fatal(got)
	}
	// Within the window a duplicate; once 50ms have passed the id is new again.
	seq := uint64(1)
	waitFor(t, "the window to pass", func() bool {
		got := ts.publish(t, "d.a", "x", "Nats-Msg-Id: a")
		if got == dup("D", 1) {
			return false
		}
		seq = ts.store.State().LastSeq
		if got != ok("D", seq) || seq != 2 {
			t.Fatalf("after the window: %s", got)
		}
		return true
	})
	if n := len(ts.dedupe.ids); n != 1 {
		t.Fatalf("%d ids remembered, want 1 (the expired entry forgotten)", n)
	}
}

func TestDedupeEntriesLeaveInOrder(t *testing.T) {
	d := dedupe{window: 10}
	id := func(i int) string { return string(rune('a'+i%26)) + string(rune('a'+i/26)) }
	for i := range 200 {
		d.add(id(i), uint64(i+1), int64(i)) // stored at time i, sequence i+1
	}
	if seq, found := d.lookup([]byte(id(195)), 200); !found || seq != 196 {
		t.Fatalf("lookup within the window: %d, %v", seq, found)
	}
	if _, found := d.lookup([]byte(id(195)), 206); found {
		t.Fatal("found after the window")
	}
	if len(d.ids) != 11 || len(d.fifo)-d.head != 11 {
		t.Fatalf("%d ids, %d queued, want the 11 of the last window", len(d.ids), len(d.fifo)-d.head)
	}
	d.expire(205)
	if len(d.ids) != 5 || len(d.fifo)-d.head != 5 {
		t.Fatalf("%d ids, %d queued after expiry, want 5", len(d.ids), len(d.fifo)-d.head)
	}
	d.dropAbove(197)
	if len(d.ids) != 2 {
		t.Fatalf("%d ids after dropAbove, want 2", len(d.ids))
	}
}

func TestDedupeRecoveredFromTheStore(t *testing.T) {
	st := store.NewMemStore()
	now := time.Now().UnixNano()
	old := now - int64(3*time.Minute)
	for i, m := range []struct {
		id string
		ts int64
	}{{"old", old}, {"", old + 1}, {"w1", now - int64(time.Minute)}, {"", now - int64(time.Minute) + 1}, {"w2", now - 1000}} {
		var hdr []byte
		if m.id != "" {
			hdr = hdrBlock("Nats-Msg-Id: " + m.id)
		}
		if _, err := st.Append("r.a", hdr, []byte{byte(i)}, m.ts, 0); err != nil {
			t.Fatal(err)
		}
	}
	ts := openTestStream(t, `{"name":"R","subjects":["r.>"],"storage":"memory"}`, st)
	if got := ts.publish(t, "r.a", "x", "Nats-Msg-Id: w1"); got != dup("R", 3) {
		t.Fatalf("w1 (stored a minute ago): %s", got)
	}
	if got := ts.publish(t, "r.a", "x", "Nats-Expected-Last-Msg-Id: w2", "Nats-Msg-Id: w2"); got != dup("R", 5) {
		t.Fatalf("w2: %s", got)
	}
	if got := ts.publish(t, "r.a", "x", "Nats-Expected-Last-Msg-Id: w2", "Nats-Msg-Id: old"); got != ok("R", 6) {
		t.Fatalf("old (stored before the window), after w2: %s", got)
	}
}

func TestDedupeSurvivesARestart(t *testing.T) {
	dir := t.TempDir()
	open := func() *testStream {
		fs, err := store.OpenFile(dir, store.FileConfig{})
		if err != nil {
			t.Fatal(err)
		}
		return openTestStream(t, `{"name":"F","subjects":["f.>"]}`, fs)
	}
	ts := open()
	ts.publish(t, "f.a", "x", "Nats-Msg-Id: a")
	ts.publish(t, "f.a", "x", "Nats-Msg-Id: b")
	ts.Stop()
	ts = open()
	if got := ts.publish(t, "f.a", "x", "Nats-Msg-Id: a"); got != dup("F", 1) {
		t.Fatalf("a after a restart: %s", got)
	}
	if got := ts.publish(t, "f.a", "x", "Nats-Expected-Last-Msg-Id: b"); got != ok("F", 3) {
		t.Fatalf("expected last msg id b after a restart: %s", got)
	}
}

// walkCounter counts the walks a store is asked for.
type walkCounter struct {
	store.Store
	walks int
}

func (w *walkCounter) LoadNext(filter string, start uint64) (store.Msg, error) {
	w.walks++
	return w.Store.LoadNext(filter, start)
}

// A clean stop leaves the window beside the store, so the next start reads no message to rebuild it; a
// window that does not fit the store (it changed since), or none (a crash), is rebuilt from the messages.
func TestDedupeSavedAtStopNeedsNoWalk(t *testing.T) {
	dir := t.TempDir()
	open := func() (*testStream, *walkCounter) {
		fs, err := store.OpenFile(filepath.Join(dir, "msgs"), store.FileConfig{})
		if err != nil {
			t.Fatal(err)
		}
		w := &walkCounter{Store: fs}
		return openTestStreamIn(t, `{"name":"F","subjects":["f.>"]}`, w, dir), w
	}
	ts, _ := open()
	ts.publish(t, "f.a", "x", "Nats-Msg-Id: a")
	ts.publish(t, "f.a", "x", "Nats-Msg-Id: b")
	ts.Stop()

	ts, w := open()
	if w.walks != 0 {
		t.Fatalf("%d walks at a start after a clean stop", w.walks)
	}
	if _, err := os.Stat(filepath.Join(dir, dedupeFile)); !os.IsNotExist(err) {
		t.Fatalf("the saved window is still there after the start: %v", err)
	}
	if got := ts.publish(t, "f.a", "x", "Nats-Msg-Id: a"); got != dup("F", 1) {
		t.Fatalf("a after a clean restart: %s", got)
	}
	if got := ts.publish(t, "f.a", "x", "Nats-Expected-Last-Msg-Id: b"); got != ok("F", 3) {
		t.Fatalf("expected last msg id b after a clean restart: %s", got)
	}
	ts.publish(t, "f.a", "x", "Nats-Msg-Id: c")
	ts.Stop()

	// A window saved for another store state is not trusted: here it says sequence 1 was the last.
	snap := `{"last_seq":1,"ids":[{"id":"z","seq":1,"ts":` + strconv.FormatInt(time.Now().UnixNano(), 10) + `}]}`
	if err := os.WriteFile(filepath.Join(dir, dedupeFile), []byte(snap), 0o600); err != nil {
		t.Fatal(err)
	}
	ts, w = open()
	if w.walks == 0 {
		t.Fatal("a window that does not fit the store was used")
	}
	if got := ts.publish(t, "f.a", "x", "Nats-Msg-Id: c"); got != dup("F", 4) {
		t.Fatalf("c after a restart from the messages: %s", got)
	}
	if got := ts.publish(t, "f.a", "x", "Nats-Msg-Id: z"); got != ok("F", 5) {
		t.Fatalf("z, named only by the stale window: %s", got)
	}
}
