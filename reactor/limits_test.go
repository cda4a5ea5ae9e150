package reactor

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// limitArg is a SUB argument of exactly n bytes.
func limitArg(n int) string { return "a " + strings.Repeat("1", n-2) }

// limitCases run against a server with max_payload 1024 and max_control_line 256.
var limitCases = []wireCase{
	{"SUB argument at the limit", quiet + "SUB " + limitArg(256) + "\r\n", "", false},
	{"SUB argument over the limit", quiet + "SUB " + limitArg(257) + "\r\n", "-ERR 'maximum control line exceeded'\r\n", true},
	{"over the limit before the line ends", quiet + "SUB " + limitArg(257), "-ERR 'maximum control line exceeded'\r\n", true},
	{"trailing blank counts", quiet + "SUB " + limitArg(256) + " \r\n", "-ERR 'maximum control line exceeded'\r\n", true},
	{"blanks before the argument do not count", quiet + "SUB          " + limitArg(256) + "\r\n", "", false},
	{"CONNECT is limited too", "CONNECT {\"name\":\"" + strings.Repeat("x", 300) + "\"}\r\n", "-ERR 'maximum control line exceeded'\r\n", true},
	{"PING ignores what follows", quiet + "PING" + strings.Repeat("x", 400) + "\r\n", "PONG\r\n", false},
	{"payload at the limit", quiet + "SUB foo 1\r\nPUB foo 1024\r\n" + strings.Repeat("x", 1024) + "\r\n",
		"MSG foo 1 1024\r\n" + strings.Repeat("x", 1024) + "\r\n", false},
	{"payload over the limit, refused from the control line", quiet + "PUB foo 1025\r\n", "-ERR 'Maximum Payload Violation'\r\n", true},
	{"HPUB over the limit", "CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":true}\r\nHPUB foo 12 1025\r\n",
		"-ERR 'Maximum Payload Violation'\r\n", true},
}

func TestControlLineAndPayloadLimits(t *testing.T) {
	s := runServer(t, Options{MaxPayload: 1024, MaxControlLine: 256})
	by := newBystander(t, s)
	for _, tc := range limitCases {
		t.Run(tc.name, func(t *testing.T) {
			runWireCase(t, s.Addr(), tc, func(rc *rawConn) { rc.send(tc.send) })
			by.check(t)
		})
	}
}

func TestMaxSubscriptionsRefusesOnlyTheExtraSubscription(t *testing.T) {
	s := runServer(t, Options{MaxSubscriptions: 2})
	rc, _ := dialRaw(t, s)
	rc.send(quiet + "SUB a 1\r\nSUB b 2\r\nSUB c 3\r\nSUB b 2\r\nPUB a 1\r\ny\r\n")
	if got := rc.ping(); strings.Join(got, "|") != "-ERR 'maximum subscriptions exceeded'|-ERR 'maximum subscriptions exceeded'|MSG a 1 1|y" {
		t.Fatalf("got %q", got)
	}
	rc.send("UNSUB 1\r\nSUB c 3\r\nPUB c 1\r\nx\r\n") // a freed slot can be used again
	if got := rc.ping(); strings.Join(got, "|") != "MSG c 3 1|x" {
		t.Fatalf("after UNSUB got %q", got)
	}
}

func TestMaxConnectionsRefusesWithInfoThenErr(t *testing.T) {
	s := runServer(t, Options{MaxConnections: 2})
	first, _ := dialRaw(t, s)
	dialRaw(t, s)
	third, info := dialRaw(t, s)
	if !strings.HasPrefix(info, "INFO {") {
		t.Fatalf("refused connection first got %q", info)
	}
	third.expect("-ERR 'maximum connections exceeded'")
	third.expectClosed()

	first.nc.Close()
	waitFor(t, "slot freed", 5*time.Second, func() bool { return s.NumClients() == 1 })
	again, _ := dialRaw(t, s)
	again.send(quiet)
	if got := again.ping(); len(got) != 0 {
		t.Fatalf("got %q", got)
	}
}

