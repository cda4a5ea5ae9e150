package stream

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestAppendWithTTLMovesTheHeaderToTheEnd(t *testing.T) {
	for _, c := range []struct{ hdr, want string }{
		{"NATS/1.0\r\nNats-TTL: 1s\r\nX-Other: o\r\n\r\n", "NATS/1.0\r\nX-Other: o\r\nNats-TTL: 3\r\n\r\n"},
		{"NATS/1.0\r\nX-Other: o\r\nNats-TTL: 1\r\n\r\n", "NATS/1.0\r\nX-Other: o\r\nNats-TTL: 3\r\n\r\n"},
		{"NATS/1.0\r\nNats-TTL: 2\r\n\r\n", "NATS/1.0\r\nNats-TTL: 3\r\n\r\n"},
		{"NATS/1.0\r\nA: 1\r\nNats-TTL: 2\r\nnats-ttl: 9\r\nB: 2\r\n\r\n", "NATS/1.0\r\nA: 1\r\nnats-ttl: 9\r\nB: 2\r\nNats-TTL: 3\r\n\r\n"},
	} {
		if got := string(appendWithTTL(nil, []byte(c.hdr), 3)); got != c.want {
			t.Errorf("appendWithTTL(%q) = %q, want %q", c.hdr, got, c.want)
		}
	}
}

func TestLeavesMarker(t *testing.T) {
	for hdr, want := range map[string]bool{
		"":                                      true,
		"NATS/1.0\r\nKV-Operation: DEL\r\n\r\n": true,
		"NATS/1.0\r\nNats-Rollup: sub\r\n\r\n":  true,
		"NATS/1.0\r\nKV-Operation: PURGE\r\nNats-TTL: 1s\r\n\r\n":    false,
		"NATS/1.0\r\nNats-Marker-Reason: Remove\r\n\r\n":             false,
		"NATS/1.0\r\nNats-Marker-Reason: MaxAge\r\nNats-TTL: 2s\r\n": false,
	} {
		if got := leavesMarker([]byte(hdr)); got != want {
			t.Errorf("leavesMarker(%q) = %v, want %v", hdr, got, want)
		}
	}
}

