package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Consumer state survives kill -9 (issue 10): a durable consumer's delivered and ack floors and its
// pending acks are written within 100 ms of a change, so a daemon killed with SIGKILL a while after the
// last change comes back with the consumer exactly where it was: what was acknowledged never comes
// again, what was delivered and not acknowledged comes again after ack_wait with its delivery count
// raised, and what was never delivered follows. The pull and push tests run on nats-server too, so
// what they expect is the reference's behaviour.

// stateSettle is how long a test lets the daemon keep a consumer's last change before killing it:
// reactor writes state within 100 ms of a change; the rest is slack for a loaded machine. It is the
// test's input (the change must be older than the write delay), not a wait for something to happen.
const stateSettle = time.Second

// consumerCrashBinaries are the daemons the crash tests run on, by name: reactor, and nats-server when
// it is installed.
func consumerCrashBinaries(t *testing.T) map[string]string {
	bins := map[string]string{"reactor": reactorBinary(t)}
	if p := os.Getenv("NATS_SERVER_BIN"); p != "" {
		bins["nats-server"] = p
	} else if _, err := os.Stat(repoBin("nats-server")); err == nil {
		bins["nats-server"] = repoBin("nats-server")
	}
	return bins
}

// killAndRestart kills d with SIGKILL, starts j again on the same store and waits until stream and its
// consumer answer; it returns the new daemon, a client of it and the consumer (nil for a push consumer).
func killAndRestart(t *testing.T, j *jsDaemon, d *daemon, stream, consumer string) (*daemon, jetstream.JetStream, jetstream.Consumer) {
	t.Helper()
	d.kill(t, syscall.SIGKILL)
	d = j.start(t)
	_, js := jsClient(t, d)
	awaitStream(t, d, js, stream)
	return d, js, awaitConsumer(t, d, js, stream, consumer)
}

