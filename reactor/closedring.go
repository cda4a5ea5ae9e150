package reactor

import "sync"

// closedRing remembers the most recently closed connections, as nats-server does for
// /connz?state=closed: when full, the oldest is forgotten. Closing is not a hot path, so one mutex does.
type closedRing struct {
	mu    sync.Mutex
	conns []ConnInfo // ring storage, len == capacity once full
	next  int        // slot the next closed connection goes to once full
	limit int
}

func (r *closedRing) init(limit int) { r.limit = limit }

func (r *closedRing) add(ci ConnInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.conns) < r.limit {
		r.conns = append(r.conns, ci)
		return
	}
	r.conns[r.next] = ci
	r.next = (r.next + 1) % r.limit
}

// list returns the remembered connections, oldest first, as a copy the caller owns.
func (r *closedRing) list() []ConnInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]ConnInfo, 0, len(r.conns))
	out = append(out, r.conns[r.next:]...)
	return append(out, r.conns[:r.next]...)
}
