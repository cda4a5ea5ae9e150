// Package cluster is the pure logic of reactor's routes: the cluster options, the interest each peer
// has announced, the interest reactor announces, and the rules that decide which route connections
// live. It does no I/O and starts no goroutine: the engine (reactor/) owns the connections and drives
// this package from its event loops. It imports config and codec, and nothing of the engine.
//
// Everything here follows what nats-server v2.15.2 does on its route port (../shared/ROUTES.md) with
// the stance reactor takes until it implements more: one route per peer, no pooling, no pinned
// accounts, no compression, no leaf-origin extensions.
//
// # Files
//
//   - options.go: Options, the --cluster/--routes/… flags (ApplyFlags), ParseRouteURLs.
//   - config.go: FromConfig, the cluster { … } block with positioned *config.Error.
//   - interest.go: RemoteInterest, what one peer subscribed to (RS+/RS- in, Match out).
//   - announce.go: Announcer, local subscriptions → the RS+/RS- lines every peer must see.
//   - peers.go: which route connections live (CheckConnect, Admit, MergeDuplicate, Redial), gossip
//     (ForwardInfo, ShouldForward, Gossip) and the client connect_urls.
//   - handshake.go: LocalInfo and LocalConnect, the INFO and CONNECT reactor sends (no pool, no
//     compression, no leaf-origin flags, proto 2).
//   - queuepick.go: PickQueue, the one member of a queue group that gets a message cluster-wide.
//
// # Configuration stance
//
// Keys that tune what reactor does anyway are read (ping_interval, ping_max, connect_retries,
// authorization timeout). Keys that would need a wire feature reactor lacks are refused with "not
// supported yet" unless their value already asks for reactor's behaviour: pool_size -1 or 0,
// compression off (false, disabled, { mode: off }), accounts []. Everything nats-server refuses is
// refused, with nats-server's text where it has a useful one (unknown field, route url, name with
// spaces, multiple users, tokens, permissions). The tls block is kept raw in Options.TLS for the
// caller's TLS parser; until route TLS exists the engine must refuse to start with it.
//
// # Remote interest: one table per peer
//
// Each route owns a RemoteInterest: per account, a subtrie.Trie holding one subscription per (subject,
// queue) the peer announced. The alternative, one Trie per account shared by all peers with the peer as
// Owner (nats-server's way), answers a publish with one lookup instead of one per peer; the per-peer
// table was chosen because
//   - a route's interest is written only by that route's loop and dies with it: closing a route drops
//     its table whole instead of removing thousands of entries from a shared trie, and one peer's churn
//     never invalidates the match cache other peers' lookups hit;
//   - the questions the engine asks are per peer ("send to P?", "which of P's groups?"), and a full mesh
//     has few peers, each lookup being a cache hit that takes no trie lock and allocates nothing
//     (BenchmarkRemoteInterestMatchHit);
//   - it is the shape a leaf node or gateway connection will reuse.
//
// Invariants: at most one subscription per (account, subject, queue) per peer; its weight is the last
// RS+ weight (never summed, at least 1) and lives in the subscription's Owner, updated atomically so a
// weight change needs no trie write; RS- for an unknown interest changes nothing. Readers may call Match
// and HasInterest from any goroutine; Add and Remove are serialised by the table's mutex and are
// expected from the route's loop only.
//
// # Local interest: the Announcer
//
// The Announcer counts local subscriptions per (account, subject, queue). A plain subject yields RS+ on
// its first subscriber and RS- on its last; a queue group yields RS+ with the new member count on every
// change and RS- when it empties — what nats-server sends (ROUTES.md §5). Changes are emitted under the
// Announcer's lock so their order is the order of the counts, and Join attaches a new route and sends it
// the full snapshot under that same lock, so a route never misses or doubles a change. Interest that
// came from a route is never fed to the Announcer: routes are one hop.
//
// # Route identity
//
// A route is registered on the peer's INFO, never on CONNECT: a connection closed before its INFO (the
// $SYS connection nats-server dials and then refuses itself) is dropped and never touches the live
// route. CheckConnect runs on accept and yields the exact -ERR text; Admit runs on the first INFO and
// yields a Verdict. Duplicates follow nats-server — the newer connection loses and the survivor is
// marked to Retry — because a different rule on one side of a mixed cluster would not agree with
// nats-server's on the other; MergeDuplicate explains why Retry makes it converge. Gossip is push-only:
// ForwardInfo/ShouldForward say what to send the other peers when a route registers, Gossip says which
// gossiped server to dial.
package cluster