// awaitConsumer waits until CONSUMER.INFO for stream's consumer answers after a restart, and returns
// it as a pull consumer (nil for a push consumer).
func awaitConsumer(t *testing.T, d *daemon, js jetstream.JetStream, stream, name string) jetstream.Consumer {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		info, err := consumerInfo(js, stream, name)
		if err == nil {
			if info.Config.DeliverSubject != "" {
				return nil
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			c, err := js.Consumer(ctx, stream, name)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("consumer %s > %s never served after restart: %v\n%s", stream, name, err, d.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// consumerInfo asks CONSUMER.INFO directly, as for a pull or a push consumer alike.
func consumerInfo(js jetstream.JetStream, stream, name string) (*jetstream.ConsumerInfo, error) {
	reply, err := js.Conn().Request(fmt.Sprintf("$JS.API.CONSUMER.INFO.%s.%s", stream, name), nil, 5*time.Second)
	if err != nil {
		return nil, err
	}
	var resp struct {
		jetstream.ConsumerInfo
		Error *jetstream.APIError `json:"error"`
	}
	if err := json.Unmarshal(reply.Data, &resp); err != nil {
		return nil, fmt.Errorf("consumer info %q: %w", reply.Data, err)
	}
	if resp.Error != nil {
		return nil, resp.Error
	}
	return &resp.ConsumerInfo, nil
}

// consumerPlace is what a consumer's info says of where it is: the part that must survive a restart.
type consumerPlace struct {
	delivered, ackFloor [2]uint64 // consumer and stream sequence
	ackPending, pending uint64
}

func (p consumerPlace) String() string {
	return fmt.Sprintf("delivered %d/%d, ack floor %d/%d, ack pending %d, pending %d", p.delivered[0], p.delivered[1],
		p.ackFloor[0], p.ackFloor[1], p.ackPending, p.pending)
}

// placeOf asks for the consumer's info now.
func placeOf(t *testing.T, js jetstream.JetStream, stream, name string) consumerPlace {
	t.Helper()
	info, err := consumerInfo(js, stream, name)
	if err != nil {
		t.Fatalf("consumer %s > %s: %v", stream, name, err)
	}
	return consumerPlace{
		delivered:  [2]uint64{info.Delivered.Consumer, info.Delivered.Stream},
		ackFloor:   [2]uint64{info.AckFloor.Consumer, info.AckFloor.Stream},
		ackPending: uint64(info.NumAckPending), pending: info.NumPending,
	}
}

// delivery is one message as a consumer delivered it.
type delivery struct {
	streamSeq, consumerSeq, deliveries uint64
}

// fetchDeliveries fetches up to n messages, waiting at most wait, and acknowledges the first ack of them
// with a double ack (so that the daemon has taken each ack when it returns).
func fetchDeliveries(t *testing.T, c jetstream.Consumer, n, ack int, wait time.Duration) []delivery {
	t.Helper()
	batch, err := c.Fetch(n, jetstream.FetchMaxWait(wait))
	if err != nil {
		t.Fatalf("fetch %d: %v", n, err)
	}
	var got []delivery
	for m := range batch.Messages() {
		md, err := m.Metadata()
		if err != nil {
			t.Fatalf("metadata of %q: %v", m.Subject(), err)
		}
		got = append(got, delivery{md.Sequence.Stream, md.Sequence.Consumer, md.NumDelivered})
		if len(got) <= ack {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err := m.DoubleAck(ctx)
			cancel()
			if err != nil {
				t.Fatalf("ack of %d: %v", md.Sequence.Stream, err)
			}
		}
	}
	if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) {
		t.Fatalf("fetch %d: %v", n, err)
	}
	return got
}

// TestConsumerPullStateSurvivesKill9: a durable pull consumer with explicit acks has 5 messages acked
// and 3 delivered unacked; the daemon is killed with SIGKILL and restarted on the same store. The
// consumer's info is what it was; the next fetch resumes with message 9; 6 to 8 come again after
// ack_wait, each with delivery count 2; 1 to 5 never come again. Once all is acked, another kill -9
// keeps the consumer finished.
func TestConsumerPullStateSurvivesKill9(t *testing.T) {
	for name, bin := range consumerCrashBinaries(t) {
		t.Run(name, func(t *testing.T) {
			j := &jsDaemon{bin: bin, port: freePort(t), storeDir: t.TempDir()}
			d := j.start(t)
			_, js := jsClient(t, d)
			stream := createFileStream(t, js, "CPULL", "cpull.>")
			fillStream(t, js, "cpull.a", 20, 16)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			c, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "WORKER",
				// ack_wait runs on from each delivery through the restart (as on nats-server), so it
				// must outlast the second fetch, the settle, the kill and the restart together.
				AckPolicy: jetstream.AckExplicitPolicy, AckWait: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if got := fetchDeliveries(t, c, 5, 5, 5*time.Second); len(got) != 5 {
				t.Fatalf("first fetch: %v, want 5 messages", got)
			}
			if got := fetchDeliveries(t, c, 3, 0, 5*time.Second); len(got) != 3 || got[2].streamSeq != 8 {
				t.Fatalf("second fetch: %v, want messages 6 to 8", got)
			}
			before := placeOf(t, js, "CPULL", "WORKER")
			want := consumerPlace{delivered: [2]uint64{8, 8}, ackFloor: [2]uint64{5, 5}, ackPending: 3, pending: 12}
			if before != want {
				t.Fatalf("before the kill: %v, want %v", before, want)
			}
			time.Sleep(stateSettle)
			d, js, c = killAndRestart(t, j, d, "CPULL", "WORKER")
			if after := placeOf(t, js, "CPULL", "WORKER"); after != before {
				t.Fatalf("after kill -9: %v, want %v", after, before)
			}
			// The first fetch after the restart takes what was never delivered, from 9 on, at once: the
			// unacked ones are not due again before ack_wait.
			first := fetchDeliveries(t, c, 1, 1, 5*time.Second)
			if len(first) != 1 || first[0] != (delivery{9, 9, 1}) {
				t.Fatalf("first fetch after the restart: %+v, want stream 9, consumer 9, delivered once", first)
			}
			seen := map[uint64]delivery{9: first[0]}
			deadline := time.Now().Add(20 * time.Second)
			for len(seen) < 15 && time.Now().Before(deadline) {
				for _, m := range fetchDeliveries(t, c, 20, 20, time.Second) {
					if prev, again := seen[m.streamSeq]; again {
						t.Fatalf("message %d delivered again (%+v, then %+v) though acked", m.streamSeq, prev, m)
					}
					seen[m.streamSeq] = m
				}
			}
			for seq := uint64(1); seq <= 20; seq++ {
				m, ok := seen[seq]
				switch {
				case seq <= 5 && ok:
					t.Errorf("message %d, acked before the kill, delivered again: %+v", seq, m)
				case seq > 5 && !ok:
					t.Errorf("message %d never delivered after the restart", seq)
				case seq >= 6 && seq <= 8 && m.deliveries != 2:
					t.Errorf("message %d redelivered with delivery count %d, want 2", seq, m.deliveries)
				case seq > 8 && m.deliveries != 1:
					t.Errorf("message %d delivered with delivery count %d, want 1", seq, m.deliveries)
				case seq > 5 && m.consumerSeq <= 8:
					t.Errorf("message %d delivered as consumer sequence %d, not after the 8 before the kill", seq, m.consumerSeq)
				}
			}
			done := consumerPlace{delivered: [2]uint64{23, 20}, ackFloor: [2]uint64{23, 20}}
			if got := placeOf(t, js, "CPULL", "WORKER"); got != done {
				t.Fatalf("after acking everything: %v, want %v", got, done)
			}

			time.Sleep(stateSettle)
			d, js, c = killAndRestart(t, j, d, "CPULL", "WORKER")
			if got := placeOf(t, js, "CPULL", "WORKER"); got != done {
				t.Fatalf("after the second kill -9: %v, want %v", got, done)
			}
			if got := fetchDeliveries(t, c, 5, 5, 3*time.Second); len(got) != 0 {
				t.Fatalf("a finished consumer delivered %+v after the second kill", got)
			}
		})
	}
}

// pushLedger holds a push consumer's deliveries across daemon restarts: each message's last delivery
// count and which acks the daemon confirmed.
type pushLedger struct {
	deliveries map[uint64]uint64 // stream sequence → delivery count of its last delivery seen
	acked      map[uint64]bool   // confirmed by a double ack's reply
}

// receive takes one delivery: it must not be of an acknowledged message, and its delivery count must
// be above the last seen of it, across every kill. (Above, not one above: a delivery in flight when the
// group's members leave is lost to them and counted by the server, on nats-server too.)
func (l *pushLedger) receive(t *testing.T, m *nats.Msg) uint64 {
	t.Helper()
	md, err := m.Metadata()
	if err != nil {
		t.Fatalf("delivery on %s with reply %q: %v", m.Subject, m.Reply, err)
	}
	seq := md.Sequence.Stream
	if l.acked[seq] {
		t.Fatalf("message %d delivered again (delivery count %d) though its ack was confirmed", seq, md.NumDelivered)
	}
	if md.NumDelivered <= l.deliveries[seq] {
		t.Fatalf("message %d delivered with delivery count %d, after a delivery counted %d", seq, md.NumDelivered,
			l.deliveries[seq])
	}
	l.deliveries[seq] = md.NumDelivered
	return seq
}

// ack acknowledges m with a double ack and records it once the daemon confirmed it.
func (l *pushLedger) ack(t *testing.T, nc *nats.Conn, m *nats.Msg, seq uint64) {
	t.Helper()
	if _, err := nc.Request(m.Reply, []byte("+ACK"), 5*time.Second); err != nil {
		t.Fatalf("ack of %d: %v", seq, err)
	}
	l.acked[seq] = true
}

// deliverGroup subscribes two members of the deliver group G to subject, each on its own connection,
// and returns their common channel and the connections.
func deliverGroup(t *testing.T, d *daemon, subject string) (chan *nats.Msg, []*nats.Conn) {
	t.Helper()
	msgs := make(chan *nats.Msg, 1024)
	var conns []*nats.Conn
	for range 2 {
		nc, _ := jsClient(t, d)
		if _, err := nc.ChanQueueSubscribe(subject, "G", msgs); err != nil {
			t.Fatal(err)
		}
		if err := nc.Flush(); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, nc)
	}
	return msgs, conns
}

// TestConsumerPushGroupStateSurvivesKill9: a durable push consumer with a deliver group and explicit
// acks (max_ack_pending 4) is read by two group members through three kill -9 cycles; in each, the
// first two deliveries are acknowledged and the rest left, the members leave (so nothing more is
// delivered), and the daemon is killed once the state had time to be written. After each restart the
// consumer's info is what it was, and across all cycles no acknowledged message comes again and every
// redelivery counts more deliveries than the one before it. A last round acknowledges everything.
func TestConsumerPushGroupStateSurvivesKill9(t *testing.T) {
	const total, cycles = 30, 3
	for name, bin := range consumerCrashBinaries(t) {
		t.Run(name, func(t *testing.T) {
			j := &jsDaemon{bin: bin, port: freePort(t), storeDir: t.TempDir()}
			d := j.start(t)
			_, js := jsClient(t, d)
			createFileStream(t, js, "CPUSH", "cpush.>")
			fillStream(t, js, "cpush.a", total, 16)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			if _, err := js.CreateOrUpdatePushConsumer(ctx, "CPUSH", jetstream.ConsumerConfig{Durable: "PUSHER",
				DeliverSubject: "deliver.cpush", DeliverGroup: "G", AckPolicy: jetstream.AckExplicitPolicy,
				AckWait: 2 * time.Second, MaxAckPending: 4}); err != nil {
				t.Fatal(err)
			}
			ledger := &pushLedger{deliveries: map[uint64]uint64{}, acked: map[uint64]bool{}}
			for cycle := range cycles {
				msgs, conns := deliverGroup(t, d, "deliver.cpush")
				for got := 0; got < 4; got++ {
					select {
					case m := <-msgs:
						if seq := ledger.receive(t, m); got < 2 {
							ledger.ack(t, conns[0], m, seq)
						}
					case <-time.After(15 * time.Second):
						t.Fatalf("cycle %d: %d deliveries in 15s, want 4\n%s", cycle, got, d.logs)
					}
				}
				for _, nc := range conns {
					nc.Close()
				}
				// What came in after the fourth is judged too: delivered, so owed again after the kill.
				for drained := false; !drained; {
					select {
					case m := <-msgs:
						ledger.receive(t, m)
					default:
						drained = true
					}
				}
				time.Sleep(stateSettle)
				before := placeOf(t, js, "CPUSH", "PUSHER")
				d, js, _ = killAndRestart(t, j, d, "CPUSH", "PUSHER")
				if after := placeOf(t, js, "CPUSH", "PUSHER"); after != before {
					t.Fatalf("cycle %d: after kill -9: %v, want %v", cycle, after, before)
				}
				t.Logf("cycle %d: %v", cycle, before)
			}
			msgs, conns := deliverGroup(t, d, "deliver.cpush")
			deadline := time.After(30 * time.Second)
			for len(ledger.acked) < total {
				select {
				case m := <-msgs:
					ledger.ack(t, conns[0], m, ledger.receive(t, m))
				case <-deadline:
					t.Fatalf("%d of %d messages acknowledged after 30s\n%s", len(ledger.acked), total, d.logs)
				}
			}
			if got := placeOf(t, js, "CPUSH", "PUSHER"); got.ackFloor[1] != total || got.ackPending != 0 || got.pending != 0 {
				t.Fatalf("after acknowledging everything: %v", got)
			}
		})
	}
}

// consumerStateFile is the state file reactor keeps for stream's consumer under the store directory.
func consumerStateFile(t *testing.T, storeDir, stream, consumer string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(storeDir, "jetstream", "*", "streams", stream, "obs", consumer, "state.json"))
	if len(files) != 1 {
		_, everything := listSegments(storeDir, stream)
		t.Fatalf("state files of %s > %s: %q; the stream's files: %q", stream, consumer, files, everything)
	}
	return files[0]
}

// TestConsumerDamagedStateFile: of three durable consumers on one file stream, each having acked 4 of
// 10 messages, one has its state.json cut in half (a torn write) and one has bytes flipped in it
// (corruption); the daemon restarts on that store. It starts, serves the stream whole and takes
// publishes, and the intact consumer is where it was. A consumer whose state fails its checksum is lost:
// reactor logs an error naming its directory and does not recover it (CONSUMER.INFO says consumer not
// found, the stream counts one consumer), and a durable created again under its name starts afresh from
// the first message. Its place is not guessed at: redelivering from the start is at-least-once, while
// inventing an ack floor could skip messages.
func TestConsumerDamagedStateFile(t *testing.T) {
	j := newJSDaemon(t)
	d := j.start(t)
	_, js := jsClient(t, d)
	stream := createFileStream(t, js, "CDAMAGE", "cdamage.>")
	want := fillStream(t, js, "cdamage.a", 10, 16)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	config := func(name string) jetstream.ConsumerConfig {
		return jetstream.ConsumerConfig{Durable: name, AckPolicy: jetstream.AckExplicitPolicy, AckWait: 2 * time.Second}
	}
	places := map[string]consumerPlace{}
	for _, name := range []string{"INTACT", "TORN", "FLIPPED"} {
		c, err := stream.CreateOrUpdateConsumer(ctx, config(name))
		if err != nil {
			t.Fatal(err)
		}
		if got := fetchDeliveries(t, c, 4, 4, 5*time.Second); len(got) != 4 {
			t.Fatalf("%s fetched %+v, want 4 messages", name, got)
		}
		places[name] = placeOf(t, js, "CDAMAGE", name)
	}
	d.kill(t, syscall.SIGTERM)

	torn := consumerStateFile(t, j.storeDir, "CDAMAGE", "TORN")
	data, err := os.ReadFile(torn)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(torn, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	flipped := consumerStateFile(t, j.storeDir, "CDAMAGE", "FLIPPED")
	if data, err = os.ReadFile(flipped); err != nil {
		t.Fatal(err)
	}
	for i := len(data) / 3; i < len(data)/3+4; i++ {
		data[i] ^= 0x5a
	}
	if err := os.WriteFile(flipped, data, 0o644); err != nil {
		t.Fatal(err)
	}

	d = j.start(t)
	_, js = jsClient(t, d)
	stream = awaitStream(t, d, js, "CDAMAGE")
	checkStored(t, stream, want)
	awaitConsumer(t, d, js, "CDAMAGE", "INTACT")
	if got := placeOf(t, js, "CDAMAGE", "INTACT"); got != places["INTACT"] {
		t.Errorf("intact consumer after restart: %v, want %v", got, places["INTACT"])
	}
	for name, file := range map[string]string{"TORN": torn, "FLIPPED": flipped} {
		_, err := consumerInfo(js, "CDAMAGE", name)
		var apiErr *jetstream.APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode != jetstream.JSErrCodeConsumerNotFound {
			t.Errorf("%s after its state was damaged: %v, want consumer not found", name, err)
		}
		if !warnedAbout(d.logs.String(), filepath.Dir(file)) {
			t.Errorf("no error naming %s in the log:\n%s", filepath.Dir(file), d.logs)
		}
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	info, err := stream.Info(ctx2)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Consumers != 1 {
		t.Errorf("stream counts %d consumers after restart, want the 1 intact", info.State.Consumers)
	}
	c, err := stream.CreateOrUpdateConsumer(ctx2, config("TORN"))
	if err != nil {
		t.Fatalf("creating TORN again: %v", err)
	}
	if got := fetchDeliveries(t, c, 1, 1, 5*time.Second); len(got) != 1 || got[0] != (delivery{1, 1, 1}) {
		t.Errorf("TORN created again first delivered %+v, want message 1 afresh", got)
	}
	publishAfterRestart(t, js, "cdamage.b", uint64(len(want)))
}
