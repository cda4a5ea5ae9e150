package store

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// FileConfig configures a FileStore; zero values take the defaults.
type FileConfig struct {
	SegmentSize  int64         // a segment is sealed once it would grow past this; default 8 MiB, at most 1 GiB
	SyncInterval time.Duration // the store fsyncs written segments this often; default 2 minutes
	SyncAlways   bool          // Flush also fsyncs, so an acknowledged message survives a power loss
	Logger       zerolog.Logger
}

const (
	defaultSegmentSize  = 8 << 20
	maxSegmentSize      = 1 << 30
	defaultSyncInterval = 2 * time.Minute
	flushThreshold      = 1 << 20 // Append writes the buffer out once it holds this much
	readAhead           = 512     // one Load reads this much, and once more only for a longer record
	scanWindow          = 256 << 10
)

// FileStore keeps a stream's messages in segment files under dir (see doc.go for the format). Payloads
// live only on disk (and in the write buffer until Flush); memory holds per-segment offset tables and
// per-subject summaries.
type FileStore struct {
	mu  sync.Mutex // guards everything below; held across disk reads and writes
	dir string
	cfg FileConfig
	log zerolog.Logger

	segs []*segment // ascending by sequence; the last is the active one, the only one appended to
	wbuf []byte     // message records appended to the active segment after its size, not yet written

	subjects map[string]*fileSubject
	ttls     map[uint64]int64 // live messages with a TTL of their own: ttlEnd (math.MaxInt64 never ends)
	ttlq     ttlHeap          // the ones that end, by end

	msgs, bytes uint64
	first, last uint64 // lowest live sequence (last+1 when empty); highest assigned
	firstTime   int64
	lastTime    int64

	flushedLast     uint64 // last and lastTime when the write buffer was last emptied, for undoing it
	flushedLastTime int64
	// lost is set when a failed write undid appends; Append refuses and Flush reports it until a Flush
	// has, so a batch is never acknowledged in part.
	lost error

	problems    []error
	problemSeen map[string]bool
	readBuf     []byte // scratch for single reads
	scanBuf     []byte // scratch for segReader windows
	walkRec     record // scratch for eachLive's records (aliasing scanBuf or wbuf)
	// win is the window scanBuf holds, kept between calls so that a walk made of many calls (LoadNext
	// from sequence after sequence, as a consumer reads) costs one read per window, not one per call.
	// Cleared wherever bytes already written change: erase, a segment's rewrite or removal.
	win          segWindow
	dirDirty     bool // files created or removed since the last directory fsync
	closed       bool
	stopSync     chan struct{}
	syncFinished chan struct{}
}

// fileSubject is one subject's live messages in the whole store; first and last are bounds while stale.
type fileSubject struct {
	name                  string
	msgs                  uint64
	first, last           uint64
	firstStale, lastStale bool
}

var _ Store = (*FileStore)(nil)

// OpenFile opens (or creates) the file store in dir, recovering what it holds.
func OpenFile(dir string, cfg FileConfig) (*FileStore, error) {
	if cfg.SegmentSize <= 0 {
		cfg.SegmentSize = defaultSegmentSize
	}
	cfg.SegmentSize = min(cfg.SegmentSize, maxSegmentSize)
	if cfg.SyncInterval <= 0 {
		cfg.SyncInterval = defaultSyncInterval
	}
	fs := &FileStore{
		dir: dir, cfg: cfg, log: cfg.Logger,
		subjects: map[string]*fileSubject{}, ttls: map[uint64]int64{}, problemSeen: map[string]bool{},
		first: 1,
	}
	if err := os.MkdirAll(fs.dir, 0o750); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if err := fs.recover(); err != nil {
		fs.closeFiles()
		return nil, err
	}
	fs.stopSync, fs.syncFinished = make(chan struct{}), make(chan struct{})
	go fs.syncLoop()
	return fs, nil
}

// Problems lists the corrupt records found, at open or since, each wrapping ErrCorrupt with its file and
// offset.
func (fs *FileStore) Problems() []error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]error(nil), fs.problems...)
}

