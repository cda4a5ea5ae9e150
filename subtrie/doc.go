// Package subtrie is the subject index of one account: it holds subscriptions keyed by subject and answers,
// for a published subject, which of them are interested. It does no I/O and imports nothing of reactor's;
// the engine drives it from every event loop at once.
//
// # Semantics (as NATS)
//
// A subject is a sequence of tokens separated by '.'. A subscription subject may use two wildcard tokens:
// "*" matches exactly one token and ">", only as the last token, matches one or more trailing tokens, so
// foo.> matches foo.bar and foo.bar.baz but not foo. Literal tokens compare byte for byte, case-sensitively.
// ValidSubject, ValidLiteralSubject and ValidQueue state the grammar; Insert enforces it. Match takes a
// literal subject and matches nothing if it has an empty token.
//
// Subscriptions are identified by pointer. Two Subscription values with the same subject are two entries
// and both are delivered to; inserting the same pointer twice is refused. A subscription with a Queue joins
// the group of that name, and a Result merges a name's members across every subject that matched: queue q
// on foo.* and queue q on foo.> form one group for foo.bar, from which the engine picks one member.
//
// # Results are immutable
//
// Match returns a *Result that is shared with every other caller that matches the same subject and kept in
// the cache, so no one may modify it. Its slices are copies, never views of the trie, so a later Insert or
// Remove cannot change a Result already handed out; it makes new Results instead.
//
// # Concurrency
//
// The trie is behind one sync.RWMutex: Insert and Remove write, a Match that misses the cache reads.
// In front of it sits a match cache of literal subject → *Result, split into shards with a lock each and
// bounded in size, so that a hit, the steady state of a publisher, takes one shard read lock, no trie lock,
// and allocates nothing. Event loops publishing to different subjects contend on nothing shared. A subject
// enters the cache on its second miss, not its first, so subjects used once (JetStream ack subjects, reply
// inboxes) neither pay for a store nor evict the subjects that repeat; and a subject that matches one
// node of the trie alone gets that node's shared Result, so such a miss allocates nothing either.
//
// The cache is exact: once Insert or Remove returns, no cached Result misses that change or still shows it.
// The writer bumps a generation counter under the trie write lock and then drops the cached subjects its
// subscription matches; a Match stores what it found only if the generation it read under the trie read
// lock is unchanged while it holds the shard lock. cache.go sets out why no interleaving leaves a stale entry.
//
// # Files
//
//   - subject.go: the grammar: validation, tokenizing, matching one subject against one pattern.
//   - node.go: a trie level and the subscriptions that end there.
//   - walk.go: finding the nodes a literal subject matches.
//   - result.go: the Result type and building one, merging queue groups by name.
//   - cache.go: the sharded match cache and the staleness argument.
//   - trie.go: the Trie API and its locking.
//   - errors.go: the errors Insert and Remove return.
package subtrie
