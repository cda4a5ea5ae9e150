package stream

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/sys/unix"
)

// Options configure JetStream for a server: the jetstream block, -js and -sd.
type Options struct {
	StoreDir     string        // -sd; file streams live under StoreDir/jetstream/<account>/streams/<stream>; "": os.TempDir()/nats
	MaxMemory    int64         // max_memory_store in bytes; <= 0: nats-server's default (75% of the machine's memory)
	MaxStore     int64         // max_file_store in bytes; <= 0: nats-server's default (75% of the disk space free at StoreDir)
	SyncInterval time.Duration // sync_interval; <= 0: nats-server's default (2 minutes)
	SyncAlways   bool          // sync_interval: always
	ServerName   string        // the server's name: a single server leads every stream (stream info's cluster.leader)
	Logger       zerolog.Logger
}

// JetStreamDir is where the streams live: StoreDir/jetstream, which /varz reports as store_dir.
func (o Options) JetStreamDir() string { return filepath.Join(o.StoreDir, "jetstream") }

// AccountLimits are one account's JetStream limits (its jetstream block); -1 means unlimited.
type AccountLimits struct {
	MaxMemory            int64 `json:"max_memory"`
	MaxStore             int64 `json:"max_storage"`
	MaxStreams           int   `json:"max_streams"`
	MaxConsumers         int   `json:"max_consumers"`
	MaxAckPending        int   `json:"max_ack_pending"`
	MemoryMaxStreamBytes int64 `json:"memory_max_stream_bytes"`
	StoreMaxStreamBytes  int64 `json:"storage_max_stream_bytes"`
	MaxBytesRequired     bool  `json:"max_bytes_required"`
}

// Unlimited is an account with no limits of its own (the server's limits still apply).
var Unlimited = AccountLimits{MaxMemory: -1, MaxStore: -1, MaxStreams: -1, MaxConsumers: -1, MaxAckPending: -1,
	MemoryMaxStreamBytes: -1, StoreMaxStreamBytes: -1}

// Stats is the server's JetStream usage, as /varz's jetstream.stats and /jsz report it.
type Stats struct {
	Memory          uint64   `json:"memory"`
	Storage         uint64   `json:"storage"`
	ReservedMemory  uint64   `json:"reserved_memory"`
	ReservedStorage uint64   `json:"reserved_storage"`
	Accounts        int      `json:"accounts"`
	HAAssets        int      `json:"ha_assets"`
	API             APIStats `json:"api"`

	Streams   int    `json:"-"` // /jsz's totals
	Consumers int    `json:"-"`
	Messages  uint64 `json:"-"`
	Bytes     uint64 `json:"-"`
}

// APIStats counts API requests.
type APIStats struct {
	Level  int    `json:"level"`
	Total  uint64 `json:"total"`
	Errors uint64 `json:"errors"`
}

// usage is bytes in use by kind, and API counts: one for the server, one per account.
type usage struct {
	memory, storage atomic.Int64
	apiTotal        atomic.Uint64
	apiErrors       atomic.Uint64
}

func (u *usage) of(st StorageType) *atomic.Int64 {
	if st == MemoryStorage {
		return &u.memory
	}
	return &u.storage
}

// Manager is a server's JetStream: its options, accounts and their streams.
type Manager struct {
	opts  Options // defaults resolved; immutable
	host  Host
	log   zerolog.Logger
	total usage // the server's usage: the sum of its accounts'

	mu       sync.Mutex // guards accounts and shutdown
	accounts map[string]*Account
	shutdown bool
}

// NewManager resolves opts' defaults and prepares the store directory; accounts come with EnableAccount.
func NewManager(opts Options, host Host) (*Manager, error) {
	if opts.StoreDir == "" {
		opts.StoreDir = filepath.Join(os.TempDir(), "nats")
	}
	dir := opts.JetStreamDir()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("jetstream store directory: %w", err)
	}
	if opts.SyncInterval <= 0 {
		opts.SyncInterval = 2 * time.Minute
	}
	if opts.MaxMemory <= 0 {
		opts.MaxMemory = defaultMaxMemory()
	}
	if opts.MaxStore <= 0 {
		free, err := freeDiskBytes(dir)
		if err != nil {
			return nil, fmt.Errorf("jetstream store directory %s: %w", dir, err)
		}
		opts.MaxStore = free / 4 * 3
	}
	return &Manager{opts: opts, host: host, log: opts.Logger, accounts: map[string]*Account{}}, nil
}

// defaultMaxMemory is nats-server's default max_memory_store: three quarters of the machine's memory.
func defaultMaxMemory() int64 {
	var si unix.Sysinfo_t
	if err := unix.Sysinfo(&si); err != nil {
		return 1 << 30
	}
	return int64(uint64(si.Totalram)*uint64(si.Unit)) / 4 * 3
}

