package monitor

import (
	"net/http"
	"time"
)

// JSInfo is /jsz as nats-server answers it with JetStream off: zero usage and "disabled": true. Tools read
// disabled to tell a server without JetStream from one with nothing stored.
type JSInfo struct {
	Memory          uint64     `json:"memory"`
	Store           uint64     `json:"storage"`
	ReservedMemory  uint64     `json:"reserved_memory"`
	ReservedStore   uint64     `json:"reserved_storage"`
	Accounts        int        `json:"accounts"`
	HAAssets        int        `json:"ha_assets"`
	API             JSAPIStats `json:"api"`
	ID              string     `json:"server_id"`
	Now             time.Time  `json:"now"`
	Disabled        bool       `json:"disabled,omitempty"`
	Config          JSConfig   `json:"config"`
	Streams         int        `json:"streams"`
	Consumers       int        `json:"consumers"`
	Messages        uint64     `json:"messages"`
	Bytes           uint64     `json:"bytes"`
	TotalAccountsJS int        `json:"total"`
}

// JSAPIStats counts JetStream API requests.
type JSAPIStats struct {
	Level  int    `json:"level"`
	Total  uint64 `json:"total"`
	Errors uint64 `json:"errors"`
}

// JSConfig is JetStream's configured storage limits.
type JSConfig struct {
	MaxMemory  int64 `json:"max_memory"`
	MaxStorage int64 `json:"max_storage"`
}

// jszFlags are /jsz's boolean parameters. Reactor ignores them, but refuses malformed ones as nats-server does.
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
	writeJSON(w, &JSInfo{ID: m.srv.ID(), Now: time.Now().UTC(), Disabled: true})
}
