package store

import "errors"

// Msg is a stored message. Its slices belong to the caller once returned: a store never reuses them.
type Msg struct {
	Seq     uint64
	Time    int64 // unix nanoseconds, as the stream assigned it
	Subject string
	Hdr     []byte // the NATS/1.0 header block, nil when the message has none
	Data    []byte
	TTL     int64 // seconds from Nats-TTL: 0 none (stream's max_age applies), -1 never expires
}

// SubjectState summarises the messages on one subject (or matching one filter).
type SubjectState struct {
	Msgs  uint64
	First uint64 // lowest sequence; 0 when Msgs is 0
	Last  uint64 // highest sequence
}

// State is a store's summary, as a stream's info reports it.
type State struct {
	Msgs        uint64
	Bytes       uint64
	FirstSeq    uint64 // LastSeq+1 when the store is empty
	LastSeq     uint64
	FirstTime   int64 // unix nanoseconds; 0 when empty
	LastTime    int64 // time of LastSeq, kept across purges
	NumDeleted  int   // interior gaps between FirstSeq and LastSeq
	NumSubjects int
}

// Errors a store returns; callers test them with errors.Is.
var (
	ErrNotFound = errors.New("store: no message found")  // no such sequence, or nothing matches
	ErrClosed   = errors.New("store: closed")            // used after Close or Delete
	ErrNoSpace  = errors.New("store: no space left")     // the disk refused a write; nothing was stored
	ErrCorrupt  = errors.New("store: corrupt record")    // wrapped with the file and offset
	ErrTooLarge = errors.New("store: message too large") // beyond what a record can frame
)

// Store is the interface both implementations satisfy.
type Store interface {
	// Append stores a message at LastSeq+1 and returns that sequence. On error nothing was stored.
	Append(subject string, hdr, data []byte, ts int64, ttl int64) (uint64, error)
	// SkipTo moves an empty-or-not store's next sequence to seq (first_seq of a new stream, or a purge
	// beyond LastSeq): messages below seq are removed and FirstSeq becomes seq.
	SkipTo(seq uint64) error

	// Load returns the message at seq; ErrNotFound when it is absent or deleted.
	Load(seq uint64) (Msg, error)
	// LoadNext returns the first message at or after start whose subject matches filter (a subject with
	// wildcards; "" and ">" match all).
	LoadNext(filter string, start uint64) (Msg, error)
	// LoadLast returns the last message whose subject matches filter.
	LoadLast(filter string) (Msg, error)

	// Remove deletes seq, overwriting its bytes on disk when erase; false when it was not there.
	Remove(seq uint64, erase bool) (bool, error)
	// Purge removes messages matching filter ("" all) with sequence below upTo (0: no bound), then keeps
	// the newest keep of what would have gone (0: keep none), as nats-server's purge request: upTo and keep
	// are never both set. A purge of everything sets FirstSeq to LastSeq+1; upTo beyond LastSeq+1 moves
	// FirstSeq (and the next sequence) to upTo. Returns how many messages went.
	Purge(filter string, upTo, keep uint64) (uint64, error)
	// ExpireBefore removes messages stored before cutoff (unix ns) except those whose TTL is never,
	// walking from the first sequence: a TTL of its own longer than max_age does not keep a message, as
	// on nats-server. Returns how many went. When emptied is not nil, it is given (appended, ascending by
	// sequence) the last message removed from each subject the expiry left without messages, without its
	// payload.
	ExpireBefore(cutoff int64, emptied *[]Msg) (uint64, error)
	// ExpireTTL removes messages whose own TTL ended at or before now, reporting emptied subjects as
	// ExpireBefore does; NextTTL is the earliest such end still ahead (0 when none), so a stream needs one
	// timer, never a scan.
	ExpireTTL(now int64, emptied *[]Msg) (uint64, error)
	NextTTL() int64

	State() State
	// Deleted lists the interior deleted sequences, ascending (stream info's "deleted" detail).
	Deleted() []uint64
	// SubjectState is the state of one literal subject, in constant time.
	SubjectState(subject string) SubjectState
	// FilteredState summarises messages at or after start matching filter.
	FilteredState(filter string, start uint64) SubjectState
	// Subjects counts messages per subject matching filter (stream info's subjects_filter).
	Subjects(filter string) map[string]uint64

	// Flush hands everything appended to the OS; the stream writer calls it once per batch before
	// acknowledging, so a kill -9 after an ack loses nothing. When Flush (or an Append that filled the
	// write buffer) fails with ErrNoSpace, every message appended since the last successful Flush is
	// gone again: LastSeq is back where that Flush left it. A memory store does nothing.
	Flush() error
	// Sync makes everything appended so far durable. A memory store does nothing.
	Sync() error
	// Close syncs and releases files; Delete closes and removes everything the store wrote.
	Close() error
	Delete() error
}

// MsgSize is the bytes nats-server's file store counts for a message.
func MsgSize(subject string, hdr, data []byte) uint64 {
	size := uint64(len(subject) + len(hdr) + len(data) + 30)
	if len(hdr) > 0 {
		size += 4 // nats-server frames a header block with its length
	}
	return size
}

// MemMsgSize is the bytes nats-server's memory store counts for a message.
func MemMsgSize(subject string, hdr, data []byte) uint64 {
	return uint64(len(subject) + len(hdr) + len(data) + 16)
}