func TestStaleConnectionIsClosedAfterUnansweredPings(t *testing.T) {
	s := runServer(t, Options{PingInterval: 100 * time.Millisecond, MaxPingsOut: 2})
	// A nats.go client answers PINGs: it must survive many intervals.
	alive := connect(t, s)
	var disconnected atomic.Bool
	alive.SetDisconnectErrHandler(func(*nats.Conn, error) { disconnected.Store(true) })

	rc, _ := dialRaw(t, s)
	rc.send(quiet)
	rc.expect("PING", "PING", "-ERR 'Stale Connection'")
	rc.expectClosed()

	if disconnected.Load() || !alive.IsConnected() {
		t.Fatal("a client that answers PINGs was dropped")
	}
	assertHealthy(t, s)
}

func TestActiveClientIsNotPingedAfterTheFirstPing(t *testing.T) {
	// Activity every ~30 ms against a 250 ms interval: slack for a test goroutine a busy machine stalls.
	s := runServer(t, Options{PingInterval: 250 * time.Millisecond, MaxPingsOut: 2})
	rc, _ := dialRaw(t, s)
	rc.send(quiet)
	deadline := time.Now().Add(2500 * time.Millisecond)
	pings := 0
	for time.Now().Before(deadline) {
		rc.send("PUB keepalive 0\r\n\r\n") // activity, never a PONG
		_ = rc.nc.SetReadDeadline(time.Now().Add(30 * time.Millisecond))
		if l, err := rc.r.ReadString('\n'); err == nil {
			if l != "PING\r\n" {
				t.Fatalf("unexpected %q", l)
			}
			pings++
		}
	}
	if pings != 1 {
		t.Fatalf("got %d PINGs in 10 intervals of activity, want only the first", pings)
	}
	rc.expectSilence(10 * time.Millisecond)
}

func TestSlowConsumerIsCutOffWithoutHurtingOthers(t *testing.T) {
	s := runServer(t, Options{MaxPending: 4 << 20})
	// The stuck subscriber: a raw socket with a small receive buffer that never reads.
	d := net.Dialer{Control: smallRecvBuffer}
	stuck, err := d.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer stuck.Close()
	if _, err := stuck.Write([]byte(quiet + "SUB flood 1\r\nPING\r\n")); err != nil {
		t.Fatal(err)
	}

	fast := connect(t, s)
	var fastGot atomic.Int64
	fsub, _ := fast.Subscribe("flood", func(*nats.Msg) { fastGot.Add(1) })
	fsub.SetPendingLimits(-1, -1)
	fast.Flush()
	waitFor(t, "both subscribed", 5*time.Second, func() bool { return s.Stats().Subscriptions == 2 })

	pub := connect(t, s)
	const msgs = 20_000
	payload := bytes.Repeat([]byte("x"), 1000) // 20 MB in all, far past the stuck socket's buffers
	for i := 0; i < msgs; i++ {
		if err := pub.Publish("flood", payload); err != nil {
			t.Fatal(err)
		}
		// Keep the fast subscriber within ~1 MB of the publisher so that only the stuck one can pass
		// max_pending, however slowly this machine runs the callbacks.
		if i%500 == 499 {
			sent := int64(i + 1)
			waitFor(t, "fast subscriber keeps up", 30*time.Second, func() bool { return fastGot.Load() >= sent-1000 })
		}
	}
	if err := pub.Flush(); err != nil {
		t.Fatalf("publisher was held up: %v", err)
	}
	waitFor(t, "fast subscriber gets everything", 30*time.Second, func() bool { return fastGot.Load() == msgs })
	waitFor(t, "slow consumer counted", 5*time.Second, func() bool { return s.Stats().SlowConsumers == 1 })

	// The stuck connection was closed: draining it ends in EOF, with no -ERR at the end.
	_ = stuck.SetReadDeadline(time.Now().Add(10 * time.Second))
	rest, err := io.ReadAll(stuck)
	if err != nil {
		t.Fatalf("stuck subscriber still open: %v", err)
	}
	if bytes.Contains(rest, []byte("-ERR")) {
		t.Fatalf("slow consumer got an -ERR, nats-server sends none")
	}
	if !pub.IsConnected() || !fast.IsConnected() {
		t.Fatal("publisher or fast subscriber lost its connection")
	}
}