// corrupt records a problem (once per place) and returns it.
func (fs *FileStore) corrupt(path string, off int64, reason string) error {
	err := fmt.Errorf("%w: %s offset %d: %s", ErrCorrupt, path, off, reason)
	key := fmt.Sprintf("%s:%d", path, off)
	if !fs.problemSeen[key] {
		fs.problemSeen[key] = true
		fs.problems = append(fs.problems, err)
		fs.log.Error().Str("file", path).Int64("offset", off).Str("reason", reason).Msg("store: corrupt record")
	}
	return err
}

func (fs *FileStore) active() *segment { return fs.segs[len(fs.segs)-1] }

// segFor is the segment whose range holds seq, or nil.
func (fs *FileStore) segFor(seq uint64) *segment {
	lo, hi := 0, len(fs.segs)
	for lo < hi { // the first segment ending after seq
		mid := (lo + hi) / 2
		if fs.segs[mid].end() <= seq {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(fs.segs) && fs.segs[lo].has(seq) {
		return fs.segs[lo]
	}
	return nil
}

func (fs *FileStore) Append(subject string, hdr, data []byte, ts int64, ttl int64) (uint64, error) {
	if err := checkSizes(subject, hdr, data); err != nil {
		return 0, err
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.closed {
		return 0, ErrClosed
	}
	if fs.lost != nil {
		return 0, fs.lost
	}
	n := recordLen(subject, hdr, data)
	act := fs.active()
	if len(act.offsets) > 0 && act.size+int64(len(fs.wbuf)+n) > fs.cfg.SegmentSize {
		if err := fs.rollover(); err != nil {
			return 0, err
		}
		act = fs.active()
	}
	seq := fs.last + 1
	off := act.size + int64(len(fs.wbuf))
	fs.wbuf = appendRecord(fs.wbuf, recMsg, seq, ts, ttl, subject, hdr, data)
	act.offsets = append(act.offsets, uint32(off))
	fs.last, fs.lastTime = seq, ts
	fs.index(act, seq, subject, MsgSize(subject, hdr, data), int64(n), ts, ttl)
	if len(fs.wbuf) >= flushThreshold {
		if err := fs.flushLocked(); err != nil {
			return 0, err
		}
	}
	return seq, nil
}

// index adds a live message at seq of sg (whose offset table already holds it) to the indexes.
func (fs *FileStore) index(sg *segment, seq uint64, subject string, size uint64, recLen, ts, ttl int64) {
	if sg.live == 0 && sg.minTime == 0 && sg.maxTime == 0 {
		sg.minTime = ts
	}
	sg.minTime, sg.maxTime = min(sg.minTime, ts), max(sg.maxTime, ts)
	sg.live++
	sg.liveBytes += size
	sg.liveRec += recLen
	fs.msgs++
	fs.bytes += size
	if fs.msgs == 1 || seq < fs.first {
		fs.first, fs.firstTime = seq, ts
	}
	fsj := fs.subjects[subject]
	if fsj == nil {
		fsj = &fileSubject{name: strings.Clone(subject), first: seq}
		fs.subjects[fsj.name] = fsj
	}
	fsj.msgs++
	if fsj.msgs == 1 {
		fsj.first, fsj.firstStale = seq, false
	}
	fsj.last, fsj.lastStale = seq, false
	ss := sg.subjects[subject]
	if ss == nil {
		if sg.subjects == nil {
			sg.subjects = map[string]*segSubject{}
		}
		ss = &segSubject{first: seq}
		sg.subjects[fsj.name] = ss
	}
	ss.msgs++
	if ss.msgs == 1 {
		ss.first = seq
	}
	ss.last = seq
	if ttl != 0 {
		end := ttlEnd(ts, ttl)
		fs.ttls[seq] = end
		sg.ttlLive++
		if ttl > 0 {
			fs.ttlq.push(end, seq)
		}
	}
}

// unindex removes the live message seq of sg from the indexes; the caller fixes first afterwards.
func (fs *FileStore) unindex(sg *segment, seq uint64, subject string, size uint64, recLen int64) {
	sg.offsets[seq-sg.first] = deletedSlot
	sg.live--
	sg.liveBytes -= size
	sg.liveRec -= recLen
	if _, ok := fs.ttls[seq]; ok {
		delete(fs.ttls, seq)
		sg.ttlLive--
	}
	fs.msgs--
	fs.bytes -= size
	if ss := sg.subjects[subject]; ss != nil {
		ss.msgs--
		switch {
		case ss.msgs == 0:
			delete(sg.subjects, subject)
		case seq == ss.first || seq == ss.last:
			ss.stale = true
		}
	}
	if fsj := fs.subjects[subject]; fsj != nil {
		fsj.msgs--
		switch {
		case fsj.msgs == 0:
			delete(fs.subjects, subject)
		case seq == fsj.first:
			fsj.firstStale = true
		case seq == fsj.last:
			fsj.lastStale = true
		}
	}
}

// fixFirst moves first to the lowest live sequence (last+1 when none) and reads its time.
func (fs *FileStore) fixFirst() {
	if fs.msgs == 0 {
		fs.first, fs.firstTime = fs.last+1, 0
		return
	}
	for _, sg := range fs.segs {
		if sg.live == 0 || sg.end() <= fs.first {
			continue
		}
		seq, ok := sg.nextLive(fs.first)
		if !ok {
			continue
		}
		if seq != fs.first || fs.firstTime == 0 {
			fs.first, fs.firstTime = seq, 0
			if r, err := fs.readMsg(sg, seq); err == nil {
				fs.firstTime = r.time
			}
		}
		return
	}
}

// Flush writes the buffered records out with one write (and fsyncs when SyncAlways).
func (fs *FileStore) Flush() error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.closed {
		return ErrClosed
	}
	if err := fs.lost; err != nil {
		fs.lost = nil
		return err
	}
	return fs.flushLocked()
}

func (fs *FileStore) flushLocked() error {
	if len(fs.wbuf) == 0 {
		return nil
	}
	act := fs.active()
	if _, err := act.f.WriteAt(fs.wbuf, act.size); err != nil {
		return fs.failWrite(act, err)
	}
	if fs.cfg.SyncAlways {
		if err := act.f.Sync(); err != nil {
			return fs.failWrite(act, err)
		}
	} else {
		act.dirty = true
	}
	act.size += int64(len(fs.wbuf))
	fs.wbuf = fs.wbuf[:0]
	fs.flushedLast, fs.flushedLastTime = fs.last, fs.lastTime
	return nil
}

// failWrite undoes a failed write of the buffer: the file is cut back to its last good length and the
// messages the buffer held leave the indexes, so nothing is half-stored.
func (fs *FileStore) failWrite(act *segment, cause error) error {
	_ = act.f.Truncate(act.size)
	err := fmt.Errorf("%w: %s: %w", ErrNoSpace, act.path, cause)
	fs.log.Error().Err(cause).Str("file", act.path).Msg("store: write failed; unflushed messages dropped")
	undone := false
	for b := fs.wbuf; len(b) > 0; {
		r, n, derr := decodeRecord(b)
		if derr != nil {
			break
		}
		if r.typ == recMsg && act.has(r.seq) && act.offsets[r.seq-act.first] != deletedSlot {
			fs.unindex(act, r.seq, fs.internedSubject(r.subject), MsgSize(string(r.subject), r.hdr, r.data), int64(n))
			undone = true
		}
		b = b[n:]
	}
	fs.wbuf = fs.wbuf[:0]
	if undone {
		act.offsets = act.offsets[:fs.flushedLast+1-act.first]
		fs.last, fs.lastTime = fs.flushedLast, fs.flushedLastTime
		fs.lost = err
		fs.fixFirst()
	}
	return err
}

// internedSubject is the store's copy of subject, or subject itself when the store holds none.
func (fs *FileStore) internedSubject(subject []byte) string {
	if fsj := fs.subjects[string(subject)]; fsj != nil {
		return fsj.name
	}
	return string(subject)
}

// rollover seals the active segment and starts the next one.
func (fs *FileStore) rollover() error {
	if err := fs.flushLocked(); err != nil {
		return err
	}
	old := fs.active()
	ns, err := fs.createSegment(old.id+1, false)
	if err != nil {
		return err
	}
	fs.seal(old)
	fs.segs = append(fs.segs, ns)
	return nil
}

// createSegment makes segment id, starting with a mark of the store's bounds (so LastSeq survives every
// older segment going), fsynced when sync.
func (fs *FileStore) createSegment(id uint32, sync bool) (*segment, error) {
	path := segPath(fs.dir, id)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoSpace, err)
	}
	m := markRec{last: fs.last, lastTime: fs.lastTime, floor: fs.first}
	rec := appendRecord(nil, recMark, m.last, m.lastTime, int64(m.floor), "", nil, nil)
	if _, err = f.WriteAt(rec, 0); err == nil && sync {
		err = f.Sync()
	}
	if err != nil {
		_ = f.Close()
		_ = os.Remove(path)
		return nil, fmt.Errorf("%w: %s: %w", ErrNoSpace, path, err)
	}
	fs.dirDirty = true
	return &segment{id: id, path: path, f: f, size: int64(len(rec)), first: fs.last + 1, mark: m, dirty: !sync}, nil
}

