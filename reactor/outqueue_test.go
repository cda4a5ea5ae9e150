package reactor

import (
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/reactor-nats/reactor/stream"
)

// Messages of many Sends, made faster than the loop runs them, arrive complete and in the order sent, on a
// subscriber of another loop as on one of the origin loop.
func TestSendsQueuedForALoopArriveInOrder(t *testing.T) {
	s := runServer(t, Options{})
	conns := twoLoops(t, s)
	const sends = 2000
	var subs []*nats.Subscription
	for _, nc := range conns {
		sub, err := nc.SubscribeSync("ordered")
		if err != nil {
			t.Fatal(err)
		}
		if err := sub.SetPendingLimits(-1, -1); err != nil {
			t.Fatal(err)
		}
		if err := nc.Flush(); err != nil {
			t.Fatal(err)
		}
		subs = append(subs, sub)
	}
	host := jsHost{s}
	for i := range sends {
		host.Send([]stream.Outbound{{Account: globalAccountName, Subject: "ordered", Data: []byte(strconv.Itoa(i)), Origin: 0}})
	}
	for k, sub := range subs {
		for i := range sends {
			m, err := sub.NextMsg(5 * time.Second)
			if err != nil {
				t.Fatalf("subscriber %d, message %d: %v", k, i, err)
			}
			if string(m.Data) != strconv.Itoa(i) {
				t.Fatalf("subscriber %d got %q as message %d", k, m.Data, i)
			}
		}
	}
}

// BenchmarkSendDelivery sends one 128-byte delivery per Send, as a push consumer does once per ack, to a
// raw subscriber: the queue, the loop's publish and the write.
func BenchmarkSendDelivery(b *testing.B) {
	s := runServer(b, Options{})
	sub := rawSubscriber(b, s, quiet, "deliver.to")
	msg := []stream.Outbound{{Account: globalAccountName, Subject: "deliver.to", MsgSubject: "orders.new",
		Reply: "$JS.ACK.S.C.1.7.1.0.0", Data: make([]byte, 128), Origin: 0}}
	frame := len("MSG orders.new 1 $JS.ACK.S.C.1.7.1.0.0 128\r\n") + 128 + 2
	done := make(chan error, 1)
	go drain(sub, b.N*frame, done)
	host := jsHost{s}
	b.SetBytes(128)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		host.Send(msg)
	}
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}
