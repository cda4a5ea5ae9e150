// Package store owns the messages of one stream: an ordered log of (sequence, time, subject, headers,
// payload) with indexes by sequence and by subject, behind one interface (Store) with two implementations,
// memory (MemStore) and file (FileStore).
//
// # What a store promises
//
//   - Sequences are assigned by Append, one more than the last ever assigned (LastSeq survives purges,
//     deletes and restarts). Times passed to Append never decrease, so expiry by age walks from the front.
//   - Every method is safe for concurrent use: a stream's writer goroutine appends while API requests read.
//     No method is ever called on an event loop; a store may touch the disk in any method.
//   - Bytes are counted per message as nats-server counts them, so limits and account usage match it:
//     MsgSize for a file store, MemMsgSize for a memory store.
//   - The file store loses nothing that Append returned for, once synced (Sync, or every write when
//     SyncAlways); on open it truncates a torn last record, reports a corrupt record with file and offset
//     and serves everything else; it never panics on what it reads.
//
// Memory is the reference: the property test drives both implementations with the same random operations
// and requires the same answers.
package store
