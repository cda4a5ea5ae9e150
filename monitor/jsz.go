package monitor

import (
	"net/http"
	"time"

	"github.com/reactor-nats/reactor/stream"
)

// JetStream in monitoring: /jsz, /varz's jetstream object and (metrics.go) the reactor_jetstream_*
// gauges, all read from the server's stream.Manager at request time. With JetStream off, /jsz is nats-server's
// answer for that case (zero usage, "disabled": true) and /varz's jetstream object is {}.

// JSInfo is /jsz, in nats-server's field order. Tools read disabled to tell a server without JetStream
// from one with nothing stored.
type JSInfo struct {
	JSStats
	ID              string             `json:"server_id"`
	Now             time.Time          `json:"now"`
	Disabled        bool               `json:"disabled,omitempty"`
	Config          JSConfig           `json:"config"`
	Limits          *JSLimits          `json:"limits,omitempty"`
	Streams         int                `json:"streams"`
	Consumers       int                `json:"consumers"`
	Messages        uint64             `json:"messages"`
	Bytes           uint64             `json:"bytes"`
	AccountDetails  []*JSAccountDetail `json:"account_details,omitempty"`
	TotalAccountsJS int                `json:"total"`
}

// JSAPIStats counts JetStream API requests.
type JSAPIStats struct {
	Level  int    `json:"level"`
	Total  uint64 `json:"total"`
	Errors uint64 `json:"errors"`
}

// JSConfig is JetStream's configuration with defaults resolved: /jsz's and /varz's config object.
type JSConfig struct {
	MaxMemory    int64         `json:"max_memory"`
	MaxStorage   int64         `json:"max_storage"`
	StoreDir     string        `json:"store_dir,omitempty"`
	SyncInterval time.Duration `json:"sync_interval,omitempty"` // nanoseconds
	SyncAlways   bool          `json:"sync_always,omitempty"`
	Strict       bool          `json:"strict,omitempty"`
}

// JSLimits are the server-wide caps on what the API may configure (nats-server's jetstream.limits block).
// reactor has none of its own yet, so the object is empty; nats-server's default consumer cap waits for
// consumers.
type JSLimits struct{}

// JSStats is JetStream's usage: /varz's jetstream.stats, the head of /jsz, and each of its accounts'.
type JSStats struct {
	Memory         uint64     `json:"memory"`
	Store          uint64     `json:"storage"`
	ReservedMemory uint64     `json:"reserved_memory"`
	ReservedStore  uint64     `json:"reserved_storage"`
	Accounts       int        `json:"accounts"`
	HAAssets       int        `json:"ha_assets"`
	API            JSAPIStats `json:"api"`
}

// JetStreamVarz is /varz's jetstream object: empty with JetStream off, as nats-server's.
type JetStreamVarz struct {
	Config *JSConfig `json:"config,omitempty"`
	Stats  *JSStats  `json:"stats,omitempty"`
	Limits *JSLimits `json:"limits,omitempty"`
}

// JSAccountDetail is one account in /jsz?accounts=true, with its streams under streams=true.
type JSAccountDetail struct {
	Name string `json:"name"`
	ID   string `json:"id"`
	JSStats
	Streams []StreamDetail `json:"stream_detail,omitempty"`
}

// StreamDetail is one stream in an account's stream_detail.
type StreamDetail struct {
	Name    string              `json:"name"`
	Created time.Time           `json:"created"`
	Cluster *stream.ClusterInfo `json:"cluster,omitempty"`
	Config  *stream.Config      `json:"config,omitempty"`
	State   stream.StreamState  `json:"state"`
}

// jszFlags are /jsz's boolean parameters; consumers, leader-only, raft and the like have nothing to show
// yet, but malformed values are refused as nats-server does.
var jszFlags = []string{"accounts", "streams", "consumers", "config", "leader-only", "raft",
	"stream-leader-only", "direct-consumers"}

func (m *Server) handleJsz(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if _, _, err := queryPage(q); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := queryBools(q, jszFlags...); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	info := &JSInfo{ID: m.srv.ID(), Now: time.Now().UTC()}
	js := m.srv.JetStream()
	if js == nil {
		info.Disabled = true
		writeJSON(w, info)
		return
	}
	st := js.Stats()
	info.JSStats = jsStats(st)
	info.Config = jsConfig(js.Options())
	info.Limits = &JSLimits{}
	info.Streams, info.Consumers, info.Messages, info.Bytes = st.Streams, st.Consumers, st.Messages, st.Bytes
	if on(q.Get("accounts")) {
		info.AccountDetails = m.jsAccountDetails(js, on(q.Get("streams")), on(q.Get("config")))
		info.TotalAccountsJS = len(info.AccountDetails)
	}
	writeJSON(w, info)
}

// on reads a /jsz flag already validated by queryBools.
func on(v string) bool { return v == "true" || v == "1" }

// jetStreamVarz is /varz's jetstream object.
func (m *Server) jetStreamVarz() JetStreamVarz {
	js := m.srv.JetStream()
	if js == nil {
		return JetStreamVarz{}
	}
	cfg, stats := jsConfig(js.Options()), jsStats(js.Stats())
	return JetStreamVarz{Config: &cfg, Stats: &stats, Limits: &JSLimits{}}
}

func jsConfig(o stream.Options) JSConfig {
	return JSConfig{MaxMemory: o.MaxMemory, MaxStorage: o.MaxStore, StoreDir: o.JetStreamDir(),
		SyncInterval: o.SyncInterval, SyncAlways: o.SyncAlways, Strict: true}
}

func jsStats(st stream.Stats) JSStats {
	return JSStats{Memory: st.Memory, Store: st.Storage, ReservedMemory: st.ReservedMemory,
		ReservedStore: st.ReservedStorage, Accounts: st.Accounts, HAAssets: st.HAAssets,
		API: JSAPIStats{Level: st.API.Level, Total: st.API.Total, Errors: st.API.Errors}}
}

// jsAccountDetails lists the JetStream accounts. An account's reserved figures are its limits, reported
// as nats-server does: an unlimited (-1) limit reads as the largest uint64.
func (m *Server) jsAccountDetails(js *stream.Manager, streams, config bool) []*JSAccountDetail {
	var out []*JSAccountDetail
	for _, as := range js.AccountStats(streams) {
		d := &JSAccountDetail{Name: as.Name, ID: as.Name, JSStats: JSStats{Memory: as.Memory, Store: as.Storage,
			ReservedMemory: uint64(as.Limits.MaxMemory), ReservedStore: uint64(as.Limits.MaxStore),
			API: JSAPIStats{Total: as.API.Total, Errors: as.API.Errors}}}
		for _, si := range as.Streams {
			sd := StreamDetail{Name: si.Config.Name, Created: si.Created, State: si.State, Cluster: si.Cluster}
			if config {
				cfg := si.Config
				sd.Config = &cfg
			}
			d.Streams = append(d.Streams, sd)
		}
		out = append(out, d)
	}
	return out
}
