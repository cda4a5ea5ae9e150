package stream

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// A file stream stopped cleanly leaves its duplicate window in its directory (dedupeFile), so that the
// next start need not read every message stored within the window to rebuild it: with 1M messages inside
// a 2-minute window that walk was most of a restart. The file is read and removed at open, before anything
// is appended, and used only when it describes the store as found (same last sequence); after a crash there
// is none, and the window is rebuilt from the messages' headers.
const dedupeFile = "dedupe.json"

type dedupeSnapshot struct {
	LastSeq   uint64          `json:"last_seq"`
	LastMsgID string          `json:"last_msg_id,omitempty"`
	IDs       []dedupeSnapped `json:"ids,omitempty"`
}

type dedupeSnapped struct {
	ID  string `json:"id"`
	Seq uint64 `json:"seq"`
	TS  int64  `json:"ts"`
}

// saveDedupe writes the window of a stopped stream; called under mu once the writer has ended. A failure
// costs only the walk at the next start.
func (s *Stream) saveDedupe() {
	if s.dir == "" {
		return
	}
	snap := dedupeSnapshot{LastSeq: s.store.State().LastSeq, LastMsgID: s.lastMsgID}
	for _, e := range s.dedupe.fifo[s.dedupe.head:] {
		if cur, ok := s.dedupe.ids[e.id]; ok && cur.seq == e.seq {
			snap.IDs = append(snap.IDs, dedupeSnapped{ID: e.id, Seq: e.seq, TS: e.ts})
		}
	}
	data, err := json.Marshal(snap)
	if err == nil {
		tmp := filepath.Join(s.dir, dedupeFile+".tmp")
		if err = os.WriteFile(tmp, data, 0o640); err == nil {
			err = os.Rename(tmp, filepath.Join(s.dir, dedupeFile))
		}
	}
	if err != nil {
		s.logger().Warn().Err(err).Str("stream", s.name).Msg("duplicate window not saved; it will be rebuilt at start")
	}
}

// loadDedupe restores the window saved by the last clean stop, and removes the file; false when there is
// none that fits the store, and the window must be rebuilt from the messages.
func (s *Stream) loadDedupe(lastSeq uint64, now int64) bool {
	if s.dir == "" {
		return false
	}
	path := filepath.Join(s.dir, dedupeFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	if err := os.Remove(path); err != nil { // never trusted twice: the store changes from now on
		return false
	}
	var snap dedupeSnapshot
	if json.Unmarshal(data, &snap) != nil || snap.LastSeq != lastSeq {
		return false
	}
	cutoff := now - int64(s.dedupe.window)
	for _, e := range snap.IDs {
		if e.TS >= cutoff {
			s.dedupe.add(e.ID, e.Seq, e.TS)
		}
	}
	s.lastMsgID = snap.LastMsgID
	return true
}