// The markers are part of the expire entry: the same entries applied to two new streams leave the same
// messages, markers and raised TTLs included, in the same order at the same times.
func TestMarkersReplayToTheSameState(t *testing.T) {
	t0 := time.Now().UnixNano()
	const sec = int64(time.Second)
	// Every ending is a minute or more ahead of the clock, so the stream's own timer stays out of it.
	entries := []entry{
		{kind: entryMsg, subject: "m.a", data: []byte("a1"), ts: t0},
		{kind: entryMsg, subject: "m.b", data: []byte("b1"), ts: t0 + 1},
		{kind: entryMsg, subject: "m.a", data: []byte("a2"), ts: t0 + 2*sec},
		{kind: entryMsg, subject: "m.c", hdr: hdrBlock("Nats-TTL: 10", "X-Other: o"), ts: t0 + 3*sec}, // raised to 20
		{kind: entryMsg, subject: "m.d", hdr: hdrBlock("KV-Operation: PURGE", "Nats-TTL: 200"), ts: t0 + 4*sec},
		{kind: entryMsg, subject: "m.e", hdr: hdrBlock("Nats-TTL: never"), ts: t0 + 5*sec},
		{kind: entryMsg, subject: "m.b", data: []byte("b2"), ts: t0 + 30*sec},
		{kind: entryExpire, now: t0 + 25*sec}, // c's raised TTL ends: a marker on c
		{kind: entryExpire, now: t0 + 62*sec}, // a1 and b1 age out (a2, b2 remain) and c's marker ends: none
		{kind: entryExpire, now: t0 + 70*sec}, // a2 and d age out: a marker on a, none for d's KV purge
		{kind: entryExpire, now: t0 + 95*sec}, // b2 ages out: a marker on b; a's marker ends
	}
	cfg := `{"name":"M","subjects":["m.>"],"storage":"memory","max_age":60000000000,` +
		`"subject_delete_marker_ttl":20000000000,"allow_msg_ttl":true}`
	run := func() string {
		ts := openTestStream(t, cfg, nil)
		var out strings.Builder
		for i := range entries {
			e := entries[i]
			ts.mu.Lock()
			res, err := ts.apply(&e)
			ts.mu.Unlock()
			if err != nil || res.pub.err != nil {
				t.Fatalf("entry %d: %v %v", i, err, res.pub.err)
			}
			fmt.Fprintf(&out, "entry %d: seq %d removed %d marked %d\n", i, res.pub.seq, res.removed, res.marked)
		}
		st := ts.store.State()
		fmt.Fprintf(&out, "state %d messages %d..%d\n", st.Msgs, st.FirstSeq, st.LastSeq)
		for seq := st.FirstSeq; seq <= st.LastSeq; seq++ {
			if m, err := ts.store.Load(seq); err == nil {
				fmt.Fprintf(&out, "%d %s %q %q ttl %d at +%v\n", m.Seq, m.Subject, m.Hdr, m.Data, m.TTL,
					time.Duration(m.Time-t0))
			}
		}
		return out.String()
	}
	first, second := run(), run()
	if first != second {
		t.Fatalf("two replays differ:\n%s\n%s", first, second)
	}
	const marker = `"NATS/1.0\r\nNats-Marker-Reason: MaxAge\r\nNats-TTL: 20s\r\nNats-Rollup: sub\r\n\r\n"`
	want := `entry 3: seq 4 removed 0 marked 0
entry 4: seq 5 removed 0 marked 0
entry 5: seq 6 removed 0 marked 0
entry 6: seq 7 removed 0 marked 0
entry 7: seq 0 removed 1 marked 1
entry 8: seq 0 removed 3 marked 0
entry 9: seq 0 removed 2 marked 1
entry 10: seq 0 removed 2 marked 1
state 2 messages 6..10
6 m.e "NATS/1.0\r\nNats-TTL: never\r\n\r\n" "" ttl -1 at +5s
10 m.b ` + marker + ` "" ttl 20 at +1m35s
`
	if !strings.HasSuffix(first, want) {
		t.Fatalf("replay:\n%s\nwant it to end with:\n%s", first, want)
	}
}

// A raised TTL is what the store keeps: the message ends by the marker TTL, not its own.
func TestTTLBelowTheMarkerTTLIsRaised(t *testing.T) {
	for _, c := range []struct {
		cfg     string
		ttl     string
		wantTTL int64
		wantHdr string
	}{
		{`"allow_msg_ttl":true,"subject_delete_marker_ttl":5000000000`, "1s", 5, "NATS/1.0\r\nNats-TTL: 5\r\n\r\n"},
		{`"allow_msg_ttl":true,"subject_delete_marker_ttl":5000000000`, "7", 7, "NATS/1.0\r\nNats-TTL: 7\r\n\r\n"},
		{`"allow_msg_ttl":true,"subject_delete_marker_ttl":5000000000,"max_msgs_per_subject":1`, "1", 1, "NATS/1.0\r\nNats-TTL: 1\r\n\r\n"},
		{`"allow_msg_ttl":true,"subject_delete_marker_ttl":5000000000,"max_msgs_per_subject":2`, "1", 5, "NATS/1.0\r\nNats-TTL: 5\r\n\r\n"},
		{`"allow_msg_ttl":true`, "1", 1, "NATS/1.0\r\nNats-TTL: 1\r\n\r\n"},
	} {
		ts := openTestStream(t, `{"name":"R","subjects":["r"],"storage":"memory",`+c.cfg+`}`, nil)
		if ack := ts.publish(t, "r", "x", "Nats-TTL: "+c.ttl); ack != `{"stream":"R","seq":1}` {
			t.Fatalf("%s: ack %s", c.cfg, ack)
		}
		m, err := ts.store.Load(1)
		if err != nil || m.TTL != c.wantTTL || string(m.Hdr) != c.wantHdr {
			t.Errorf("%s, TTL %s: stored TTL %d %q (%v), want %d %q", c.cfg, c.ttl, m.TTL, m.Hdr, err, c.wantTTL, c.wantHdr)
		}
	}
}
