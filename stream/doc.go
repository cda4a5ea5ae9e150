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
//   - expire: the time max_age and per-message TTLs are judged at; the one expiry timer makes it. max_age
//     removes a message whatever its own TTL, unless that is never. On a stream with
//     subject_delete_marker_ttl, the same entry stores a marker on each subject it emptied (marker.go:
//     nats-server's headers, expiring by that TTL), so replaying the entries replays the markers; a
//     publish's TTL below the marker TTL is raised to it when checked.
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
//
// # Consumers
//
// Pull and push consumers exist (consumer*.go, ack.go, api_consumer.go); a consumer is state, never a
// goroutine:
//
//   - API: CONSUMER.CREATE.<stream>[.<name>[.<filter>]] with action create/update, DURABLE.CREATE, INFO,
//     NAMES, LIST, DELETE, PAUSE with nats-server's JSON, defaults (ack_wait 30s, max_deliver -1, max_waiting 512
//     for pull, max_ack_pending 1000, inactive_threshold 5s for ephemerals) and error codes, among them
//     the push rules (no max_waiting, flow control needs idle_heartbeat >= 100ms, a literal deliver
//     subject outside the stream's subjects) and last_per_subject's need of a filter. consumer_count
//     and the account's consumers count them. An update may not change the deliver, ack or replay
//     policy, start sequence/time, heartbeats, flow control, max_waiting, pull/push or storage type
//     (consumer_update.go, 10012 with nats-server's words); everything else changes.
//   - Pause (consumer_pause.go): pause_until in the configuration (CONSUMER.PAUSE or create/update);
//     while it is in the future nothing is delivered (no_wait gets 404, requests wait, heartbeats go
//     on), and the stream's clock resumes the consumer at that time; info shows paused and
//     pause_remaining.
//   - Deliver policies all, last, new, by_start_sequence, by_start_time and last_per_subject (each
//     subject's last message, in sequence order, then what follows; the list still to deliver is part of
//     the durable state); filter_subject or filter_subjects (consumer_filter.go: several filters, none
//     containing another; the lowest of each filter's next message, num_pending summed; 10136-10139 as
//     nats-server; changed on update, keeping the consumer's place); headers_only (the headers and
//     Nats-Msg-Size, no payload); replay_policy original and rate_limit_bps for push consumers
//     (consumer_pace.go: the stream's clock spaces deliveries as the messages were stored, or paces them
//     through a token bucket with nats-server's 1 MiB burst).
//   - MSG.NEXT ({batch, expires, no_wait, max_bytes} or a bare number) queues a pull request on the
//     consumer (max_waiting of them). It is served at once as far as messages allow, then whenever the
//     writer has stored a batch (notifyConsumers, after the pub-acks) or an ack frees max_ack_pending.
//     Each serving is one Host.Send: deliveries go to the request's reply with MsgSubject the stored
//     subject and Reply $JS.ACK.<stream>.<consumer>.<deliveries>.<stream seq>.<consumer seq>.<ts>.<pending>;
//     status messages (404 No Messages, 408 Request Timeout with Nats-Pending-*, 408 Requests Pending,
//     409 Exceeded MaxRequestBatch / MaxRequestExpires / MaxRequestMaxBytes / MaxWaiting, Message Size
//     Exceeds MaxBytes with Nats-Pending-*, Consumer Deleted, Consumer is push based, 400 Bad Request
//     and its "heartbeat value too large") carry nats-server's exact header blocks. A request's
//     idle_heartbeat (at most half its expires) has the clock send "100 Idle Heartbeat" with
//     Nats-Last-Consumer/Stream when it had nothing for that long. no_wait is nats-server's: 404 with
//     nothing to deliver and no expires; 408 Requests Pending when the waiting requests want more than
//     there is; otherwise what there is, then 404, or, with nothing yet (max_ack_pending reached, or an
//     empty stream and expires), a silent wait. A request whose reply lost its subscriber (InterestHost)
//     is dropped before it takes a message.
//   - Push consumers (consumer_push.go: deliver_subject, optionally deliver_group) deliver without
//     requests, woken like pull consumers (the writer's notification, an ack, the clock): what is due
//     goes to the deliver subject in one Host.Send per wake-up, at most 256 messages, then the clock calls
//     again at once. Every delivery, ack_policy none too, carries its $JS.ACK reply (an ordered
//     consumer reads its sequences from it). Idle heartbeats ("100 Idle Heartbeat", Nats-Last-Consumer,
//     Nats-Last-Stream, and Nats-Consumer-Stalled while stalled) go out after idle_heartbeat without a
//     delivery. Flow control sends "100 FlowControl Request" with reply $JS.FC.<stream>.<consumer>.<token>
//     after each 1 MB delivered, and stops a further 1 MB later until that subject is published to
//     (one listener on $JS.FC.> per account). A Host that implements InterestHost (reactor's
//     does) lets a push consumer hold its messages while nobody subscribes to its deliver subject (it
//     looks again every interestRetry) and an ephemeral expire inactive_threshold after interest went;
//     with a Host that cannot tell, deliveries always go out and an ephemeral push consumer lives until
//     deleted. Consumers with
//     mem_storage (nats.go's ordered ones) keep no files and are not recovered.
//   - Acks arrive on $JS.ACK.> (one listener per account; the v1 and v2 token layouts): "" / +ACK, -NAK
//     (optional {"delay"}), +WPI, +NXT, +TERM, with a double-ack's empty reply; policies none, all and
//     explicit. An ack costs O(1) amortized and allocates nothing (consumer_pending.go: the ack floor
//     from an ascending list of pending sequences, deadlines in an indexed heap). A workqueue stream
//     removes what was acknowledged (Stream.RemoveMsg, after the consumer's lock is released); an
//     interest stream keeps a message while some consumer's filter selects it.
//   - Advisories (consumer_advisory.go): $JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES when a delivery that
//     reached max_deliver comes up for redelivery (it stays pending, never delivered again), and
//     MSG_TERMINATED for a +TERM (with its reason), in nats-server's JSON.
//   - Time: each stream has one clock (consumer_clock.go), a heap of consumer calls behind one timer, for
//     request expiry, ack_wait redelivery (up to max_deliver; with a backoff, consumer_backoff.go, the
//     n-th delivery waits backoff[n-1], and ack_wait shows the first delay), replay and rate pacing, and
//     an ephemeral's inactivity.
//   - Lock order: Stream.mu, then the consumer's files lock, then Consumer.mu, then the clock's; a
//     consumer never takes its stream's lock while holding its own.
//   - Durable state (consumer_file.go): every consumer of a file stream, durable or ephemeral, keeps
//     <stream dir>/obs/<name>/ with meta.json (configuration and creation time, synced at create and
//     update) and state.json (next sequence, delivered, ack floor, pending acks with their consumer
//     sequence, deliveries and due time, the redeliver queue), both checksummed and replaced whole through a
//     temporary file. A change of state (a delivery, an ack, a nak) has the stream's clock write
//     state.json within 100 ms, unsynced, off every event loop; a stream's Stop writes and syncs what
//     changed since. Recovery (newStream, before capture) restores them: a durable resumes where it
//     was acknowledged, its pending acks are due when they were (at once if that passed while the
//     server was down, as on nats-server), an ephemeral expires
//     inactive_threshold after it; a consumer whose files are unreadable or corrupt is logged and
//     skipped. A kill -9 loses at most the last 100 ms of changes: acks then forgotten cause
//     redelivery (at-least-once); no message is ever skipped. An OS crash can lose
//     what the OS had not written of an unsynced state file; a state file that then fails its checksum
//     loses the consumer. Deleting a consumer removes its directory.
//
// nats.go's KeyValue and ObjectStore work on these (they are streams and consumers; nothing in this
// package is specific to them).
//
// Not yet: priority groups (pinned clients, overflow), the other consumer advisories (created,
// deleted, ack sampling by sample_freq), a JetStream domain in advisories. A delivery reaches only
// clients of this server (reactor's Host delivers to the inbox's local subscribers; a requester across
// a route is not served).
package stream
