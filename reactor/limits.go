package reactor

import (
	"time"

	"github.com/reactor-nats/reactor/auth"
)

// limits are the settings a running server may change (on reload, or entering lame duck mode), with what is
// derived from them. A limits value is immutable once published: loops read the current one through
// Server.lim, an atomic pointer, so a change reaches every loop at once without a lock on the hot path.
// Connections take the parser limits and first ping time at accept; everything else applies from the next
// read of the pointer.
type limits struct {
	MaxPayload       int
	MaxPending       int
	MaxControlLine   int
	MaxSubscriptions int
	MaxPingsOut      int
	PingInterval     time.Duration
	WriteDeadline    time.Duration
	Trace            bool

	connCap        int                 // connections admitted at once: max_connections, lowered to fit the open-files limit
	stallThreshold int                 // unsent bytes of a subscriber above which its publishers stall: 3/4 max_pending
	inboxHigh      int64               // bytes waiting in a loop's inbox above which publishers feeding it stall
	info           *infoTemplate       // the INFO every client gets; nil until the listener is bound
	auth           *auth.Authenticator // nil: no authentication
}

// newLimits derives the limits of opts; info is set by the caller once the port is known.
func newLimits(opts *Options) *limits {
	return &limits{
		MaxPayload:       opts.MaxPayload,
		MaxPending:       opts.MaxPending,
		MaxControlLine:   opts.MaxControlLine,
		MaxSubscriptions: opts.MaxSubscriptions,
		MaxPingsOut:      opts.MaxPingsOut,
		PingInterval:     opts.PingInterval,
		WriteDeadline:    opts.WriteDeadline,
		Trace:            opts.Trace,
		connCap:          connectionCap(opts.MaxConnections),
		stallThreshold:   opts.MaxPending / 4 * 3,
		// A whole inbox may land on one subscriber in one drain, so it must fit in the room left above the
		// stall threshold.
		inboxHigh: int64(min(opts.MaxPending/8, 8<<20)),
		auth:      opts.Auth,
	}
}

// lim returns the limits in force. Safe from any goroutine.
func (s *Server) lim() *limits { return s.limits.Load() }
