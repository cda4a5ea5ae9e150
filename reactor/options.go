package reactor

import (
	"crypto/tls"
	"runtime"
	"time"

	"github.com/rs/zerolog"

	"github.com/reactor-nats/reactor/auth"
	"github.com/reactor-nats/reactor/cluster"
)

// Defaults as nats-server v2 has them, so that a swapped binary behaves the same.
const (
	DefaultHost           = "0.0.0.0"
	DefaultPort           = 4222
	DefaultMaxPayload     = 1 << 20 // 1 MiB
	DefaultMaxPending     = 64 << 20
	DefaultMaxConnections = 64 * 1024
	DefaultMaxControlLine = 4096
	DefaultPingInterval   = 2 * time.Minute
	DefaultMaxPingsOut    = 2
	DefaultWriteDeadline  = 10 * time.Second
	DefaultMaxClosed      = 10000
	DefaultLameDuckDur    = 2 * time.Minute
	DefaultLameDuckGrace  = 10 * time.Second
)

// Options configure a Server. The zero value of a field means "the default" unless said otherwise.
type Options struct {
	Host       string // interface to listen on; DefaultHost when empty
	Port       int    // client port; 0 picks an ephemeral port (tests), -1 means DefaultPort
	ServerName string // server_name in INFO; the server id when empty

	MaxPayload       int           // max_payload
	MaxPending       int           // max_pending: outbound bytes a client may lag before it is cut off
	MaxConnections   int           // max_connections
	MaxSubscriptions int           // max_subscriptions per connection; 0 = unlimited (nats-server's default)
	MaxControlLine   int           // max_control_line
	PingInterval     time.Duration // ping_interval
	MaxPingsOut      int           // ping_max

	NoHeaderSupport bool // no_header_support: INFO says headers:false

	// WriteDeadline (write_deadline) cuts off a connection whose socket has taken none of its pending
	// output for this long, as a slow consumer. reactor never blocks on a write, so this is measured as time
	// without progress. DefaultWriteDeadline when 0.
	WriteDeadline time.Duration
	// ClientAdvertise (client_advertise) is the host:port given to clients as this server's address in
	// connect_urls once the server is in a cluster.
	ClientAdvertise string
	// ConfigDigest identifies the configuration file the options came from ("sha256:<hex>"), for /varz.
	ConfigDigest string
	// MaxClosedClients is how many closed connections /connz?state=closed remembers.
	MaxClosedClients int
	// LameDuckDuration spreads the closing of clients in lame duck mode; LameDuckGracePeriod is the wait
	// before the first is closed.
	LameDuckDuration    time.Duration
	LameDuckGracePeriod time.Duration

	// Auth decides who may connect, as which account and with which permissions; nil admits every client to
	// the global account, as nats-server without authorization does. Accounts are the accounts the
	// configuration defines (operator mode makes its accounts on first use, from the resolver).
	Auth     *auth.Authenticator
	Accounts []*auth.AccountSpec

	// TLS, when set, secures client connections (the tls block, --tls flags).
	TLS *TLSOptions
	// WebSocket, when set, opens the websocket listener (the websocket block).
	WebSocket *WebSocketOptions
	// Cluster, when enabled (a listen port set), opens the route listener and dials the configured routes
	// (the cluster block, --cluster/--routes flags).
	Cluster *cluster.Options

	// JetStream, when set, runs JetStream (the jetstream block, -js, -sd): streams in the accounts that
	// have it (jetstream.go), stored under JetStream.StoreDir.
	JetStream *JetStreamOptions

	// EventLoops is the fixed number of gnet event loops; GOMAXPROCS when 0.
	EventLoops int

	Logger zerolog.Logger // where the server logs; zerolog.Nop() by default
	Trace  bool           // -V: every protocol operation at trace level
}

// TLSOptions are the client port's TLS settings, as nats-server's tls block.
type TLSOptions struct {
	Config         *tls.Config   // certificates, CAs, client verification, versions, ciphers
	Timeout        time.Duration // a handshake not done in this long fails; DefaultTLSTimeout when 0
	HandshakeFirst bool          // handshake_first: TLS before INFO, for clients that start with TLS
	Verify         bool          // verify or verify_and_map: clients must present a certificate (INFO tls_verify)
	VerifyAndMap   bool          // verify_and_map: the certificate names the user (needs auth users)
	AllowNonTLS    bool          // allow_non_tls: plaintext clients are admitted too (INFO tls_available)
}

// DefaultTLSTimeout is nats-server's TLS handshake timeout.
const DefaultTLSTimeout = 2 * time.Second

// withDefaults returns a copy of o with every unset field filled in.
func (o Options) withDefaults() Options {
	if o.Host == "" {
		o.Host = DefaultHost
	}
	if o.Port < 0 {
		o.Port = DefaultPort
	}
	if o.MaxPayload <= 0 {
		o.MaxPayload = DefaultMaxPayload
	}
	if o.MaxPending <= 0 {
		o.MaxPending = DefaultMaxPending
	}
	if o.MaxConnections <= 0 {
		o.MaxConnections = DefaultMaxConnections
	}
	if o.MaxControlLine <= 0 {
		o.MaxControlLine = DefaultMaxControlLine
	}
	if o.PingInterval <= 0 {
		o.PingInterval = DefaultPingInterval
	}
	if o.MaxPingsOut <= 0 {
		o.MaxPingsOut = DefaultMaxPingsOut
	}
	if o.WriteDeadline <= 0 {
		o.WriteDeadline = DefaultWriteDeadline
	}
	if o.MaxClosedClients <= 0 {
		o.MaxClosedClients = DefaultMaxClosed
	}
	if o.LameDuckDuration <= 0 {
		o.LameDuckDuration = DefaultLameDuckDur
	}
	if o.LameDuckGracePeriod < 0 {
		o.LameDuckGracePeriod = 0
	} else if o.LameDuckGracePeriod == 0 {
		o.LameDuckGracePeriod = DefaultLameDuckGrace
	}
	if o.EventLoops <= 0 {
		o.EventLoops = runtime.GOMAXPROCS(0)
	}
	return o
}
