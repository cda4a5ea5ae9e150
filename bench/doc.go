// Package bench runs the same workloads against reactor and the reference nats-server on this machine, in
// one run, and reports the ratio. It owns the benchmark harness: starting both servers as child processes
// on loopback ephemeral ports with the same limits (servers.go), the workloads, driven by nats.go or raw
// sockets, identical for both servers, and the reports (bench/RESULTS.md).
//
// Rules it keeps: loopback only; every workload is bounded in count and time and stops by itself; servers
// are started and stopped by the harness; medians of at least three repetitions, alternating the servers row
// by row, because these machines are noisy and only ratios mean anything.
//
// # The matrix (make bench, cmd/matrix)
//
// Both servers start once and serve the whole matrix. For each row of Rows (workloads.go), each repetition
// runs the row against one server and then the other, alternating which goes first (matrix.go), so that a
// disturbance on the machine lands on both servers rather than on one's whole column. A run is a fresh set
// of nats.go connections, one per publisher, subscriber, requester or responder (clients.go), on a subject
// of its own:
//
//   - throughput.go: subscribers subscribe with unlimited client-side pending limits and are confirmed with
//     a Flush and a probe (ready.go); then publishers send a fixed count. Pub-only rows are timed at the publisher (publish N,
//     Flush); pub/sub rows at the subscribers, from the first message any of them receives to the last.
//   - latency.go: one responder, and requesters calling Request synchronously in a loop; rate over wall
//     time, nearest-rank p50 and p99 over every round trip.
//   - slowconsumer.go: a fast subscriber's throughput alone and beside a raw-socket subscriber that never
//     reads, and whether the server cut the stuck one off.
//
// Rows marked TLS (pub only and 1→1, 128 B) run against a second pair of servers, started beside the first
// with the same certificate (tls.go: a CA and an ECDSA P-256 server certificate generated for the run into
// a temporary directory, passed as --tls --tlscert --tlskey, which both servers take). Their clients are
// the same nats.go connections with the CA trusted; nats.go upgrades after the plaintext INFO.
//
// Rows marked cluster run against a third pair: each server as a 3-node full mesh, nodes A, B and C, every
// node a child process on loopback with its own client and route ports, started with the cluster flags
// both servers take (cluster.go, StartCluster, which returns once a message published on each node reaches
// every node). The workloads are the same code: a row's Placement names the node each publisher,
// subscriber, requester and responder connects to (placement.go), and a single server is a one-node
// target on which every client lands on A. Because a subscriber's Flush proves only that its own node has
// the subscription, every run first waits until each subscriber has received a probe published on each
// publisher's node (ready.go), so the routes have carried the interest before anything is timed. Queue
// rows number their messages and fail unless each is delivered exactly once (exactlyonce.go), and a run
// whose subscribers receive nothing for a few seconds after the publishers flushed fails then, lost
// messages being the likely failure of a cluster, rather than at its timeout. The report gives the
// cluster rows a section of their own, with what a route hop adds to a request's round trip
// (clusterreport.go).
//
// Rows of the JetStream kinds (jetstream.go) run against a fourth pair, both started with `-js -sd DIR`
// (StartJetStream) and otherwise their default limits. The store directories are fresh per run of the
// matrix, not per row: one temporary directory, made at the start and removed at the end, holds a store
// per server. Every repetition creates a stream of its own (one subject, file or memory storage, no limits),
// publishes one untimed message and then the timed ones through nats.go's jetstream package, checks with
// STREAM.INFO that the stream holds every acknowledged message, and deletes the stream, so a store holds
// one stream at a time. Async rows keep at most AsyncWindow PublishAsync acks outstanding and are timed
// until the last ack; the sync row publishes one message at a time and keeps every round trip for p50/p99.
//
// The consumer rows (jsconsume.go) read instead a file stream of ConsumeStreamMsgs messages that each server
// fills once per run of the matrix, untimed, at the first repetition that needs it (a later one finds it full
// with STREAM.INFO and only reads): a durable consumer of the run's own, with explicit acks, reads from the
// stream's first message by pull (nats.go's Consume, PullBatch at a time, as `nats bench js consume`), by push
// (a subscription on a deliver subject) or one fetch and one synchronous ack at a time, and the run checks
// that the consumer's ack floor reached every message read. The KV rows (kv.go) put or get one key at a time
// in a bucket of the run's own, as `nats bench kv put` and `nats bench kv get`.
//
// The JetStream recovery section (jsrecovery.go, selected by -run "JetStream recovery") measures a restart
// on a stream of a million messages. Filling it takes seconds, so each server fills its own store once per
// run of the matrix (then a SIGTERM, a clean shutdown) and the repetitions only restart it on that store:
// the time is from exec until STREAM.INFO counts every message, polled every few milliseconds, with the
// server's VmRSS at that moment. The report's JetStream section (jsreport.go) gives reactor/nats-server
// ratios beside their targets: at least 1.0 for the publish rates, at most 1.0 for recovery time and RSS.
//
// A run that has not finished within its timeout fails: its sockets are closed under nats.go, so even a
// publisher blocked on a server that stopped reading returns, and the matrix moves on. Repetitions reduce
// to medians (stats.go, Summarize), and report.go renders the markdown tables, header and notes (failed
// repetitions, noisy rows) that the driver prints and writes to bench/RESULTS.md.
//
// The driver runs on the same 2-core machine as the servers and takes CPU from them; every server pays the
// same, which is why only the ratios, not the absolute rates, are comparable across machines.
package bench
