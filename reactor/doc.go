// Package reactor is the server engine: a fixed pool of gnet event loops that own every socket, the
// connections on them, and the path a message takes from a publisher's inbound buffer to its subscribers'
// sockets.
//
// # Ownership
//
// A connection (client) belongs to the loop gnet assigned it at accept, for life. Its parser state, options,
// subscriptions, outbound buffer and timers are touched only on that loop, so they carry no locks. Other
// goroutines reach a connection only by posting to its loop. Shared structures are few and say how they are
// shared: an account's subject index (subtrie; concurrent readers, locked writers), a loop's inbox (one
// mutex, taken once per callback per destination loop), counters (atomics written only by their loop).
//
// # How a message flows
//
//  1. OnTraffic peeks at the connection's inbound bytes; codec parses whole ops in place, so a PUB's subject
//     and payload are slices of gnet's buffer. A partial op stays buffered and is not re-parsed until the
//     bytes it needs have arrived (client.need).
//  2. publish matches the subject in the publisher's account (a cache hit costs no allocation and no trie
//     lock) and picks one member per queue group.
//  3. route: a subscriber on the same loop gets the MSG appended to its outbound buffer at once. A subscriber
//     on another loop goes into this loop's batch for that loop, which copies the message once per
//     destination loop however many of its subscribers want it.
//  4. At the end of the callback (endCallback) every batch is posted to its loop (one lock, and one wake-up
//     only if the loop is not already due to drain), and every connection with output is written once.
//  5. The destination loop drains its inbox, appends MSG frames to its connections and writes each once.
//  6. After every write, a connection whose unsent bytes passed max_pending is cut off as a slow consumer:
//     no loop ever blocks on a socket, and nobody waits for a slow reader.
//
// # Connection kinds
//
// Clients, routes and internal (socket-less) clients are kinds of one connection type, each publishing into
// and subscribing from an account. A route (route.go and the route*.go files) adds the route protocol's
// parser and its own framing (RMSG carries the account and the queue groups the peer is to serve); it holds
// no subscriptions in the accounts' indexes, only the peer's announced interest (cluster.RemoteInterest),
// which client publishes consult after the local match (routepublish.go). Internal clients (system account,
// JetStream API) have a delivery callback instead of a socket. All of them go through the same batches and
// loops; none bypasses them. A JetStream stream's subjects are captures in the index (jshost.go): a
// matching publish, whoever made it, is handed to the stream on the publishing loop, and the stream's
// acks come back to that loop in one batch (jetstream.go says when JetStream runs and in which accounts). Leaf nodes and gateways are meant to be further kinds of the same shape.
//
// Route output keeps two orders: interest lines (RS+/RS-) in the Announcer's order, and every interest line
// queued before a message ahead of that message (routeout.go), so a reply subject is always known to the
// peer before the request that names it.
//
// # Invariants
//
//   - Nothing a loop does waits: no blocking syscall, no lock held across I/O, no disk.
//   - A Conn is never written after OnClose (gnet reuses fds); client.conn is nil from then on.
//   - The hot path (parse, match, append, flush) allocates nothing in steady state.
//   - Auto-unsubscribe counts on the subscriber's loop, so exactly max messages are delivered.
//   - A client is torn down once, whichever way it ends, and its subscriptions leave the index before any
//     other loop can match them again.
package reactor
