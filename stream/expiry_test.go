package stream

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/reactor-nats/reactor/stream/store"
)

func TestMessageTTLExpires(t *testing.T) {
	ts := openTestStream(t, `{"name":"T","subjects":["t.>"],"storage":"memory","allow_msg_ttl":true}`, nil)
	ts.publish(t, "t.a", "x", "Nats-TTL: 1")
	ts.publish(t, "t.a", "x", "Nats-TTL: never")
	ts.publish(t, "t.b", "x")
	if st := ts.store.State(); st.Msgs != 3 {
		t.Fatalf("%d messages, want 3", st.Msgs)
	}
	waitFor(t, "the 1s TTL to end", func() bool { return ts.store.State().Msgs == 2 })
	if st := ts.store.State(); st.FirstSeq != 2 {
		t.Fatalf("first %d, want 2 (the message with the TTL went)", st.FirstSeq)
	}
}

func TestMaxAgeExpiresButNotAMessageThatNeverExpires(t *testing.T) {
	ts := openTestStream(t, `{"name":"A","subjects":["a.>"],"storage":"memory","allow_msg_ttl":true,"max_age":200000000}`, nil)
	ts.publish(t, "a.x", "x", "Nats-TTL: never")
	ts.publish(t, "a.x", "x")
	ts.publish(t, "a.x", "x")
	waitFor(t, "max_age", func() bool { return ts.store.State().Msgs == 1 })
	ts.publish(t, "a.x", "x")
	// The message that never expires stays at the front; the timer still finds the new one.
	waitFor(t, "max_age again", func() bool { st := ts.store.State(); return st.Msgs == 1 && st.LastSeq == 4 })
	if _, err := ts.store.Load(1); err != nil {
		t.Fatalf("the message with TTL never went: %v", err)
	}
}

func TestUpdateEnforcesLimitsAndRecaptures(t *testing.T) {
	ts := openTestStream(t, `{"name":"U","subjects":["u.>"],"storage":"memory"}`, nil)
	for range 5 {
		ts.publish(t, "u.a", "x")
		ts.publish(t, "u.b", "x")
	}
	var cfg Config
	if err := json.Unmarshal([]byte(`{"name":"U","subjects":["v.>","w"],"storage":"memory","max_msgs_per_subject":2,"max_msgs":3}`), &cfg); err != nil {
		t.Fatal(err)
	}
	if err := ts.Update(cfg); err != nil {
		t.Fatal(err)
	}
	if st := ts.store.State(); st.Msgs != 3 || st.FirstSeq != 8 {
		t.Fatalf("after update: %d messages from %d, want 3 from 8", st.Msgs, st.FirstSeq)
	}
	caps := ts.host.liveCaptures()
	if len(caps) != 1 || len(caps[0]) != 2 || caps[0][0] != "v.>" {
		t.Fatalf("captures %v, want [[v.> w]]", caps)
	}
	if ts.Config().MaxMsgs != 3 {
		t.Fatal("config not updated")
	}
	if n, err := ts.Purge("u.b", 0, 0); err != nil || n != 2 {
		t.Fatalf("purge u.b: %d, %v", n, err)
	}
	if ok, err := ts.RemoveMsg(10, false); err != nil || ok {
		t.Fatalf("remove a purged message: %v, %v", ok, err)
	}
	if ok, err := ts.RemoveMsg(9, false); err != nil || !ok {
		t.Fatalf("remove 9: %v, %v", ok, err)
	}
	if ts.accounted != int64(ts.store.State().Bytes) || ts.accounted != 0 {
		t.Fatalf("accounted %d, store %d", ts.accounted, ts.store.State().Bytes)
	}
}

func TestMaxAgeAppliedAtOpen(t *testing.T) {
	st := store.NewMemStore()
	now := time.Now().UnixNano()
	for _, ts := range []int64{now - int64(time.Hour), now - int64(time.Hour) + 1, now} {
		if _, err := st.Append("o.a", nil, []byte("x"), ts, 0); err != nil {
			t.Fatal(err)
		}
	}
	ts := openTestStream(t, `{"name":"O","subjects":["o.>"],"storage":"memory","max_age":60000000000}`, st)
	if s := ts.store.State(); s.Msgs != 1 || s.FirstSeq != 3 {
		t.Fatalf("after open %d messages from %d, want 1 from 3", s.Msgs, s.FirstSeq)
	}
	if ts.accounted != int64(ts.store.State().Bytes) {
		t.Fatalf("accounted %d, store holds %d", ts.accounted, ts.store.State().Bytes)
	}
}
