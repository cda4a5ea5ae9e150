package conns

import (
	"slices"
	"time"
)

// Result is what one server cost at one connection count. Figures that could not be measured are negative
// (bytes, percentages) or absent (durations), never zero.
type Result struct {
	Server string // "reactor" or "nats-server"
	TLS    bool   // the connections were TLS sessions
	N      int    // connections asked for

	Connected  int    // subscribers that completed the handshake (got PONG)
	Failed     int    // subscribers that did not
	FirstError string // why the first of them failed
	LostError  string // why the server dropped a subscriber after its handshake, if it did
	Err        string // why the run stopped early, if it did

	RSSBefore      int64 // server RSS with only the publisher connected
	RSSAfter       int64 // server RSS with all subscribers connected and idle
	RSSAfterFanout int64 // server RSS after the fan-out rounds

	Kernel      KernelMemory // server-side sockets
	SlabPerConn float64      // estimated slab bytes per socket end; negative when unknown

	ConnectTime time.Duration   // first dial to last PONG, over all workers
	Fanout      []time.Duration // per round: publish to the last subscriber's MSG; rounds that timed out are absent
	FanoutSent  int             // rounds published

	IdleCPU    float64       // server CPU over the idle window, percent of one core; negative when unknown
	IdleWindow time.Duration // how long that window was
	// MachineBusy is the share of all cores busy over the idle window, percent; negative when unknown.
	// Far above IdleCPU / cores means something else was running and the timings are suspect.
	MachineBusy float64
}

// Label names the server and, for TLS, says so: "reactor (TLS)".
func (r Result) Label() string { return label(r.Server, r.TLS) }

func label(server string, tls bool) string {
	if tls {
		return server + " (TLS)"
	}
	return server
}

// RSSPerConn is the server's resident memory per connected subscriber: (after − before) / connected. It
// divides by the connections actually held, not by N, so that failures do not flatter a server.
func (r Result) RSSPerConn() float64 {
	if r.Connected <= 0 || r.RSSBefore <= 0 || r.RSSAfter <= 0 {
		return -1
	}
	return float64(r.RSSAfter-r.RSSBefore) / float64(r.Connected)
}

// PerConn is user plus kernel (skmem) memory per connection, the figure the projection scales. A missing
// kernel figure makes the whole sum missing rather than quietly smaller.
func (r Result) PerConn() float64 {
	rss, kernel := r.RSSPerConn(), r.Kernel.PerSocket
	if rss < 0 || kernel < 0 {
		return -1
	}
	return rss + kernel
}

// FanoutMedian is the median fan-out time over the rounds that completed, and whether any did.
func (r Result) FanoutMedian() (time.Duration, bool) {
	if len(r.Fanout) == 0 {
		return 0, false
	}
	sorted := slices.Clone(r.Fanout)
	slices.Sort(sorted)
	mid := len(sorted) / 2
	if len(sorted)%2 == 1 {
		return sorted[mid], true
	}
	return (sorted[mid-1] + sorted[mid]) / 2, true
}

// ProjectGiB scales a per-connection cost in bytes to conns connections, in GiB; negative stays negative.
func ProjectGiB(perConn float64, conns int) float64 {
	if perConn < 0 {
		return -1
	}
	return perConn * float64(conns) / (1 << 30)
}

// Ratio is a / b, or negative when either is unknown or b is not positive.
func Ratio(a, b float64) float64 {
	if a < 0 || b <= 0 {
		return -1
	}
	return a / b
}