// freeDiskBytes is the space an unprivileged writer may still use on dir's file system.
func freeDiskBytes(dir string) (int64, error) {
	var fs unix.Statfs_t
	if err := unix.Statfs(dir, &fs); err != nil {
		return 0, err
	}
	return int64(fs.Bavail) * fs.Bsize, nil
}

// EnableAccount turns JetStream on for an account: its streams are recovered from the store directory and
// its API is served on $JS.API.> in that account. A stream that cannot be recovered is logged and skipped;
// enabling an account twice changes only its limits.
func (m *Manager) EnableAccount(name string, limits AccountLimits) error {
	if name == "" || name == "." || name == ".." || filepath.Base(name) != name {
		return fmt.Errorf("jetstream account %q: not usable as a directory name", name)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.shutdown {
		return fmt.Errorf("jetstream account %s: jetstream is shut down", name)
	}
	if a := m.accounts[name]; a != nil {
		a.setLimits(limits)
		return nil
	}
	a := &Account{mgr: m, name: name, streams: map[string]*Stream{}}
	a.setLimits(limits)
	a.recover()
	cancel, err := m.host.Listen(name, apiPrefix+">", a.handleAPI)
	if err != nil {
		a.stopStreams()
		return fmt.Errorf("jetstream account %s: listen on %s>: %w", name, apiPrefix, err)
	}
	cancelAcks, err := m.host.Listen(name, ackPrefix+">", a.handleAck)
	if err != nil {
		cancel()
		a.stopStreams()
		return fmt.Errorf("jetstream account %s: listen on %s>: %w", name, ackPrefix, err)
	}
	cancelFlow, err := m.host.Listen(name, flowPrefix+">", a.handleFlow)
	if err != nil {
		cancel()
		cancelAcks()
		a.stopStreams()
		return fmt.Errorf("jetstream account %s: listen on %s>: %w", name, flowPrefix, err)
	}
	a.cancelAPI = func() { cancel(); cancelAcks(); cancelFlow() }
	m.accounts[name] = a
	return nil
}

// Account returns an enabled account, or nil.
func (m *Manager) Account(name string) *Account {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.accounts[name]
}

// Options returns the options with defaults resolved.
func (m *Manager) Options() Options { return m.opts }

// Stats returns the server's JetStream usage.
func (m *Manager) Stats() Stats {
	st := Stats{
		Memory:  uint64(max(m.total.memory.Load(), 0)),
		Storage: uint64(max(m.total.storage.Load(), 0)),
		API:     APIStats{Level: APILevel, Total: m.total.apiTotal.Load(), Errors: m.total.apiErrors.Load()},
	}
	for _, a := range m.accountList() {
		st.Accounts++
		for _, s := range a.streamList() {
			state := s.Store().State()
			st.Streams++
			st.Consumers += s.numConsumers()
			st.Messages += state.Msgs
			st.Bytes += state.Bytes
		}
	}
	return st
}

// AccountStats is one account's usage, as /jsz's account_details and $JS.API.INFO report it.
type AccountStats struct {
	Name     string
	Memory   uint64
	Storage  uint64
	Streams  []*StreamInfo // sorted by name
	API      APIStats
	Limits   AccountLimits
	Messages uint64
	Bytes    uint64
}

// AccountStats returns every enabled account's usage, sorted by name; streams are described only when
// withStreams.
func (m *Manager) AccountStats(withStreams bool) []AccountStats {
	var out []AccountStats
	for _, a := range m.accountList() {
		as := AccountStats{
			Name:    a.name,
			Memory:  uint64(max(a.usage.memory.Load(), 0)),
			Storage: uint64(max(a.usage.storage.Load(), 0)),
			API:     APIStats{Total: a.usage.apiTotal.Load(), Errors: a.usage.apiErrors.Load()},
			Limits:  a.Limits(),
		}
		for _, s := range a.streamList() {
			info := responseInfo(s, m.opts.ServerName)
			as.Messages += info.State.Msgs
			as.Bytes += info.State.Bytes
			if withStreams {
				as.Streams = append(as.Streams, info)
			}
		}
		out = append(out, as)
	}
	return out
}

func (m *Manager) accountList() []*Account {
	m.mu.Lock()
	defer m.mu.Unlock()
	list := make([]*Account, 0, len(m.accounts))
	for _, a := range m.accounts {
		list = append(list, a)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].name < list[j].name })
	return list
}

// Shutdown stops every stream: writers drain, stores sync and close. API requests are no longer served.
func (m *Manager) Shutdown() {
	m.mu.Lock()
	if m.shutdown {
		m.mu.Unlock()
		return
	}
	m.shutdown = true
	accounts := m.accounts
	m.mu.Unlock()
	var wg sync.WaitGroup
	for _, a := range accounts {
		if a.cancelAPI != nil {
			a.cancelAPI()
		}
		wg.Go(a.stopStreams)
	}
	wg.Wait()
}
