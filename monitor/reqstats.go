package monitor

import (
	"maps"
	"sync"
)

// requestCounts counts requests per endpoint for /varz http_req_stats. Monitoring is not a hot path, so a
// mutex and a map do.
type requestCounts struct {
	mu     sync.Mutex
	counts map[string]uint64
}

func (r *requestCounts) add(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.counts == nil {
		r.counts = map[string]uint64{}
	}
	r.counts[key]++
}

// snapshot returns a copy the caller owns; never nil, because nats-server always emits the object.
func (r *requestCounts) snapshot() map[string]uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]uint64, len(r.counts))
	maps.Copy(out, r.counts)
	return out
}