// seal marks sg full and writes its index file; a failed index write costs only a scan at the next open.
func (fs *FileStore) seal(sg *segment) {
	sg.sealed = true
	if err := fs.writeIndex(sg, sg.tombList); err != nil {
		fs.log.Warn().Err(err).Str("file", sg.path).Msg("store: index file not written; the segment will be scanned at open")
	}
	sg.tombList = nil
}

func (fs *FileStore) Load(seq uint64) (Msg, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.closed {
		return Msg{}, ErrClosed
	}
	sg := fs.segFor(seq)
	if sg == nil {
		return Msg{}, ErrNotFound
	}
	r, err := fs.readMsg(sg, seq)
	if err != nil {
		return Msg{}, err
	}
	return fs.msgOf(&r), nil
}

// msgOf copies a message record out into a Msg the caller owns: one allocation for headers and payload
// together, none for the subject, which is the store's interned copy (a string, so sharing it is safe).
func (fs *FileStore) msgOf(r *record) Msg {
	m := Msg{Seq: r.seq, Time: r.time, TTL: r.ttl, Subject: fs.internedSubject(r.subject)}
	body := make([]byte, len(r.hdr)+len(r.data))
	copy(body, r.hdr)
	copy(body[len(r.hdr):], r.data)
	if len(r.hdr) > 0 {
		m.Hdr = body[:len(r.hdr):len(r.hdr)]
	}
	m.Data = body[len(r.hdr):]
	return m
}

