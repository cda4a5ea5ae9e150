package stream

import (
	"cmp"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// A consumer of a file stream keeps a directory, <stream dir>/obs/<name>/, in the format of the stream's
// meta file (a line of JSON and a line of its CRC-32C, replaced whole through a temporary file):
//
//   - meta.json: its configuration and creation time, written and synced at create (before the consumer
//     exists for anyone) and at update.
//   - state.json: where it is: the next stream sequence to look at, delivered, ack floor, the pending acks
//     (stream sequence, consumer sequence, deliveries) and the redeliver queue. Written at create, then
//     at most every stateWriteDelay while it changes, by the stream's clock (never on an event loop,
//     never an fsync per ack), and synced when the stream stops.
//
// A process killed in between loses at most the last stateWriteDelay of changes: acks then forgotten
// are redelivered (at-least-once), a delivery forgotten is delivered again; nothing acknowledged is
// skipped. Deleting the consumer removes its directory; deleting the stream removes all of them.
const (
	obsDir            = "obs"
	consumerStateFile = "state.json"
	stateWriteDelay   = 100 * time.Millisecond
)

type consumerMeta struct {
	Config  ConsumerConfig `json:"config"`
	Created time.Time      `json:"created"`
}

type consumerState struct {
	NextSeq   uint64         `json:"next_seq"`
	Delivered SequenceInfo   `json:"delivered"`
	AckFloor  SequenceInfo   `json:"ack_floor"`
	Pending   []pendingState `json:"pending,omitempty"` // by stream sequence
	Redeliver []uint64       `json:"redeliver,omitempty"`
	LastPer   []uint64       `json:"last_per_subject,omitempty"` // deliver last_per_subject: still to deliver
}

type pendingState struct {
	Seq        uint64 `json:"stream_seq"`
	Cseq       uint64 `json:"consumer_seq"`
	Deliveries uint64 `json:"deliveries"`
	// Due is when the delivery is due again (unix ns), so a restart keeps its ack_wait running from the
	// delivery as nats-server does (observed: a message delivered 2.5 s before a kill -9 with ack_wait 4s
	// came again 1.5 s after the restart); 0 when not known (past max_deliver, or an older state file).
	Due int64 `json:"due,omitempty"`
}

// consumerFiles is a consumer's directory and how far it has been written. Its lock comes after the
// stream's and before the consumer's: a write snapshots the state under Consumer.mu, then writes without.
type consumerFiles struct {
	dir string // "" for a consumer of a memory stream: nothing is kept; set at construction

	mu      sync.Mutex
	saved   uint64 // Consumer.changes as last written
	synced  uint64 // Consumer.changes as last written and synced
	removed bool   // the consumer was deleted: write nothing more
}

// consumerDir is the directory of the stream's consumer with cfg; "" for a memory stream or a consumer
// that asked for memory storage (nats.go's ordered consumers do), which keeps nothing and is not
// recovered.
func (s *Stream) consumerDir(cfg ConsumerConfig) string {
	if s.dir == "" || cfg.MemoryStorage {
		return ""
	}
	return filepath.Join(s.dir, obsDir, cfg.Name)
}

// createFiles writes a new consumer's directory: state first, so a meta file always has a state beside
// it. Called before anyone else can reach c.
func (c *Consumer) createFiles() error {
	dir := c.files.dir
	if dir == "" {
		return nil
	}
	err := os.MkdirAll(dir, 0o750)
	if err == nil {
		err = writeChecked(dir, consumerStateFile, c.snapshot(), true)
	}
	if err == nil {
		err = writeChecked(dir, metaFile, consumerMeta{Config: c.cfg, Created: c.created}, true)
	}
	if err != nil {
		_ = os.RemoveAll(dir)
	}
	return err
}

// writeConfig stores the consumer's configuration after an update.
func (c *Consumer) writeConfig() {
	c.files.mu.Lock()
	defer c.files.mu.Unlock()
	if c.files.dir == "" || c.files.removed {
		return
	}
	c.mu.Lock()
	meta := consumerMeta{Config: c.cfg, Created: c.created}
	c.mu.Unlock()
	if err := writeChecked(c.files.dir, metaFile, meta, true); err != nil {
		c.s.logger().Error().Err(err).Str("stream", c.s.name).Str("consumer", c.name).Msg("consumer config not written")
	}
}

// changed records a change of the consumer's state and has the clock write it within stateWriteDelay.
// Under mu.
func (c *Consumer) changed(now int64) {
	c.changes++
	if c.files.dir != "" && c.saveDue == 0 {
		c.saveDue = now + int64(stateWriteDelay)
		c.schedule(c.saveDue)
	}
}

// snapshot is the consumer's state as state.json holds it. Under mu (or before c is published).
func (c *Consumer) snapshot() consumerState {
	st := consumerState{NextSeq: c.nextSeq, Delivered: c.deliveredInfo(), AckFloor: c.ackFloorInfo()}
	st.Pending = make([]pendingState, 0, len(c.pending))
	for _, seq := range c.pendingOrder { // ascending
		if p := c.pending[seq]; p != nil {
			ps := pendingState{Seq: seq, Cseq: p.cseq, Deliveries: p.deliveries}
			if p.deadline != maxTime {
				ps.Due = p.deadline
			}
			st.Pending = append(st.Pending, ps)
		}
	}
	for _, seq := range c.redeliver {
		// An entry whose delivery was acknowledged, redelivered or delayed since is left for next to skip.
		if p := c.pending[seq]; p != nil && p.queued && !slices.Contains(st.Redeliver, seq) {
			st.Redeliver = append(st.Redeliver, seq)
		}
	}
	st.LastPer = slices.Clone(c.lastPer)
	return st
}

// save writes the state if it changed since the last write (synced: since the last synced write).
// Called without mu.
func (c *Consumer) save(synced bool) {
	c.files.mu.Lock()
	defer c.files.mu.Unlock()
	if c.files.dir == "" || c.files.removed {
		return
	}
	c.mu.Lock()
	changes := c.changes
	if changes <= c.files.saved && (!synced || changes <= c.files.synced) {
		c.mu.Unlock()
		return
	}
	st := c.snapshot()
	c.mu.Unlock()
	if err := writeChecked(c.files.dir, consumerStateFile, st, synced); err != nil {
		c.s.logger().Error().Err(err).Str("stream", c.s.name).Str("consumer", c.name).Msg("consumer state not written")
		return
	}
	c.files.saved = changes
	if synced {
		c.files.synced = changes
	}
}

// unixNano is t in unix ns, 0 for nil.
func unixNano(t *time.Time) int64 {
	if t == nil {
		return 0
	}
	return t.UnixNano()
}

// removeFiles deletes the consumer's directory; nothing is written to it afterwards. Called under the
// stream's lock, so that a consumer of the same name created next is not removed with it.
func (c *Consumer) removeFiles() {
	c.files.mu.Lock()
	defer c.files.mu.Unlock()
	c.files.removed = true
	if c.files.dir == "" {
		return
	}
	if err := os.RemoveAll(c.files.dir); err != nil {
		c.s.logger().Error().Err(err).Str("stream", c.s.name).Str("consumer", c.name).Msg("consumer directory not removed")
	}
}

// recoverConsumers restores the consumers a file stream kept, before the stream captures anything. A
// consumer whose files cannot be read, or whose configuration is no longer acceptable, is logged and
// skipped.
func (s *Stream) recoverConsumers() {
	if s.dir == "" {
		return
	}
	obs := filepath.Join(s.dir, obsDir)
	entries, err := os.ReadDir(obs)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.logger().Error().Err(err).Str("stream", s.name).Msg("cannot list consumers")
		}
		return
	}
	now := time.Now().UnixNano()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		c, err := s.loadConsumer(e.Name(), now)
		if err != nil {
			s.logger().Error().Err(err).Str("stream", s.name).Str("dir", filepath.Join(obs, e.Name())).Msg("consumer not recovered")
			continue
		}
		if s.consumers == nil {
			s.consumers = map[string]*Consumer{}
		}
		s.consumers[c.name] = c
		s.interest = s.anyConsumerWants
		c.mu.Lock()
		c.scheduleNext(now)
		c.mu.Unlock()
		c.start()
	}
}

