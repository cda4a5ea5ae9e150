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
// A stream's state changes only by applying entries in order (apply.go), under the stream's lock. Today
// entries are applied as they are made; the replication issue puts a Raft log in front of apply without
// changing what an entry means. An entry carries everything apply needs that is not already in the state,
// so the same entries applied to the same store give the same state:
//
//   - msg: a captured publish (subject, headers, payload) and the time the writer gave it (unix ns,
//     raised to the last time given so times never decrease). Applying it runs nats-server's publish
//     checks in nats-server's order against the state (sealed, max_msg_size, header size, expected
//     stream, TTL allowed, expected last subject sequence, expected last sequence, Nats-Msg-Id duplicate,
//     expected last msg id, rollup, TTL valid, discard-new limits, account room), then appends, records
//     the id in the duplicate window, rolls up, drops the message at once on an interest stream nobody
//     wants it on, drops the oldest beyond max_msgs_per_subject, max_msgs and max_bytes, and arms the
//     expiry timer. Its result is the pub-ack.
//   - remove: a sequence and whether to erase (MSG.DELETE; a consumer acking a workqueue message).
//   - purge: a filter, an upper sequence bound and a number to keep (PURGE).
//   - config: the new configuration (UPDATE): new subjects captured, new limits enforced at once.
//   - expire: the time max_age and per-message TTLs are judged at; the one expiry timer makes it.
//
// After every entry the account's usage is brought in line with the store's bytes.
//
// # The publish path's invariants
//
//   - Enqueue allocates nothing in steady state (BenchmarkEnqueue) and holds only the ingest lock, for
//     a copy; the writer never holds the ingest lock and the stream's lock together.
//   - A pub-ack is sent only after the store's Flush returned for its message: an ack never precedes its
//     message reaching the OS. A full disk fails the publishes the store took back, never the stream.
//   - The duplicate window is rebuilt at open from the stored messages' Nats-Msg-Id headers within it.
//   - A stream holds at most maxPendingBytes for its writer: publishers that outrun the disk get
//     "insufficient resources" acks past it rather than growing the server's memory without bound.
package stream
