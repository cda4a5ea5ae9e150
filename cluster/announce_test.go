package cluster

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// lines collects emitted Changes as wire text.
type lines struct{ buf []byte }

func (l *lines) emit(c Change) { l.buf = c.Append(l.buf) }
func (l *lines) take() string {
	s := strings.ReplaceAll(string(l.buf), "\r\n", "|")
	l.buf = l.buf[:0]
	return s
}

type localOp struct {
	unsub                   bool
	account, subject, queue string
	want                    string // lines emitted, "|"-terminated
}

func TestAnnouncerRules(t *testing.T) {
	for _, tc := range []struct {
		name string
		ops  []localOp
	}{
		{"plain first and last", []localOp{
			{false, "$G", "foo.*", "", "RS+ $G foo.*|"},
			{false, "$G", "foo.*", "", ""},
			{true, "$G", "foo.*", "", ""},
			{true, "$G", "foo.*", "", "RS- $G foo.*|"},
		}},
		// The sequence ROUTES.md §5 captured from nats-server: two members join, then leave one by one.
		{"queue weight follows members", []localOp{
			{false, "$G", "wq", "W", "RS+ $G wq W 1|"},
			{false, "$G", "wq", "W", "RS+ $G wq W 2|"},
			{true, "$G", "wq", "W", "RS+ $G wq W 1|"},
			{true, "$G", "wq", "W", "RS- $G wq W|"},
		}},
		{"plain and queue are separate", []localOp{
			{false, "$G", "s", "", "RS+ $G s|"},
			{false, "$G", "s", "Q", "RS+ $G s Q 1|"},
			{true, "$G", "s", "", "RS- $G s|"},
			{true, "$G", "s", "Q", "RS- $G s Q|"},
		}},
		{"accounts are separate", []localOp{
			{false, "A", "s", "", "RS+ A s|"},
			{false, "B", "s", "", "RS+ B s|"},
			{true, "A", "s", "", "RS- A s|"},
		}},
		{"unsubscribe of nothing", []localOp{
			{true, "$G", "none", "", ""},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := NewAnnouncer()
			var out lines
			for i, op := range tc.ops {
				if op.unsub {
					a.Unsubscribe(op.account, op.subject, op.queue, out.emit)
				} else {
					a.Subscribe(op.account, op.subject, op.queue, out.emit)
				}
				if got := out.take(); got != op.want {
					t.Fatalf("op %d %+v: emitted %q, want %q", i, op, got, op.want)
				}
			}
		})
	}
}

func TestAnnouncerUnsubscribeUnknown(t *testing.T) {
	a := NewAnnouncer()
	if a.Unsubscribe("$G", "x", "", func(Change) { t.Fatal("emitted for nothing") }) {
		t.Fatal("Unsubscribe of nothing reported true")
	}
}

func TestAnnouncerJoinSnapshot(t *testing.T) {
	a := NewAnnouncer()
	var discard lines
	a.Subscribe("$G", "b", "", discard.emit)
	a.Subscribe("$G", "a", "Q", discard.emit)
	a.Subscribe("$G", "a", "Q", discard.emit)
	a.Subscribe("$G", "b", "", discard.emit)
	a.Subscribe("$SYS", "$SYS.REQ.>", "", discard.emit)
	var out lines
	attached := false
	a.Join(func() { attached = true }, func(c Change) {
		if !attached {
			t.Fatal("snapshot emitted before attach")
		}
		out.emit(c)
	})
	want := "RS+ $G a Q 2|RS+ $G b|RS+ $SYS $SYS.REQ.>|"
	if got := out.take(); got != want {
		t.Fatalf("Join emitted %q, want %q", got, want)
	}
}

// A route that joins while loops subscribe and unsubscribe must end with exactly the interest that
// remains: the snapshot plus every later Change, none missed, none doubled. Run with -race.
func TestAnnouncerJoinDuringChurn(t *testing.T) {
	a := NewAnnouncer()
	var mu sync.Mutex // the engine's broadcast set, guarded here by the Announcer's lock plus mu
	routes := map[string]*RemoteInterest{}
	broadcast := func(c Change) {
		mu.Lock()
		defer mu.Unlock()
		for _, peer := range routes {
			if c.Remove {
				peer.Remove([]byte(c.Account), []byte(c.Subject), []byte(c.Queue))
			} else {
				peer.Add([]byte(c.Account), []byte(c.Subject), []byte(c.Queue), c.Weight)
			}
		}
	}
	var wg sync.WaitGroup
	for loop := 0; loop < 4; loop++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				subject := fmt.Sprintf("s.%d", i%7)
				queue := ""
				if i%2 == 0 {
					queue = "Q"
				}
				a.Subscribe("$G", subject, queue, broadcast)
				if i%3 != 0 {
					a.Unsubscribe("$G", subject, queue, broadcast)
				}
			}
		}()
	}
	peer := NewRemoteInterest()
	a.Join(func() {
		mu.Lock()
		routes["late"] = peer
		mu.Unlock()
	}, broadcast)
	wg.Wait()

	a.mu.Lock()
	defer a.mu.Unlock()
	if peer.Len() != len(a.counts) {
		t.Fatalf("peer holds %d interests, announcer %d", peer.Len(), len(a.counts))
	}
	for _, s := range peer.Subs() {
		n := a.counts[interestKey{s.Account, s.Subject, s.Queue}]
		if n == 0 {
			t.Fatalf("peer holds %s %q that no local subscription backs", s.Subject, s.Queue)
		}
		if s.Queue != "" && s.Weight != n {
			t.Fatalf("%s %s: peer weight %d, local members %d", s.Subject, s.Queue, s.Weight, n)
		}
	}
}