// loadConsumer reads the consumer kept in obs/name. Its pending acks are due again ack_wait from now.
func (s *Stream) loadConsumer(name string, now int64) (*Consumer, error) {
	dir := filepath.Join(s.dir, obsDir, name)
	var meta consumerMeta
	if err := readChecked(dir, metaFile, &meta); err != nil {
		return nil, err
	}
	if meta.Config.Name != name {
		return nil, errors.New("meta: consumer " + meta.Config.Name + " in the directory of " + name)
	}
	cfg, apiErr := checkConsumerConfig(meta.Config, s.cfg)
	if apiErr != nil {
		return nil, apiErr
	}
	var st consumerState
	if err := readChecked(dir, consumerStateFile, &st); err != nil {
		return nil, err
	}
	c := &Consumer{s: s, name: name, created: meta.Created, cfg: cfg, files: consumerFiles{dir: dir},
		pending: make(map[uint64]*pendingAck, len(st.Pending)), active: now, lastSent: now,
		nextSeq: st.NextSeq, lastPer: st.LastPer, delivered: st.Delivered, ackFloor: st.AckFloor,
		deliveredAt: unixNano(st.Delivered.Last), ackedAt: unixNano(st.AckFloor.Last)}
	c.delivered.Last, c.ackFloor.Last = nil, nil
	c.pushing.Store(cfg.push())
	slices.SortFunc(st.Pending, func(a, b pendingState) int { return cmp.Compare(a.Seq, b.Seq) })
	for _, p := range st.Pending {
		due := p.Due
		if due == 0 {
			due = now + c.ackWaitFor(p.Deliveries)
		}
		c.addPending(p.Seq, p.Cseq, due)
		c.pending[p.Seq].deliveries = p.Deliveries
	}
	for _, seq := range st.Redeliver {
		if p := c.pending[seq]; p != nil {
			c.queueRedelivery(p)
		}
	}
	c.expireAcks(now) // what came due while the server was down is due now, before any request is served
	return c, nil
}