// readMsg reads the live message seq of sg; ErrNotFound when it is not live, ErrCorrupt (recorded as a
// problem) when its record is damaged. The record aliases a scratch buffer until the next read.
func (fs *FileStore) readMsg(sg *segment, seq uint64) (record, error) {
	off, ok := sg.liveAt(seq)
	if !ok {
		return record{}, ErrNotFound
	}
	r, err := fs.readRecord(sg, off)
	if err == nil && (r.typ != recMsg || r.seq != seq) {
		err = fs.corrupt(sg.path, off, fmt.Sprintf("record for sequence %d holds %d", seq, r.seq))
	}
	return r, err
}

// readRecord reads the record at off of sg, from the write buffer when it is not written yet.
func (fs *FileStore) readRecord(sg *segment, off int64) (record, error) {
	if off >= sg.size {
		if sg != fs.active() || off-sg.size >= int64(len(fs.wbuf)) {
			return record{}, fs.corrupt(sg.path, off, "offset beyond the segment")
		}
		r, _, err := decodeRecord(fs.wbuf[off-sg.size:])
		if err != nil {
			return record{}, fs.corrupt(sg.path, off, err.Error())
		}
		return r, nil
	}
	want := min(int64(readAhead), sg.size-off)
	for {
		if int64(cap(fs.readBuf)) < want {
			fs.readBuf = make([]byte, want)
		}
		buf := fs.readBuf[:want]
		if _, err := sg.f.ReadAt(buf, off); err != nil {
			return record{}, fs.corrupt(sg.path, off, err.Error())
		}
		r, _, err := decodeRecord(buf)
		if err == nil {
			return r, nil
		}
		if !errors.Is(err, errShort) || len(buf) < 9 {
			return record{}, fs.corrupt(sg.path, off, err.Error())
		}
		need := int64(uint32(buf[4]) | uint32(buf[5])<<8 | uint32(buf[6])<<16 | uint32(buf[7])<<24)
		if need <= want || off+need > sg.size {
			return record{}, fs.corrupt(sg.path, off, "record runs past the end of the segment")
		}
		want = need
	}
}

