package stream

import (
	"fmt"
	"sync"
	"time"

	"github.com/reactor-nats/reactor/stream/store"
)

// Stream is one stream: its configuration, its store, and the writer that feeds the store from captured
// publishes. The API (api*.go) reads through Store and changes the stream only through the methods here,
// each of which applies one ordered entry (apply.go).
type Stream struct {
	acct    *Account
	name    string // cfg.Name, which no update changes; for logs outside the lock
	created time.Time
	store   store.Store // safe for concurrent use; written only by apply, under mu
	dir     string      // the stream's directory, for a file stream; "" in memory

	in ingest // the pending batches and the writer (ingest.go); its own lock, never held with mu

	mu        sync.Mutex // the stream's lock: every field below, and every entry applied
	cfg       Config
	cancel    func() // ends the capture of cfg.Subjects
	stopped   bool
	dedupe    dedupe      // Nats-Msg-Id within duplicate_window
	lastMsgID string      // Nats-Msg-Id of the last stored message ("" when it had none)
	lastTime  int64       // the latest time given to a message: times never decrease
	accounted int64       // the bytes this stream has added to its account's usage
	expiry    expiry      // the one timer for max_age and per-message TTLs
	emptied   []store.Msg // scratch for an expiry's emptied subjects (marker.go)
	ttlHdr    []byte      // scratch for a publish's header block with its TTL raised (marker.go)
	ackPrefix []byte      // `{"stream":"<name>"` (+ the domain), the start of every pub-ack
	errSuffix []byte      // `,"stream":"<name>","seq":0}`, the end of every failed pub-ack

	// interest reports whether any consumer wants seq; nil until consumers exist. An interest stream
	// keeps a message only while it does (nats-server stores nothing while there are no consumers).
	interest func(seq uint64, subject string) bool

	consumers map[string]*Consumer // by name (consumer_stream.go)
	clock     clock                // the one timer of the stream's consumers; its own lock
}

// newStream opens a stream over st (already holding whatever was recovered) and starts capturing its
// subjects. cfg has been validated and defaulted by the caller. dir is a file stream's directory ("" for
// a memory stream), where a clean stop leaves the duplicate window (dedupesnap.go).
func newStream(a *Account, cfg Config, created time.Time, st store.Store, dir string) (*Stream, error) {
	s := &Stream{acct: a, name: cfg.Name, cfg: cfg, created: created, store: st, dir: dir}
	s.in.init()
	s.ackPrefix, s.errSuffix = ackFrame(cfg.Name, s.domain())

	state := st.State()
	if state.LastSeq == 0 && state.Msgs == 0 && cfg.FirstSeq > 1 {
		if err := st.SkipTo(cfg.FirstSeq); err != nil {
			return nil, fmt.Errorf("stream %s: first_seq %d: %w", cfg.Name, cfg.FirstSeq, err)
		}
	}
	s.lastTime = state.LastTime
	s.dedupe.window = dupWindow(cfg)
	s.recoverDedupe(time.Now().UnixNano())
	s.mu.Lock()
	res, err := s.apply(&entry{kind: entryExpire, now: time.Now().UnixNano()}) // what aged while stopped
	s.flushMarkers(res.marked)
	s.mu.Unlock()
	if err != nil {
		s.logger().Error().Err(err).Str("stream", s.name).Msg("expiry at open")
	}

	s.recoverConsumers()
	cancel, err := a.mgr.host.Capture(a.Name(), cfg.Subjects, s)
	if err != nil {
		s.clock.stop()
		s.mu.Lock()
		s.expiry.stop()
		s.releaseUsage()
		s.mu.Unlock()
		return nil, fmt.Errorf("stream %s: capture %v: %w", cfg.Name, cfg.Subjects, err)
	}
	s.cancel = cancel
	return s, nil
}

func (s *Stream) Config() Config {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg
}

func (s *Stream) Created() time.Time { return s.created }
func (s *Stream) Store() store.Store { return s.store }

// Update applies a configuration the caller has validated as an allowed change of the current one: the
// new subjects are captured, the new limits enforced at once.
func (s *Stream) Update(cfg Config) error {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return store.ErrClosed
	}
	res, err := s.apply(&entry{kind: entryConfig, cfg: cfg, now: time.Now().UnixNano()})
	s.flushMarkers(res.marked)
	s.mu.Unlock()
	if res.marked > 0 {
		s.notifyConsumers()
	}
	return err
}

// Purge removes messages as store.Purge does, as an ordered entry.
func (s *Stream) Purge(filter string, upTo, keep uint64) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	res, err := s.apply(&entry{kind: entryPurge, filter: filter, upTo: upTo, keep: keep})
	return res.removed, err
}

// RemoveMsg removes one message, as an ordered entry. Consumers of a workqueue (or interest) stream
// remove what they acknowledged through it.
func (s *Stream) RemoveMsg(seq uint64, erase bool) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	res, err := s.apply(&entry{kind: entryRemove, seq: seq, erase: erase})
	return res.removed > 0, err
}

// Stop ends capture, lets the writer finish what it holds (every accepted publish is stored and
// acknowledged), stops the expiry timer, takes the stream's bytes off its account and closes the store.
func (s *Stream) Stop() {
	if s.halt() {
		_ = s.store.Close()
	}
}

// Delete stops the stream (if Stop has not) and removes its stored messages.
func (s *Stream) Delete() error {
	s.halt()
	return s.store.Delete()
}

// halt is Stop without closing the store; false when the stream was stopped already.
func (s *Stream) halt() bool {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return false
	}
	s.stopped = true
	cancel := s.cancel
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	s.in.stop() // waits for the writer: it takes mu, so not held here
	s.stopConsumers()
	s.mu.Lock()
	s.expiry.stop()
	s.releaseUsage()
	s.saveDedupe()
	s.mu.Unlock()
	return true
}

// domain is the JetStream domain named in pub-acks; "" until Options carries one.
func (s *Stream) domain() string { return "" }

// reconcileUsage brings the account's usage in line with the store's bytes; called under mu after
// every entry that changed the store.
func (s *Stream) reconcileUsage() {
	b := int64(s.store.State().Bytes)
	if d := b - s.accounted; d != 0 {
		s.acct.used(s.cfg.Storage, d)
		s.accounted = b
	}
}

// releaseUsage takes everything this stream counted off its account.
func (s *Stream) releaseUsage() {
	if s.accounted != 0 {
		s.acct.used(s.cfg.Storage, -s.accounted)
		s.accounted = 0
	}
}
