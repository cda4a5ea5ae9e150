package bench

import (
	"context"
	"fmt"
	"time"
)

// Kind says how a row drives a server and where it measures.
type Kind int

const (
	// PubOnly publishes with nobody subscribed and measures at the publisher: N publishes and a Flush.
	PubOnly Kind = iota
	// PubSub publishes to subscribers and measures at the subscribers: every message received by every
	// subscriber, from the first to arrive to the last.
	PubSub
	// RequestReply sends synchronous requests to one responder and measures each round trip.
	RequestReply
	// JSAsyncPublish publishes into a JetStream stream with PublishAsync, a bounded window of acks
	// outstanding, and measures at the publisher until every ack has arrived (jetstream.go).
	JSAsyncPublish
	// JSSyncPublish publishes into a JetStream stream one message at a time, each waiting for its ack, and
	// measures each publish's round trip.
	JSSyncPublish
	// JSPullConsume reads a filled file stream through a durable pull consumer, PullBatch messages asked
	// for at a time, each acknowledged, and measures until the last message arrives (jsconsume.go).
	JSPullConsume
	// JSPushConsume reads a filled file stream through a durable push consumer's deliver subject, each
	// message acknowledged, and measures until the last message arrives.
	JSPushConsume
	// JSAckRoundTrip fetches one message at a time from a durable pull consumer and acknowledges it with
	// a synchronous ack, and measures each fetch and ack.
	JSAckRoundTrip
	// KVPut puts keys into a KV bucket, one call at a time (kv.go).
	KVPut
	// KVGet gets keys from a KV bucket filled before, one call at a time.
	KVGet
)

// JetStream reports whether rows of this kind use JetStream, on the servers started with it
// (MatrixConfig.JetStreamServers).
func (k Kind) JetStream() bool { return k >= JSAsyncPublish && k <= KVGet }

// RoundTrips reports whether rows of this kind time every message on its own, so have percentiles.
func (k Kind) RoundTrips() bool {
	switch k {
	case RequestReply, JSSyncPublish, JSAckRoundTrip, KVPut, KVGet:
		return true
	}
	return false
}

// Consumes reports whether rows of this kind read the filled stream of Row.Stream messages.
func (k Kind) Consumes() bool { return k == JSPullConsume || k == JSPushConsume || k == JSAckRoundTrip }

// Row is one line of the matrix: a workload shape, driven identically against every server.
type Row struct {
	Name    string
	Kind    Kind
	Payload int  // bytes per message
	Pubs    int  // publishers, or requesters for RequestReply
	Subs    int  // subscribers (PubSub), each on its own connection
	Queue   bool // the subscribers share one queue group, so each message reaches one of them
	TLS     bool // every client connects over TLS, to the servers started with TLS (MatrixConfig.TLSServers)
	Cluster bool // the clients connect to the nodes of a cluster (MatrixConfig.Clusters), as Place says
	Place   Placement
	Memory  bool // JetStream rows: the stream is stored in memory rather than in files
	Msgs    int  // messages published per run over all publishers, or requests over all requesters
	Stream  int  // consumer rows: messages in the filled stream they read from its first (Msgs of them)
}

// Deliveries is how many messages the subscribers receive between them in one run.
func (r Row) Deliveries() int {
	if r.Kind != PubSub || r.Queue {
		return r.Msgs
	}
	return r.Msgs * r.Subs
}