func (fs *FileStore) State() State {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	st := State{
		Msgs: fs.msgs, Bytes: fs.bytes, FirstSeq: fs.first, LastSeq: fs.last, LastTime: fs.lastTime,
		NumSubjects: len(fs.subjects),
	}
	if fs.msgs > 0 {
		st.FirstTime = fs.firstTime
		st.NumDeleted = int(fs.last - fs.first + 1 - fs.msgs)
	}
	return st
}

// Sync writes the buffer out and fsyncs every segment written since the last fsync.
func (fs *FileStore) Sync() error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.closed {
		return ErrClosed
	}
	return fs.syncLocked()
}

func (fs *FileStore) syncLocked() error {
	if err := fs.flushLocked(); err != nil {
		return err
	}
	for _, sg := range fs.segs {
		if sg.dirty {
			if err := sg.f.Sync(); err != nil {
				return fmt.Errorf("store: sync %s: %w", sg.path, err)
			}
			sg.dirty = false
		}
	}
	if fs.dirDirty {
		fs.dirDirty = false
		return SyncDir(fs.dir)
	}
	return nil
}

// SyncDir fsyncs directory dir, so that the files created, renamed or removed in it survive a crash.
// The stream package makes its meta file durable with it too.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// syncLoop fsyncs written segments every SyncInterval. It only syncs what is written: the buffer is the
// stream writer's to flush, so an interval never fails half a batch.
func (fs *FileStore) syncLoop() {
	defer close(fs.syncFinished)
	t := time.NewTicker(fs.cfg.SyncInterval)
	defer t.Stop()
	for {
		select {
		case <-fs.stopSync:
			return
		case <-t.C:
		}
		fs.mu.Lock()
		var files []*os.File
		for _, sg := range fs.segs {
			if sg.dirty {
				files = append(files, sg.f)
				sg.dirty = false
			}
		}
		fs.mu.Unlock()
		for _, f := range files {
			if err := f.Sync(); err != nil && !errors.Is(err, os.ErrClosed) {
				fs.log.Error().Err(err).Str("file", f.Name()).Msg("store: periodic sync failed")
			}
		}
	}
}

// Close flushes, syncs and closes the files.
func (fs *FileStore) Close() error {
	fs.mu.Lock()
	if fs.closed {
		fs.mu.Unlock()
		return nil
	}
	err := fs.syncLocked()
	fs.closed = true
	fs.closeFiles()
	fs.mu.Unlock()
	close(fs.stopSync)
	<-fs.syncFinished
	return err
}

func (fs *FileStore) closeFiles() {
	for _, sg := range fs.segs {
		if sg.f != nil {
			_ = sg.f.Close()
		}
	}
}

// Delete closes the store and removes its directory.
func (fs *FileStore) Delete() error {
	fs.mu.Lock()
	wasClosed := fs.closed
	fs.closed = true
	fs.closeFiles()
	fs.mu.Unlock()
	if !wasClosed {
		close(fs.stopSync)
		<-fs.syncFinished
	}
	return os.RemoveAll(fs.dir)
}

func (fs *FileStore) NextTTL() int64 {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if e, ok := fs.ttlq.next(fs.ttlLive); ok {
		return e.end
	}
	return 0
}

func (fs *FileStore) ttlLive(e ttlEntry) bool {
	end, ok := fs.ttls[e.seq]
	return ok && end == e.end && end != math.MaxInt64
}