// TestReadPauseAppliesBackPressure: a subscriber that reads, only slowly, is not cut off: its publisher is
// stalled (its socket left unread) until the subscriber catches up, and every message arrives.
func TestReadPauseAppliesBackPressure(t *testing.T) {
	s := runServer(t, Options{MaxPending: 4 << 20})
	// Default socket buffers: this subscriber is slow, not stuck. (A 4 KiB receive window would make it
	// slower than the trickle a stalled publisher still sends, and nats-server cuts such a reader too.)
	slow, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	slow.Write([]byte(quiet + "SUB pressure 1\r\n"))
	waitFor(t, "subscribed", 5*time.Second, func() bool { return s.Stats().Subscriptions == 1 })

	const msgs, size = 32000, 1000 // 32 MB: eight times max_pending
	payload := bytes.Repeat([]byte("x"), size)
	msgLen := len(fmt.Sprintf("MSG pressure 1 %d\r\n", size)) + size + 2
	received := make(chan int, 1)
	go func() { // at most 256 KiB a millisecond: slower than the publisher, faster than a stalled trickle
		buf := make([]byte, 256<<10)
		total := 0
		_ = slow.SetReadDeadline(time.Now().Add(60 * time.Second))
		for total < msgs*msgLen { // plus the INFO line, so this reads until the close below at the latest
			n, err := slow.Read(buf)
			total += n
			if err != nil {
				break
			}
			time.Sleep(time.Millisecond)
		}
		received <- total
	}()

	pub := connect(t, s)
	for i := 0; i < msgs; i++ {
		if err := pub.Publish("pressure", payload); err != nil {
			t.Fatal(err)
		}
	}
	if err := pub.Flush(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for s.Stats().OutMsgs != msgs {
		if time.Now().After(deadline) {
			t.Fatalf("not all delivered: %+v", s.Stats())
		}
		time.Sleep(5 * time.Millisecond)
	}

	if st := s.Stats(); st.SlowConsumers != 0 || st.Stalls == 0 {
		t.Fatalf("slow consumers %d (want 0), stalls %d (want > 0)", st.SlowConsumers, st.Stalls)
	}
	slow.Close()
	<-received
}

// TestWriteDeadlineCutsOffAReaderThatTakesNothing: a subscriber whose socket takes none of its output for
// write_deadline is closed as a slow consumer, long before its pending bytes reach max_pending.
func TestWriteDeadlineCutsOffAReaderThatTakesNothing(t *testing.T) {
	s := runServer(t, Options{WriteDeadline: 200 * time.Millisecond})
	d := net.Dialer{Control: smallRecvBuffer}
	stuck, err := d.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer stuck.Close()
	if _, err := stuck.Write([]byte(quiet + "SUB flood 1\r\nPING\r\n")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "subscribed", 5*time.Second, func() bool { return s.Stats().Subscriptions == 1 })
	pub := connect(t, s)
	payload := bytes.Repeat([]byte("x"), 1000)
	for i := 0; i < 4000; i++ { // 4 MB: well past the socket buffers, far below max_pending
		if err := pub.Publish("flood", payload); err != nil {
			t.Fatal(err)
		}
	}
	pub.Flush()
	waitFor(t, "cut off", 10*time.Second, func() bool { return s.Stats().SlowConsumers == 1 && len(s.ClosedConns()) == 1 })
	closed := s.ClosedConns()
	if len(closed) != 1 || closed[0].Reason != "Slow Consumer (Write Deadline)" {
		t.Fatalf("closed: %+v", closed)
	}
	if !pub.IsConnected() {
		t.Fatal("publisher lost its connection")
	}
	assertHealthy(t, s)
}
