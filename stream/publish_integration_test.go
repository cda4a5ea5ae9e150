package stream_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/reactor-nats/reactor/internal/testref"
	"github.com/reactor-nats/reactor/reactor"
)

// runJetStream starts reactor in-process with JetStream on an ephemeral loopback port and returns a
// nats.go JetStream context on it.
func runJetStream(t *testing.T) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	_, nc, js := runJetStreamAt(t, t.TempDir())
	return nc, js
}

// runJetStreamAt is runJetStream storing in dir, returning the server too (for a restart on dir).
func runJetStreamAt(t *testing.T, dir string) (*reactor.Server, *nats.Conn, jetstream.JetStream) {
	t.Helper()
	s, err := reactor.New(reactor.Options{Host: "127.0.0.1", EventLoops: 2,
		JetStream: &reactor.JetStreamOptions{StoreDir: dir}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Shutdown)
	nc, js := connectJetStream(t, s.Addr())
	return s, nc, js
}

// connectJetStream connects nats.go to the server at addr (host:port) and returns a JetStream context on
// it; both close when t ends.
func connectJetStream(t *testing.T, addr string) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect("nats://"+addr, nats.Timeout(5*time.Second))
	if err != nil {
		t.Fatalf("connect %s: %v", addr, err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return nc, js
}

// referenceJetStream starts the reference nats-server with JetStream on a fresh store and connects to it.
func referenceJetStream(t *testing.T) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	return connectJetStream(t, testref.StartNatsServer(t, "-js", "-sd", t.TempDir()))
}

// wantAPIError checks err is the JetStream error errCode with nats-server's description.
func wantAPIError(t *testing.T, what string, err error, errCode jetstream.ErrorCode, desc string) {
	t.Helper()
	var apiErr *jetstream.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("%s: %v, want API error %d", what, err, errCode)
	}
	if apiErr.ErrorCode != errCode || apiErr.Description != desc {
		t.Fatalf("%s: error %d %q, want %d %q", what, apiErr.ErrorCode, apiErr.Description, errCode, desc)
	}
}

func TestPublishEndToEnd(t *testing.T) {
	nc, js := runJetStream(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, storage := range []jetstream.StorageType{jetstream.FileStorage, jetstream.MemoryStorage} {
		name := "P" + storage.String()
		st, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: name, Subjects: []string{name + ".>"},
			Storage: storage, AllowRollup: true})
		if err != nil {
			t.Fatal(err)
		}
		subj := name + ".a"

		ack, err := js.Publish(ctx, subj, []byte("1"))
		if err != nil || ack.Stream != name || ack.Sequence != 1 || ack.Duplicate {
			t.Fatalf("%s: first publish %+v, %v", name, ack, err)
		}
		if ack, err = js.Publish(ctx, subj, []byte("2"), jetstream.WithMsgID("m")); err != nil || ack.Sequence != 2 {
			t.Fatalf("%s: with an id %+v, %v", name, ack, err)
		}
		if ack, err = js.Publish(ctx, subj, []byte("2"), jetstream.WithMsgID("m")); err != nil || ack.Sequence != 2 || !ack.Duplicate {
			t.Fatalf("%s: duplicate %+v, %v", name, ack, err)
		}
		_, err = js.Publish(ctx, subj, nil, jetstream.WithExpectStream("other"))
		wantAPIError(t, "expected stream", err, 10060, "expected stream does not match")
		_, err = js.Publish(ctx, subj, nil, jetstream.WithExpectLastSequence(1))
		wantAPIError(t, "expected last sequence", err, 10071, "wrong last sequence: 2")
		_, err = js.Publish(ctx, subj, nil, jetstream.WithExpectLastSequencePerSubject(1))
		wantAPIError(t, "expected last subject sequence", err, 10071, "wrong last sequence: 2")
		_, err = js.Publish(ctx, subj, nil, jetstream.WithExpectLastMsgID("n"))
		wantAPIError(t, "expected last msg id", err, 10070, "wrong last msg ID: m")
		if ack, err = js.Publish(ctx, subj, []byte("3"), jetstream.WithExpectLastSequence(2),
			jetstream.WithExpectLastMsgID("m"), jetstream.WithExpectStream(name)); err != nil || ack.Sequence != 3 {
			t.Fatalf("%s: every expectation met %+v, %v", name, ack, err)
		}

		if _, err = js.Publish(ctx, name+".b", []byte("b")); err != nil {
			t.Fatal(err)
		}
		m := nats.NewMsg(subj)
		m.Header.Set("Nats-Rollup", "sub")
		if ack, err = js.PublishMsg(ctx, m); err != nil || ack.Sequence != 5 {
			t.Fatalf("%s: rollup %+v, %v", name, ack, err)
		}
		info, err := st.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s := info.State; s.Msgs != 2 || s.FirstSeq != 4 || s.LastSeq != 5 {
			t.Fatalf("%s: after the rollup %d messages %d..%d, want 2 messages 4..5", name, s.Msgs, s.FirstSeq, s.LastSeq)
		}

		// A core publish with a reply gets the pub-ack as nats-server writes it.
		resp, err := nc.Request(name+".c", []byte("c"), 5*time.Second)
		if err != nil || string(resp.Data) != `{"stream":"`+name+`","seq":6}` {
			t.Fatalf("%s: raw pub-ack %q, %v", name, resp.Data, err)
		}
	}
}

func TestPublishRollupRefusedWhereNotAllowed(t *testing.T) {
	_, js := runJetStream(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "NR", Subjects: []string{"nr"}}); err != nil {
		t.Fatal(err)
	}
	m := nats.NewMsg("nr")
	m.Header.Set("Nats-Rollup", "all")
	_, err := js.PublishMsg(ctx, m)
	wantAPIError(t, "rollup", err, 10111, "rollup not permitted")
}
