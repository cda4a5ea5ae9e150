package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Nothing acknowledged is lost (issue 9): the daemon is killed with SIGKILL while clients publish and
// collect acks, restarted on the same store, and every acknowledged message must be there with its
// sequence and payload. Its files are then damaged on purpose: a torn tail and a corrupt middle are
// survived, reported, and what is intact is served.

const (
	crashStream     = "CRASH"
	crashPublishers = 4
	crashRounds     = 3
	// Each publisher keeps up to crashWindow acks outstanding and publishes crashBurst messages every
	// crashPace: a few thousand messages a second each, so that a round stores thousands of messages, not
	// hundreds of thousands, and reading them all back stays quick.
	crashWindow = 64
	crashBurst  = 10
	crashPace   = 2 * time.Millisecond
)

// ackLog is every ack the publishers received, by sequence.
type ackLog struct {
	mu    sync.Mutex
	bySeq map[uint64]storedMsg
	errs  []string // acks that contradict each other
}

func (l *ackLog) record(msg *nats.Msg, ack *jetstream.PubAck) {
	l.mu.Lock()
	defer l.mu.Unlock()
	got := storedMsg{msg.Subject, string(msg.Data)}
	switch {
	case ack.Stream != crashStream || ack.Duplicate:
		l.errs = append(l.errs, fmt.Sprintf("ack %+v for %q", *ack, got.data[:min(len(got.data), 24)]))
	case l.bySeq[ack.Sequence] != storedMsg{}:
		l.errs = append(l.errs, fmt.Sprintf("sequence %d acked for %q and for %q", ack.Sequence, l.bySeq[ack.Sequence].data, got.data))
	default:
		l.bySeq[ack.Sequence] = got
	}
}

// snapshot is a copy of the acks so far and how many there are.
func (l *ackLog) snapshot() (map[uint64]storedMsg, []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	acks := make(map[uint64]storedMsg, len(l.bySeq))
	for seq, m := range l.bySeq {
		acks[seq] = m
	}
	return acks, append([]string(nil), l.errs...)
}

// crashPayload is a message that names itself (round, publisher, count) and is padded to a size that
// varies from message to message, so records of many sizes are torn by the kill.
func crashPayload(rng *rand.Rand, round, pub, n int) []byte {
	id := fmt.Sprintf("r%d-p%d-n%d;", round, pub, n)
	pad := bytes.Repeat([]byte{byte('a' + n%26)}, rng.IntN(400))
	return append([]byte(id), pad...)
}

// payloadID is the name crashPayload gave a message.
func payloadID(data string) string {
	id, _, _ := strings.Cut(data, ";")
	return id
}

// publishUntilClosed publishes with PublishAsync on its own connection, crashBurst messages every
// crashPace, until the connection closes (the daemon was killed) or stop is closed.
func publishUntilClosed(t *testing.T, d *daemon, acks *ackLog, seed uint64, round, pub int, stop <-chan struct{}) {
	nc, js := jsClient(t, d, jetstream.WithPublishAsyncMaxPending(crashWindow),
		jetstream.WithPublishAsyncAckHandler(func(_ jetstream.JetStream, msg *nats.Msg, ack *jetstream.PubAck) {
			acks.record(msg, ack)
		}))
	rng := rand.New(rand.NewPCG(seed, uint64(round*100+pub)))
	subject := fmt.Sprintf("crash.%d", pub)
	for n := 0; ; n++ {
		select {
		case <-stop:
			return
		default:
		}
		// Errors are expected once the daemon is gone: a closed connection, or a full window that no ack
		// will drain (nats.go gives up on it after its stall wait).
		if _, err := js.PublishAsync(subject, crashPayload(rng, round, pub, n)); err != nil && nc.IsClosed() {
			return
		}
		if n%crashBurst == crashBurst-1 {
			time.Sleep(crashPace) // pacing, not synchronisation
		}
	}
}