// Rows is the matrix. Every row sends a fixed count rather than running for a fixed time, so that both
// servers do exactly the same work and a run ends by itself. The counts make each row take one to two
// seconds against reactor on a 2-core machine: they shrink with payload and fan-out, since the server's
// work grows with the bytes it copies and the messages it delivers. scale multiplies them all (0.1 for a
// quick look; any row keeps at least one message per publisher). The TLS rows send fewer: encryption on
// both sides of every connection takes most of the time there. The cluster rows send fewer too, about a
// second each against reactor, so that all six add under two minutes at five repetitions: each of their
// messages costs two servers' work, and a request two route crossings.
func Rows(scale float64) []Row {
	n := func(count, pubs int) int { return max(pubs, int(float64(count)*scale)) }
	return []Row{
		{Name: "pub only, 16 B", Kind: PubOnly, Payload: 16, Pubs: 1, Msgs: n(10_000_000, 1)},
		{Name: "pub only, 128 B", Kind: PubOnly, Payload: 128, Pubs: 1, Msgs: n(8_000_000, 1)},
		{Name: "pub only, 1 KiB", Kind: PubOnly, Payload: 1024, Pubs: 1, Msgs: n(2_000_000, 1)},
		{Name: "1→1, 16 B", Kind: PubSub, Payload: 16, Pubs: 1, Subs: 1, Msgs: n(4_000_000, 1)},
		{Name: "1→1, 128 B", Kind: PubSub, Payload: 128, Pubs: 1, Subs: 1, Msgs: n(3_000_000, 1)},
		{Name: "1→1, 1 KiB", Kind: PubSub, Payload: 1024, Pubs: 1, Subs: 1, Msgs: n(1_000_000, 1)},
		{Name: "1→4 fan-out, 128 B", Kind: PubSub, Payload: 128, Pubs: 1, Subs: 4, Msgs: n(1_000_000, 1)},
		{Name: "1→16 fan-out, 16 B", Kind: PubSub, Payload: 16, Pubs: 1, Subs: 16, Msgs: n(400_000, 1)},
		{Name: "1→16 fan-out, 128 B", Kind: PubSub, Payload: 128, Pubs: 1, Subs: 16, Msgs: n(300_000, 1)},
		{Name: "queue 1→4, 128 B", Kind: PubSub, Payload: 128, Pubs: 1, Subs: 4, Queue: true, Msgs: n(3_000_000, 1)},
		{Name: "4→1, 128 B", Kind: PubSub, Payload: 128, Pubs: 4, Subs: 1, Msgs: n(3_000_000, 4)},
		{Name: "req/reply, 1 requester, 16 B", Kind: RequestReply, Payload: 16, Pubs: 1, Msgs: n(10_000, 1)},
		{Name: "req/reply, 8 requesters, 16 B", Kind: RequestReply, Payload: 16, Pubs: 8, Msgs: n(50_000, 8)},
		{Name: "TLS pub only, 128 B", Kind: PubOnly, Payload: 128, Pubs: 1, Msgs: n(3_000_000, 1), TLS: true},
		{Name: "TLS 1→1, 128 B", Kind: PubSub, Payload: 128, Pubs: 1, Subs: 1, Msgs: n(1_000_000, 1), TLS: true},
		{Name: "cluster A→B, 16 B", Kind: PubSub, Payload: 16, Pubs: 1, Subs: 1, Cluster: true, Place: aToB, Msgs: n(1_500_000, 1)},
		{Name: "cluster A→B, 128 B", Kind: PubSub, Payload: 128, Pubs: 1, Subs: 1, Cluster: true, Place: aToB, Msgs: n(1_000_000, 1)},
		{Name: "cluster 1→4 fan-out A→A,B,C,C, 128 B", Kind: PubSub, Payload: 128, Pubs: 1, Subs: 4, Cluster: true, Place: aToABCC, Msgs: n(400_000, 1)},
		{Name: "cluster queue 1→4 A→A,B,C,C, 128 B", Kind: PubSub, Payload: 128, Pubs: 1, Subs: 4, Queue: true, Cluster: true, Place: aToABCC, Msgs: n(800_000, 1)},
		{Name: "cluster req/reply A→A, 16 B", Kind: RequestReply, Payload: 16, Pubs: 1, Cluster: true, Msgs: n(8_000, 1)},
		{Name: "cluster req/reply A→B, 16 B", Kind: RequestReply, Payload: 16, Pubs: 1, Cluster: true, Place: aToB, Msgs: n(8_000, 1)},
		{Name: "JetStream async publish, file, 128 B", Kind: JSAsyncPublish, Payload: 128, Pubs: 1, Msgs: n(JSAsyncMsgs, 1)},
		{Name: "JetStream async publish, file, 1 KiB", Kind: JSAsyncPublish, Payload: 1024, Pubs: 1, Msgs: n(JSAsyncMsgs/2, 1)},
		{Name: "JetStream async publish, memory, 128 B", Kind: JSAsyncPublish, Payload: 128, Pubs: 1, Memory: true, Msgs: n(JSAsyncMsgs, 1)},
		{Name: "JetStream sync publish, file, 128 B", Kind: JSSyncPublish, Payload: 128, Pubs: 1, Msgs: n(JSSyncMsgs, 1)},
		{Name: "JetStream pull consume, batch 100, file, 128 B", Kind: JSPullConsume, Payload: 128, Pubs: 1, Stream: n(ConsumeStreamMsgs, 1), Msgs: n(JSConsumeMsgs, 1)},
		{Name: "JetStream push consume, file, 128 B", Kind: JSPushConsume, Payload: 128, Pubs: 1, Stream: n(ConsumeStreamMsgs, 1), Msgs: n(JSConsumeMsgs, 1)},
		{Name: "JetStream ack round trips, file, 128 B", Kind: JSAckRoundTrip, Payload: 128, Pubs: 1, Stream: n(ConsumeStreamMsgs, 1), Msgs: n(JSAckMsgs, 1)},
		{Name: "KV put, file, 128 B", Kind: KVPut, Payload: 128, Pubs: 1, Msgs: n(KVMsgs, 1)},
		{Name: "KV get, file, 128 B", Kind: KVGet, Payload: 128, Pubs: 1, Msgs: n(KVMsgs, 1)},
	}
}

