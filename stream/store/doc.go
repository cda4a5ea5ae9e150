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
//   - The file store loses nothing that Append returned for once Flush has returned (a process kill), or
//     once synced (Sync, the SyncInterval timer, or every Flush when SyncAlways; a power loss); on open
//     it truncates a torn last record, reports a corrupt record with file and offset and serves
//     everything else; it never panics on what it reads.
//
// # The file store's format
//
// A store directory holds <id>.seg segment files (ids ascending with sequence) and, beside each
// sealed segment, <id>.idx. A segment is a sequence of records (record.go has the exact layout):
// crc32c, length, type, seq, time, ttl, subject, headers, payload. The types:
//
//   - message: one stored message.
//   - erased: a message removed with erase, rewritten in place with zeroed headers and payload.
//   - tombstone: seq was removed; it carries the subject, record length and MsgSize of what it removes,
//     so counts can be corrected for a segment recovered from its index file.
//   - mark: LastSeq, LastTime and a floor (every sequence below it is gone). Every segment starts with
//     one, and a removal of the store's first messages (purge up to, SkipTo, age expiry, purge of all)
//     is a single mark rather than a tombstone per message.
//
// Only the last (active) segment is appended to. Appends go to a write buffer, written with one write when
// Flush is called or it passes 1 MiB; reads of buffered records come from the buffer. A segment is sealed
// when the next record would take it past SegmentSize: its index file (index.go) is written with its
// offset table, per-subject counts and bounds, times, TTLs, the tombstones it holds for older segments,
// its mark, its length and a checksum. A sealed segment left with no live message is deleted (its
// tombstones for segments still present are appended to the active one first); one less than half live
// is rewritten without dead records (to a temporary file, fsynced, renamed; its index removed first and
// written again after). A purge of everything starts a new segment with a mark, fsyncs it, then deletes
// the rest.
//
// In memory a FileStore holds, per segment, a []uint32 offset table by sequence (a sentinel for removed),
// counts, min/max time and per-subject counts with bounds; per subject, count, first and last (repaired
// lazily from the one segment holding a stale bound); a TTL heap. About 4 bytes of heap per message of
// one subject; payloads are read from disk with ReadAt.
//
// # Recovery
//
// OpenFile takes the segments in order. A sealed segment whose index file is present, checksums and
// records the segment's current length is loaded from it, then its tombstones applied; the active
// segment, and a sealed one without a usable index, is scanned record by record (and its index written
// again). While scanning, a damaged stretch (bad checksum, impossible length or type) is skipped to the
// next offset holding a valid record; it is a problem (logged as an error, kept by Problems, wrapping
// ErrCorrupt with file and offset) unless it runs to the end of the last segment, where it is a torn
// write: the file is truncated there and a warning logged. A tombstone applies only to a sequence still
// live, so a tombstone met twice, or for a record already compacted away, changes nothing. LastSeq and
// LastTime are the highest of the segments' sequences and marks; finally everything below the highest
// mark floor is removed. A record that fails its checksum when read later (a segment trusted from its
// index) is reported the same way and that message alone is unreadable.
//
// A failed write (ENOSPC or any error) truncates the active segment back to its last good length and
// undoes the messages the buffer held, so LastSeq returns to the last successful Flush, and that Flush-or-
// Append error is ErrNoSpace; Append refuses until Flush has reported it, so a batch is never acknowledged
// in part.
//
// Memory is the reference: the property test drives both implementations with the same random operations
// and requires the same answers.
package store
