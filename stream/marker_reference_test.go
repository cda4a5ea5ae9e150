package stream_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Subject delete markers as nats-server writes them: where max_age or a message's TTL empties a subject
// the stream stores a marker (its exact header block), a consumer receives it, a TTL below the marker TTL
// is raised, and the markers expire by their own TTL leaving none; purge, delete and limits make none.
func TestSubjectDeleteMarkersMatchReference(t *testing.T) {
	t.Parallel()
	sameSessionOnBoth(t, func(nc *nats.Conn, js jetstream.JetStream) string { return markerSession(t, nc, js) })
}

func markerSession(t *testing.T, nc *nats.Conn, js jetstream.JetStream) string {
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	var out strings.Builder
	s, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "M", Subjects: []string{"m.>"},
		MaxAge: 2 * time.Second, SubjectDeleteMarkerTTL: 90 * time.Second})
	if err != nil {
		t.Error(err)
		return err.Error()
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Error(err)
		return err.Error()
	}
	fmt.Fprintf(&out, "config: allow_msg_ttl %v allow_rollup %v marker ttl %v\n", info.Config.AllowMsgTTL,
		info.Config.AllowRollup, info.Config.SubjectDeleteMarkerTTL)
	pub := func(subject, data string, hdr ...string) {
		m := nats.NewMsg(subject)
		m.Data = []byte(data)
		for i := 0; i+1 < len(hdr); i += 2 {
			m.Header.Set(hdr[i], hdr[i+1])
		}
		ack, err := js.PublishMsg(ctx, m)
		if err != nil {
			fmt.Fprintf(&out, "publish %s: %v\n", subject, err)
			return
		}
		fmt.Fprintf(&out, "publish %s: seq %d\n", subject, ack.Sequence)
	}
	pub("m.a", "a")
	pub("m.b", "b1")
	pub("m.b", "b2")
	pub("m.c", "", "Nats-TTL", "1s") // raised to the marker TTL, then aged out
	pub("m.d", "never", "Nats-TTL", "never")
	pub("m.e", "", "KV-Operation", "PURGE") // its ageing leaves no marker
	fmt.Fprintf(&out, "stored:\n%s", storedMsgs(t, nc, "M"))

	cons, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Error(err)
		return err.Error()
	}
	delivered := make(chan string, 20)
	cc, err := cons.Consume(func(m jetstream.Msg) {
		md, _ := m.Metadata()
		delivered <- fmt.Sprintf("%d %s %v %q", md.Sequence.Stream, m.Subject(), m.Headers(), m.Data())
	})
	if err != nil {
		t.Error(err)
		return err.Error()
	}
	defer cc.Stop()
	waitUntil(t, ctx, "three markers stored and m.e gone", func() bool {
		st := storedMsgs(t, nc, "M")
		return strings.Count(st, "Nats-Marker-Reason") == 3 && strings.HasPrefix(st, "  4 messages 5..9")
	})
	fmt.Fprintf(&out, "after max_age:\n%s", storedMsgs(t, nc, "M"))
	out.WriteString("delivered:\n")
	for range 9 { // the six messages, then the three markers
		select {
		case d := <-delivered:
			fmt.Fprintf(&out, "  %s\n", d)
		case <-ctx.Done():
			t.Error("the consumer stopped short")
			return out.String()
		}
	}

	// Markers expire by their TTL; shorten the wait with a stream whose marker TTL is one second.
	s2, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "S", Subjects: []string{"s.>"},
		SubjectDeleteMarkerTTL: time.Second})
	if err != nil {
		t.Error(err)
		return err.Error()
	}
	pub("s.x", "", "Nats-TTL", "1")
	pub("s.y", "")
	waitUntil(t, ctx, "the marker on s.x and its end", func() bool {
		info, err := s2.Info(ctx)
		return err == nil && info.State.LastSeq == 3 && info.State.Msgs == 1
	})
	fmt.Fprintf(&out, "after the marker's TTL:\n%s", storedMsgs(t, nc, "S"))

	// Purge, delete, limits and rollups remove last messages of subjects without markers.
	p, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "P", Subjects: []string{"p.>"}, MaxMsgs: 5,
		MaxMsgsPerSubject: 2, SubjectDeleteMarkerTTL: time.Minute})
	if err != nil {
		t.Error(err)
		return err.Error()
	}
	for _, subject := range []string{"p.1", "p.2", "p.3", "p.4", "p.4", "p.4", "p.5", "p.6", "p.7"} {
		pub(subject, subject)
	}
	if err := p.Purge(ctx, jetstream.WithPurgeSubject("p.5")); err != nil {
		t.Error(err)
	}
	if err := p.DeleteMsg(ctx, 8); err != nil {
		t.Error(err)
	}
	pub("p.7", "", "Nats-Rollup", "sub")
	fmt.Fprintf(&out, "no markers:\n%s", storedMsgs(t, nc, "P"))
	return out.String()
}

// storedMsgs lists a stream's messages through STREAM.MSG.GET: sequence, subject, the header block as
// stored and the payload.
func storedMsgs(t *testing.T, nc *nats.Conn, stream string) string {
	var out strings.Builder
	resp, err := nc.Request("$JS.API.STREAM.INFO."+stream, nil, 5*time.Second)
	if err != nil {
		t.Errorf("info %s: %v", stream, err)
		return err.Error()
	}
	var info struct {
		State struct {
			Msgs     uint64 `json:"messages"`
			FirstSeq uint64 `json:"first_seq"`
			LastSeq  uint64 `json:"last_seq"`
		} `json:"state"`
	}
	if err := json.Unmarshal(resp.Data, &info); err != nil {
		t.Errorf("info %s: %v", stream, err)
	}
	st := info.State
	fmt.Fprintf(&out, "  %d messages %d..%d\n", st.Msgs, st.FirstSeq, st.LastSeq)
	for seq := st.FirstSeq; seq <= st.LastSeq && st.Msgs > 0; seq++ {
		resp, err := nc.Request("$JS.API.STREAM.MSG.GET."+stream, fmt.Appendf(nil, `{"seq":%d}`, seq), 5*time.Second)
		if err != nil {
			t.Errorf("get %d: %v", seq, err)
			continue
		}
		var r struct {
			Message struct {
				Subject string `json:"subject"`
				Hdrs    []byte `json:"hdrs"`
				Data    []byte `json:"data"`
			} `json:"message"`
			Error *struct {
				ErrCode int `json:"err_code"`
			} `json:"error"`
		}
		if err := json.Unmarshal(resp.Data, &r); err != nil {
			t.Errorf("get %d: %v", seq, err)
		}
		if r.Error != nil {
			fmt.Fprintf(&out, "  %d: error %d\n", seq, r.Error.ErrCode)
			continue
		}
		fmt.Fprintf(&out, "  %d %s %q %q\n", seq, r.Message.Subject, r.Message.Hdrs, r.Message.Data)
	}
	return out.String()
}

// waitUntil polls cond until it holds or ctx ends (failing t).
func waitUntil(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Errorf("%s: not within the time allowed", what)
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}