// The placements of the cluster rows, on a cluster of ClusterSize nodes A, B and C.
var (
	aToB    = Placement{Pubs: []int{0}, Subs: []int{1}}          // every message crosses one route
	aToABCC = Placement{Pubs: []int{0}, Subs: []int{0, 1, 2, 2}} // one local subscriber, both routes, two on C
)

// Sample is what one run of one row against one server measured.
type Sample struct {
	Msgs     int           // messages received (or published, for PubOnly), or requests answered
	Elapsed  time.Duration // over which Msgs were counted
	P50, P99 time.Duration // round-trip latency; kinds with RoundTrips only
	Shares   []int         // messages each subscriber received; queue rows only
}

// Rate is messages (or requests) per second.
func (s Sample) Rate() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Msgs) / s.Elapsed.Seconds()
}

// Run drives one run of row against nodes (one server, or the nodes of a cluster, among which row.Place
// spreads the clients) and returns what it measured. It gives up when ctx ends, tearing down every
// connection it opened, so a server that stalls fails the row instead of hanging the matrix.
func Run(ctx context.Context, nodes []*Server, row Row, subject string) (Sample, error) {
	if need := row.Place.Nodes(); len(nodes) < need {
		return Sample{}, fmt.Errorf("row %q: placed on %d nodes, run against %d", row.Name, need, len(nodes))
	}
	switch row.Kind {
	case PubOnly, PubSub:
		return runThroughput(ctx, nodes, row, subject)
	case RequestReply:
		return runRequestReply(ctx, nodes, row, subject)
	case JSAsyncPublish, JSSyncPublish:
		return runJetStreamPublish(ctx, nodes[0], row, subject)
	case JSPullConsume, JSPushConsume, JSAckRoundTrip:
		return runConsume(ctx, nodes[0], row, subject)
	case KVPut, KVGet:
		return runKV(ctx, nodes[0], row, subject)
	}
	return Sample{}, fmt.Errorf("row %q: unknown kind %d", row.Name, row.Kind)
}
