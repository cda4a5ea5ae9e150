package stream_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/reactor-nats/reactor/reactor"
)

// A stuck push consumer does not slow any other (issue 10): a consumer is state, never a goroutine,
// and its deliveries are handed to the server, which queues them on the subscriber's connection; a
// subscriber that stops reading fills its own outbound queue and is cut off as a slow consumer, while
// every other consumer, on the same stream and on another, goes on.

// stuckSubscriber subscribes a raw client to subject and then never reads its socket again, so the
// server's output to it piles up. Its receive buffer is made small so that the kernel takes little.
func stuckSubscriber(t *testing.T, addr, subject string) net.Conn {
	t.Helper()
	// The buffer is set before connecting: shrunk after the handshake, Linux prunes what the window had
	// promised and the sender's retransmissions back off for longer than the test waits.
	dialer := net.Dialer{Timeout: 5 * time.Second, Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		if err := rc.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		}); err != nil {
			return err
		}
		return serr
	}}
	conn, err := dialer.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	if line, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(line, "INFO ") {
		t.Fatalf("greeting %q: %v", line, err)
	}
	if _, err := fmt.Fprintf(conn, "CONNECT {\"verbose\":false,\"pedantic\":false}\r\nSUB %s 1\r\nPING\r\n", subject); err != nil {
		t.Fatal(err)
	}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("subscribing the stuck client: %v", err)
		}
		if line == "PONG\r\n" {
			break
		}
	}
	_ = conn.SetDeadline(time.Time{})
	return conn
}

// seenSeqs counts the distinct stream sequences a consumer delivered.
type seenSeqs struct {
	mu   sync.Mutex
	seqs map[uint64]bool
}

func (s *seenSeqs) add(m jetstream.Msg) {
	md, err := m.Metadata()
	if err != nil {
		return
	}
	_ = m.Ack()
	s.mu.Lock()
	s.seqs[md.Sequence.Stream] = true
	s.mu.Unlock()
}

func (s *seenSeqs) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.seqs)
}

// TestStuckPushConsumerSlowsNoOther: on a stream of 3,000 messages of 4 KiB (12 MiB), a push consumer
// with acks none and no flow control delivers to a raw client that never reads (max_pending 2 MiB).
// A pull and a push consumer on the same stream and a pull and a push consumer on another stream, all
// through nats.go, must each receive every message of their stream, published while the stuck client
// sits there; the stuck client must then be cut off as a slow consumer, as nats-server cuts one off
// past max_pending, and the others are untouched by that. Progress is asserted, never speed: the
// deadline is generous.
func TestStuckPushConsumerSlowsNoOther(t *testing.T) {
	const bigMsgs, otherMsgs, size = 3000, 1000, 4096
	s, err := reactor.New(reactor.Options{Host: "127.0.0.1", EventLoops: 2, MaxPending: 2 << 20,
		JetStream: &reactor.JetStreamOptions{StoreDir: t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Shutdown)
	_, js := connectJetStream(t, s.Addr())
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for name, subjects := range map[string]string{"BIG": "big.>", "OTHER": "other.>"} {
		if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: name, Subjects: []string{subjects}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := js.CreatePushConsumer(ctx, "BIG", jetstream.ConsumerConfig{Durable: "STUCK",
		DeliverSubject: "deliver.stuck", AckPolicy: jetstream.AckNonePolicy}); err != nil {
		t.Fatal(err)
	}
	stuck := stuckSubscriber(t, s.Addr(), "deliver.stuck")

	// The healthy consumers, each on its own connection, counting what they were given.
	seen := map[string]*seenSeqs{}
	want := map[string]int{}
	for _, streamName := range []string{"BIG", "OTHER"} {
		total := bigMsgs
		if streamName == "OTHER" {
			total = otherMsgs
		}
		pullName, pushName := streamName+"-PULL", streamName+"-PUSH"
		seen[pullName], seen[pushName] = &seenSeqs{seqs: map[uint64]bool{}}, &seenSeqs{seqs: map[uint64]bool{}}
		want[pullName], want[pushName] = total, total

		_, pullJS := connectJetStream(t, s.Addr())
		pull, err := pullJS.CreateOrUpdateConsumer(ctx, streamName, jetstream.ConsumerConfig{Durable: "PULL",
			AckPolicy: jetstream.AckExplicitPolicy})
		if err != nil {
			t.Fatal(err)
		}
		pullCtx, err := pull.Consume(seen[pullName].add, jetstream.PullMaxMessages(100))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pullCtx.Stop)

		_, pushJS := connectJetStream(t, s.Addr())
		push, err := pushJS.CreatePushConsumer(ctx, streamName, jetstream.ConsumerConfig{Durable: "PUSH",
			DeliverSubject: "deliver." + strings.ToLower(streamName), AckPolicy: jetstream.AckExplicitPolicy})
		if err != nil {
			t.Fatal(err)
		}
		pushCtx, err := push.Consume(seen[pushName].add)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pushCtx.Stop)
	}

	_, pubJS := connectJetStream(t, s.Addr())
	payload := []byte(strings.Repeat("s", size))
	for i := range bigMsgs {
		if _, err := pubJS.PublishAsync("big.x", payload); err != nil {
			t.Fatal(err)
		}
		if i < otherMsgs {
			if _, err := pubJS.PublishAsync("other.x", payload[:64]); err != nil {
				t.Fatal(err)
			}
		}
	}
	select {
	case <-pubJS.PublishAsyncComplete():
	case <-ctx.Done():
		t.Fatal("publishes not all acknowledged")
	}

	waitAllSeen(t, s, seen, want)
	// The stuck client was, or is soon, cut off: reading its socket now yields what the kernel held, then
	// the end. A client still connected would be given more and more, and the read would not end.
	_ = stuck.SetReadDeadline(time.Now().Add(30 * time.Second))
	read, err := io.Copy(io.Discard, stuck)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("the stuck client is still connected 30s on (%d bytes read)", read)
	}
	if read >= int64(bigMsgs*size) {
		t.Errorf("the stuck client was given all %d bytes before it was cut off", read)
	}
	if got := s.Stats().SlowConsumers; got < 1 {
		t.Errorf("slow consumers: %d, want the stuck client counted", got)
	}
	t.Logf("the stuck client had %d bytes in its socket when cut off", read)

	// After the cut, the others still receive: one more message on each stream reaches all four.
	for _, subject := range []string{"big.after", "other.after"} {
		if _, err := pubJS.Publish(ctx, subject, []byte("after the cut")); err != nil {
			t.Fatal(err)
		}
	}
	for name := range want {
		want[name]++
	}
	waitAllSeen(t, s, seen, want)
}

// waitAllSeen waits, a generous minute, until every consumer of seen has received its want of messages.
func waitAllSeen(t *testing.T, s *reactor.Server, seen map[string]*seenSeqs, want map[string]int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var behind []string
		for name, got := range seen {
			if n := got.count(); n < want[name] {
				behind = append(behind, fmt.Sprintf("%s %d/%d", name, n, want[name]))
			}
		}
		if len(behind) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("consumers still behind after 60s: %v (slow consumers cut off: %d)", behind, s.Stats().SlowConsumers)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
