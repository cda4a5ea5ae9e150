// Package stream owns JetStream: streams (their configuration, limits and publish checks), the JetStream
// API on $JS.API.> with nats-server's request and response JSON and error codes, and each account's
// JetStream usage. Messages themselves live in package store.
//
// # How it meets the server
//
// The server (package reactor) implements Host. stream never sees a socket or an event loop:
//
//   - Capture: a publish that matches a stream's subjects reaches Ingest.Enqueue on the publisher's loop.
//     Enqueue copies the message into the stream's pending batch (an arena reused between batches, so it
//     allocates nothing in steady state) and never blocks or touches the disk.
//   - Each stream has at most one writer goroutine. It is started when a batch becomes pending and ends
//     when there is none, so 10k idle streams cost no goroutine. It takes the whole pending batch, checks
//     and stores each message in order, syncs as configured, and hands the pub-acks back to the server in
//     one Host.Send, each tagged with the loop it came from, so they travel the batched delivery path.
//   - Listen: API requests reach a handler on a server service goroutine, never a loop; replies go out
//     through Host.Send.
//
// # Ordered entries
//
// A stream's state changes only by applying entries in order (apply.go): store a message, remove one,
// purge, update the configuration. Today entries are applied as they are made, under the stream's lock; the
// replication issue puts a Raft log in front of apply without changing what an entry means.
package stream
