package stream

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/reactor-nats/reactor/stream/store"
)

// Account is one account's JetStream: its limits, usage and streams.
type Account struct {
	mgr       *Manager
	name      string
	limits    atomic.Pointer[AccountLimits] // replaced whole by EnableAccount; read on the publish path
	usage     usage                         // bytes by storage kind and API counts; atomics, any goroutine
	cancelAPI func()                        // ends the $JS.API.> listener; set before the account is published

	// mu guards streams and serialises the API requests that create, change or remove a stream, so
	// name and subject checks and the change they allow are one step. Readers take it shared.
	mu      sync.RWMutex
	streams map[string]*Stream
}

func (a *Account) Name() string { return a.name }

// Limits returns the account's JetStream limits.
func (a *Account) Limits() AccountLimits {
	if lim := a.limits.Load(); lim != nil {
		return *lim
	}
	return Unlimited
}

func (a *Account) setLimits(l AccountLimits) { a.limits.Store(&l) }

// room refuses a message of n bytes of storage kind st that the account or the server cannot take, with
// nats-server's error: the account's limit refuses what would pass it (10002), the server's only once its
// usage is already past (10023; observed: three 400 KB messages accepted under a 1 MB max_file_store). A
// limit below zero is none (an account's -1); so is a server limit of zero (a Manager not made by NewManager).
func (a *Account) room(st StorageType, n uint64) *APIError {
	acctMax, serverMax := a.maxBytes(st)
	if acctMax >= 0 && a.usage.of(st).Load()+int64(n) > acctMax {
		return ErrAccountResources
	}
	if serverMax > 0 && a.mgr.total.of(st).Load() > serverMax {
		return ErrInsufficientResource
	}
	return nil
}

// maxBytes is the account's and the server's limit on storage kind st.
func (a *Account) maxBytes(st StorageType) (acctMax, serverMax int64) {
	lim := a.limits.Load()
	if lim == nil {
		lim = &Unlimited
	}
	if st == MemoryStorage {
		return lim.MaxMemory, a.mgr.opts.MaxMemory
	}
	return lim.MaxStore, a.mgr.opts.MaxStore
}

// used adds delta bytes to the account's (and the server's) usage of storage kind st.
func (a *Account) used(st StorageType, delta int64) {
	a.usage.of(st).Add(delta)
	a.mgr.total.of(st).Add(delta)
}

// Stream returns the named stream, or nil.
func (a *Account) Stream(name string) *Stream {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.streams[name]
}

// streamList returns the account's streams sorted by name.
func (a *Account) streamList() []*Stream {
	a.mu.RLock()
	list := make([]*Stream, 0, len(a.streams))
	for _, s := range a.streams {
		list = append(list, s)
	}
	a.mu.RUnlock()
	sort.Slice(list, func(i, j int) bool { return list[i].Config().Name < list[j].Config().Name })
	return list
}

// streamsDir holds one directory per file stream of the account.
func (a *Account) streamsDir() string {
	return filepath.Join(a.mgr.opts.JetStreamDir(), a.name, "streams")
}

func (a *Account) streamDir(name string) string { return filepath.Join(a.streamsDir(), name) }

// storeDir is the directory a stream keeps files in: dir for a file stream, none for a memory stream.
func storeDir(cfg Config, dir string) string {
	if cfg.Storage == MemoryStorage {
		return ""
	}
	return dir
}

// openStore opens the store of a stream: in memory, or in dir/msgs for a file stream.
func (a *Account) openStore(cfg Config, dir string) (store.Store, error) {
	if cfg.Storage == MemoryStorage {
		return store.NewMemStore(), nil
	}
	opts := a.mgr.opts
	return store.OpenFile(filepath.Join(dir, msgsDir), store.FileConfig{SyncInterval: opts.SyncInterval,
		SyncAlways: opts.SyncAlways, Logger: opts.Logger.With().Str("account", a.name).Str("stream", cfg.Name).Logger()})
}

// recover starts every file stream found in the account's directory. A stream whose directory, meta
// file or store cannot be read, or whose configuration is no longer acceptable, is logged and skipped:
// the server starts with the others.
func (a *Account) recover() {
	log := a.mgr.log
	entries, err := os.ReadDir(a.streamsDir())
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			log.Error().Err(err).Str("account", a.name).Msg("jetstream: cannot list streams")
		}
		return
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := a.streamDir(e.Name())
		if err := a.recoverStream(e.Name(), dir); err != nil {
			log.Error().Err(err).Str("account", a.name).Str("dir", dir).Msg("jetstream: stream not recovered")
		}
	}
}

func (a *Account) recoverStream(name, dir string) error {
	stored, created, err := readMeta(dir)
	if err != nil {
		return err
	}
	if stored.Name != name {
		return errors.New("meta: stream " + stored.Name + " in the directory of " + name)
	}
	cfg, apiErr := checkConfig(stored, false)
	if apiErr == nil {
		apiErr = a.overlapping(cfg)
	}
	if apiErr != nil {
		return apiErr
	}
	st, err := a.openStore(cfg, dir)
	if err != nil {
		return err
	}
	s, err := newStream(a, cfg, created, st, storeDir(cfg, dir))
	if err != nil {
		_ = st.Close()
		return err
	}
	a.streams[name] = s
	return nil
}

// overlapping refuses cfg when its subjects collide with another stream's; called under mu.
func (a *Account) overlapping(cfg Config) *APIError {
	for name, s := range a.streams {
		if name == cfg.Name {
			continue
		}
		for _, theirs := range s.Config().Subjects {
			for _, ours := range cfg.Subjects {
				if subjectsCollide(theirs, ours) {
					return ErrStreamSubjectOverlap
				}
			}
		}
	}
	return nil
}

// stopStreams stops every stream of the account (at shutdown): their files stay.
func (a *Account) stopStreams() {
	a.mu.Lock()
	streams := a.streams
	a.streams = map[string]*Stream{}
	a.mu.Unlock()
	var wg sync.WaitGroup
	for _, s := range streams {
		wg.Go(s.Stop)
	}
	wg.Wait()
}