// checkAcked reads the stream back from sequence from and holds it to the acks: every acked sequence
// from there on is present with the subject and payload acked for it, and no message is stored twice. It
// returns the stream's last sequence.
func checkAcked(t *testing.T, stream jetstream.Stream, acks map[uint64]storedMsg, from uint64) uint64 {
	t.Helper()
	state := streamState(t, stream)
	var lastAcked uint64
	for seq := range acks {
		lastAcked = max(lastAcked, seq)
	}
	if state.LastSeq < lastAcked {
		t.Fatalf("stream's last sequence %d is below the last acked, %d", state.LastSeq, lastAcked)
	}
	found, _ := readStream(t, stream, from, state.LastSeq)
	lost := 0
	for seq, want := range acks {
		if seq < from {
			continue
		}
		got, ok := found[seq]
		if ok && got == want {
			continue
		}
		if lost++; lost > 5 {
			continue
		}
		if !ok {
			t.Errorf("acked sequence %d (%s on %s) is not in the stream", seq, payloadID(want.data), want.subject)
		} else {
			t.Errorf("acked sequence %d (%s on %s, %d B) holds %s on %s, %d B", seq, payloadID(want.data), want.subject,
				len(want.data), payloadID(got.data), got.subject, len(got.data))
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d acknowledged messages lost or changed", lost, len(acks))
	}
	at := make(map[string]uint64, len(found))
	for seq, m := range found {
		id := payloadID(m.data)
		if other, dup := at[id]; dup {
			t.Fatalf("message %s stored twice, at %d and %d", id, other, seq)
		}
		at[id] = seq
	}
	return state.LastSeq
}

// TestJetStreamKill9LosesNothingAcked: several publishers publish asynchronously into a file stream and
// record every ack; after a random short time the daemon is killed with SIGKILL, restarted on the same
// store and port, and the stream must hold every acknowledged message at its acked sequence with its
// payload, nothing twice, and keep accepting publishes. Three rounds, each on the store the last left;
// each restart checks what its round stored, and the last checks the whole stream again.
func TestJetStreamKill9LosesNothingAcked(t *testing.T) {
	j := newJSDaemon(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	acks := &ackLog{bySeq: map[uint64]storedMsg{}}

	d := j.start(t)
	_, js := jsClient(t, d)
	createFileStream(t, js, crashStream, "crash.>")
	var last uint64 // the stream's last sequence at the end of the previous round
	for round := range crashRounds {
		before := len(acks.bySeq)
		stop := make(chan struct{})
		var publishers sync.WaitGroup
		for pub := range crashPublishers {
			publishers.Go(func() { publishUntilClosed(t, d, acks, seed, round, pub, stop) })
		}
		time.Sleep(time.Duration(300+rng.IntN(700)) * time.Millisecond) // how long to publish: the test's input, not a wait
		d.kill(t, syscall.SIGKILL)
		close(stop)
		publishers.Wait()

		snapshot, errs := acks.snapshot()
		if len(errs) > 0 {
			t.Fatalf("round %d: contradictory acks: %q", round, errs)
		}
		if len(snapshot) == before {
			t.Fatalf("round %d: no publish acknowledged before the kill\n%s", round, d.logs)
		}
		d = j.start(t)
		_, js = jsClient(t, d)
		stream := awaitStream(t, d, js, crashStream)
		last = checkAcked(t, stream, snapshot, last+1)
		t.Logf("round %d: %d acks in all, stream's last sequence %d", round, len(snapshot), last)
		if round == crashRounds-1 {
			checkAcked(t, stream, snapshot, 1)
			publishAfterRestart(t, js, "crash.after", last)
		}
	}
}

// fillStream publishes count messages of size bytes into subject, each saying its sequence, and waits
// for every ack; it returns the payloads by sequence.
func fillStream(t *testing.T, js jetstream.JetStream, subject string, count, size int) map[uint64]storedMsg {
	t.Helper()
	want := make(map[uint64]storedMsg, count)
	futures := make([]jetstream.PubAckFuture, 0, count)
	for i := range count {
		data := fmt.Sprintf("m%d;%s", i+1, strings.Repeat("x", max(size-12, 0)))
		f, err := js.PublishAsync(subject, []byte(data))
		if err != nil {
			t.Fatalf("publish %d: %v", i+1, err)
		}
		futures = append(futures, f)
	}
	for i, f := range futures {
		select {
		case ack := <-f.Ok():
			want[ack.Sequence] = storedMsg{subject, string(f.Msg().Data)}
		case err := <-f.Err():
			t.Fatalf("publish %d: %v", i+1, err)
		case <-time.After(10 * time.Second):
			t.Fatalf("publish %d: no ack", i+1)
		}
	}
	return want
}

// TestJetStreamTornTailTruncated: garbage appended to the newest segment, as a write cut short by a crash
// would leave, is reported at start and the stream serves every message and takes new ones.
func TestJetStreamTornTailTruncated(t *testing.T) {
	j := newJSDaemon(t)
	d := j.start(t)
	_, js := jsClient(t, d)
	createFileStream(t, js, "TORN", "torn")
	want := fillStream(t, js, "torn", 2000, 100)
	d.kill(t, syscall.SIGTERM)

	segments := segmentFiles(t, j.storeDir, "TORN")
	newest := segments[len(segments)-1]
	f, err := os.OpenFile(newest, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The start of a record that never finished: a few bytes of what could be a length, then noise.
	if _, err := f.Write([]byte("\x00\x00\x01\x00torn-record-that-never-finished")); err != nil {
		t.Fatal(err)
	}
	f.Close()

	d = j.start(t)
	_, js = jsClient(t, d)
	stream := awaitStream(t, d, js, "TORN")
	if state := streamState(t, stream); state.Msgs != uint64(len(want)) || state.LastSeq != uint64(len(want)) {
		t.Fatalf("after restart: %d messages, last sequence %d; want %d", state.Msgs, state.LastSeq, len(want))
	}
	last := checkStored(t, stream, want)
	if !warnedAbout(d.logs.String(), newest) {
		t.Errorf("no warning naming %s in the log:\n%s", newest, d.logs)
	}
	publishAfterRestart(t, js, "torn", last)

	// The torn bytes were cut off, not left for the new message to follow: after another stop and start,
	// it loads too.
	want[last+1] = storedMsg{"torn", "after restart"}
	d.kill(t, syscall.SIGTERM)
	d = j.start(t)
	_, js = jsClient(t, d)
	checkStored(t, awaitStream(t, d, js, "TORN"), want)
}

// checkStored requires every message of want at its sequence, with nothing missing, and returns the last
// sequence.
func checkStored(t *testing.T, stream jetstream.Stream, want map[uint64]storedMsg) uint64 {
	t.Helper()
	found, missing := readStream(t, stream, 1, uint64(len(want)))
	if len(missing) > 0 {
		t.Fatalf("%d messages missing, the first %d", len(missing), missing[0])
	}
	for seq, m := range want {
		if found[seq] != m {
			t.Fatalf("message %d: %q on %q, want %q on %q", seq, payloadID(found[seq].data), found[seq].subject, payloadID(m.data), m.subject)
		}
	}
	return uint64(len(want))
}

// TestJetStreamCorruptMiddleSegmentServed: bytes flipped in the middle of an earlier segment are
// reported with the file, the daemon starts and serves the stream, every message it serves is the one
// stored at that sequence, and the other segments' messages (the first and the last included) load.
func TestJetStreamCorruptMiddleSegmentServed(t *testing.T) {
	j := newJSDaemon(t)
	d := j.start(t)
	_, js := jsClient(t, d)
	createFileStream(t, js, "MIDDLE", "middle")
	// Enough messages for three segments at least: fill in batches until the store has rolled twice.
	const batch, size, maxBytes = 8192, 1024, 96 << 20
	want := map[uint64]storedMsg{}
	for {
		segments, everything := listSegments(j.storeDir, "MIDDLE")
		if len(segments) >= 3 {
			break
		}
		if len(want)*size >= maxBytes {
			t.Fatalf("%d MiB stored in fewer than 3 segments: %q", maxBytes>>20, everything)
		}
		for seq, m := range fillStream(t, js, "middle", batch, size) {
			want[seq] = m
		}
	}
	d.kill(t, syscall.SIGTERM)

	segments := segmentFiles(t, j.storeDir, "MIDDLE")
	damaged := segments[len(segments)/2]
	data, err := os.ReadFile(damaged)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(data) / 2; i < len(data)/2+64 && i < len(data); i++ {
		data[i] ^= 0xff
	}
	if err := os.WriteFile(damaged, data, 0o644); err != nil {
		t.Fatal(err)
	}

	d = j.start(t)
	_, js = jsClient(t, d)
	stream := awaitStream(t, d, js, "MIDDLE")
	found, missing := readStream(t, stream, 1, uint64(len(want)))
	// Reported at start, or when the damaged records were read.
	if !warnedAbout(d.logs.String(), damaged) {
		t.Errorf("no warning naming %s in the log:\n%s", damaged, d.logs)
	}
	for seq, m := range found {
		if want[seq] != m {
			t.Fatalf("message %d served as %q, stored as %q", seq, payloadID(m.data), payloadID(want[seq].data))
		}
	}
	if _, ok := found[1]; !ok {
		t.Errorf("the first message, in the first segment, is not served")
	}
	if _, ok := found[uint64(len(want))]; !ok {
		t.Errorf("the last message, in the last segment, is not served")
	}
	// What is lost lies in the damaged segment: at most its share of the messages.
	if perSegment := len(want)/(len(segments)-1) + 1; len(missing) > perSegment {
		t.Errorf("%d messages missing, more than one segment holds (about %d)", len(missing), perSegment)
	}
	t.Logf("%d messages in %d segments; %d lost to the damage in %s", len(want), len(segments), len(missing), damaged)
	publishAfterRestart(t, js, "middle", uint64(len(want)))
}
