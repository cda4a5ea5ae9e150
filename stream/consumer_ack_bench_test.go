package stream

import (
	"strconv"
	"testing"
	"time"
)

// BenchmarkConsumerAck acknowledges the oldest of 1000 pending deliveries through the account's
// $JS.ACK.> handler (subject parsing, lookup, ack floor) and takes one more delivery, so that 1000 stay
// pending: the per-message cost of an explicit-ack consumer in steady state.
func BenchmarkConsumerAck(b *testing.B) {
	const pendingCount = 1000
	e := newAPIEnv(b)
	if resp := e.request("$JS.API.STREAM.CREATE.S", `{"name":"S","subjects":["s.>"],"storage":"memory"}`); resp["error"] != nil {
		b.Fatalf("create stream: %v", resp["error"])
	}
	s := e.mgr.Account("A").Stream("S")
	payload := []byte("0123456789abcdef")
	for i := 0; i < b.N+pendingCount; i++ {
		if _, err := s.store.Append("s.a", nil, payload, time.Now().UnixNano(), 0); err != nil {
			b.Fatal(err)
		}
	}
	if resp := e.request("$JS.API.CONSUMER.CREATE.S.D", `{"stream_name":"S","config":{"durable_name":"D","ack_policy":"explicit","max_ack_pending":2000}}`); resp["error"] != nil {
		b.Fatalf("create consumer: %v", resp["error"])
	}
	c := s.consumer("D")
	takeOne := func() {
		c.mu.Lock()
		if m, redelivery, ok := c.next(); ok {
			c.take(m, redelivery, time.Now().UnixNano())
		}
		c.mu.Unlock()
	}
	for range pendingCount {
		takeOne()
	}
	acks := make([]Request, b.N)
	for i := range acks {
		seq := strconv.Itoa(i + 1)
		acks[i] = Request{Account: "A", Subject: "$JS.ACK.S.D.1." + seq + "." + seq + ".0.0"}
	}
	handleAck := e.host.acker("A")
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		handleAck(acks[i])
		takeOne()
	}
	b.StopTimer()
	if info := c.Info(); info.NumAckPending != pendingCount || info.AckFloor.Stream != uint64(b.N) {
		b.Fatalf("after %d acks: %d pending, ack floor %d", b.N, info.NumAckPending, info.AckFloor.Stream)
	}
}
