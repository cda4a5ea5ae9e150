package monitor

import (
	"crypto/x509"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"time"

	"github.com/reactor-nats/reactor/reactor"
)

// Varz is /varz: the server's identity, the limits in force and its running totals, in nats-server's field
// order. Objects for features reactor lacks are present and empty, as nats-server emits them with those
// features off (every field inside them is omitempty there).
type Varz struct {
	ID                   string               `json:"server_id"`
	Name                 string               `json:"server_name"`
	Version              string               `json:"version"`
	Proto                int                  `json:"proto"`
	GoVersion            string               `json:"go"`
	Host                 string               `json:"host"`
	Port                 int                  `json:"port"`
	ConnectURLs          []string             `json:"connect_urls,omitempty"`
	AuthRequired         bool                 `json:"auth_required,omitempty"`
	TLSRequired          bool                 `json:"tls_required,omitempty"`
	TLSVerify            bool                 `json:"tls_verify,omitempty"`
	MaxConnections       int                  `json:"max_connections"`
	MaxSubscriptions     int                  `json:"max_subscriptions,omitempty"`
	PingInterval         time.Duration        `json:"ping_interval"` // nanoseconds
	MaxPingsOut          int                  `json:"ping_max"`
	HTTPHost             string               `json:"http_host"`
	HTTPPort             int                  `json:"http_port"`
	HTTPBasePath         string               `json:"http_base_path"`
	HTTPSPort            int                  `json:"https_port"`
	AuthTimeout          float64              `json:"auth_timeout"` // seconds
	MaxControlLine       int                  `json:"max_control_line"`
	MaxPayload           int                  `json:"max_payload"`
	MaxPending           int                  `json:"max_pending"`
	Cluster              ClusterOptsVarz      `json:"cluster"`
	Gateway              GatewayOptsVarz      `json:"gateway"`
	LeafNode             LeafNodeOptsVarz     `json:"leaf"`
	MQTT                 MQTTOptsVarz         `json:"mqtt"`
	Websocket            WebsocketOptsVarz    `json:"websocket"`
	JetStream            JetStreamVarz        `json:"jetstream"`
	TLSTimeout           float64              `json:"tls_timeout"` // seconds
	TLSCertNotAfter      *time.Time           `json:"tls_cert_not_after,omitempty"`
	WriteDeadline        time.Duration        `json:"write_deadline"` // nanoseconds
	Start                time.Time            `json:"start"`
	Now                  time.Time            `json:"now"`
	Uptime               string               `json:"uptime"`
	Mem                  int64                `json:"mem"` // resident bytes
	Cores                int                  `json:"cores"`
	MaxProcs             int                  `json:"gomaxprocs"`
	CPU                  float64              `json:"cpu"` // percent of one core
	Connections          int                  `json:"connections"`
	TotalConnections     int64                `json:"total_connections"`
	Routes               int                  `json:"routes"`
	Remotes              int                  `json:"remotes"`
	Leafs                int                  `json:"leafnodes"`
	InMsgs               int64                `json:"in_msgs"`
	InBytes              int64                `json:"in_bytes"`
	InClientMsgs         int64                `json:"in_client_msgs"`
	InClientBytes        int64                `json:"in_client_bytes"`
	OutMsgs              int64                `json:"out_msgs"`
	OutBytes             int64                `json:"out_bytes"`
	OutClientMsgs        int64                `json:"out_client_msgs"`
	OutClientBytes       int64                `json:"out_client_bytes"`
	SlowConsumers        int64                `json:"slow_consumers"`
	StaleConnections     int64                `json:"stale_connections"`
	StalledClients       int64                `json:"stalled_clients"`
	Subscriptions        int                  `json:"subscriptions"`
	HTTPReqStats         map[string]uint64    `json:"http_req_stats"`
	ConfigLoadTime       time.Time            `json:"config_load_time"`
	ConfigDigest         string               `json:"config_digest"`
	FeatureFlags         map[string]bool      `json:"feature_flags"`
	SystemAccount        string               `json:"system_account,omitempty"`
	SlowConsumersStats   SlowConsumersStats   `json:"slow_consumer_stats"`
	StaleConnectionStats StaleConnectionStats `json:"stale_connection_stats"`
	DiskIOWaitStats      DiskIOWaitStats      `json:"disk_io_wait_stats"`
}

// The option objects of features reactor does not have yet. nats-server marks every field in them omitempty
// and emits {} while the feature is off; the package that adds a feature gives its object the fields,
// checked against the reference with the feature on.
type (
	GatewayOptsVarz  struct{}
	LeafNodeOptsVarz struct{}
	MQTTOptsVarz     struct{}
)

// SlowConsumersStats splits slow consumers by connection kind.
type SlowConsumersStats struct {
	Clients  int64 `json:"clients"`
	Routes   int64 `json:"routes"`
	Gateways int64 `json:"gateways"`
	Leafs    int64 `json:"leafs"`
}

// StaleConnectionStats splits stale connections by connection kind: clients from reactor.Stats, routes from
// reactor.RouteStats.
type StaleConnectionStats struct {
	Clients  int64 `json:"clients"`
	Routes   int64 `json:"routes"`
	Gateways int64 `json:"gateways"`
	Leafs    int64 `json:"leafs"`
}

// DiskIOWaitStats is JetStream's storage wait accounting; always zero without JetStream.
type DiskIOWaitStats struct {
	Waiters     int64 `json:"waiters"`
	Waits       int64 `json:"waits"`
	WaitTime    int64 `json:"wait_time"`
	MaxWaitTime int64 `json:"max_wait_time"`
}

// Values nats-server reports for settings reactor does not have: its default auth and TLS handshake
// timeouts, in seconds.
const (
	defaultAuthTimeout = 2.0
	defaultTLSTimeout  = 2.0
)

func (m *Server) handleVarz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, m.varz(time.Now()))
}

func (m *Server) varz(now time.Time) *Varz {
	opts := m.srv.Options()
	st := m.srv.Stats()
	host, port := m.clientHostPort(opts)
	mem, cpu := m.proc.sample(now)
	routes, remotes := routeCounts(m.srv.Routes(false))
	rs := m.srv.RouteStats()
	return &Varz{
		ID:                   m.srv.ID(),
		Name:                 opts.ServerName,
		Version:              reactor.ProtocolVersion,
		Proto:                1,
		GoVersion:            runtime.Version(),
		Host:                 host,
		Port:                 port,
		ConnectURLs:          m.srv.ClientConnectURLs(),
		MaxConnections:       opts.MaxConnections,
		MaxSubscriptions:     opts.MaxSubscriptions,
		PingInterval:         opts.PingInterval,
		MaxPingsOut:          opts.MaxPingsOut,
		HTTPHost:             m.opts.Host,
		HTTPPort:             m.port(),
		AuthRequired:         opts.Auth != nil && opts.Auth.Required(),
		AuthTimeout:          authTimeout(opts),
		MaxControlLine:       opts.MaxControlLine,
		MaxPayload:           opts.MaxPayload,
		MaxPending:           opts.MaxPending,
		Cluster:              clusterVarz(m.srv.Cluster()),
		TLSTimeout:           tlsTimeout(opts),
		TLSCertNotAfter:      certNotAfter(opts),
		TLSRequired:          opts.TLS != nil && !opts.TLS.AllowNonTLS,
		TLSVerify:            opts.TLS != nil && opts.TLS.Verify,
		Websocket:            websocketVarz(opts, m.srv.WebSocketPort()),
		JetStream:            m.jetStreamVarz(),
		WriteDeadline:        opts.WriteDeadline,
		Start:                m.srv.StartTime().UTC(),
		Now:                  now.UTC(),
		Uptime:               formatUptime(now.Sub(m.srv.StartTime())),
		Mem:                  mem,
		Cores:                runtime.NumCPU(),
		MaxProcs:             runtime.GOMAXPROCS(0),
		CPU:                  cpu,
		Connections:          st.Connections,
		TotalConnections:     st.Total,
		Routes:               routes,
		Remotes:              remotes,
		InMsgs:               st.InMsgs,
		InBytes:              st.InBytes,
		InClientMsgs:         st.InMsgs - st.RouteInMsgs, // totals count route traffic too; these do not
		InClientBytes:        st.InBytes - st.RouteInBytes,
		OutMsgs:              st.OutMsgs,
		OutBytes:             st.OutBytes,
		OutClientMsgs:        st.OutMsgs - st.RouteOutMsgs,
		OutClientBytes:       st.OutBytes - st.RouteOutBytes,
		SlowConsumers:        st.SlowConsumers + rs.SlowConsumers, // every kind, as nats-server counts them
		StaleConnections:     st.Stale + rs.Stale,
		StalledClients:       st.Stalls,
		Subscriptions:        st.Subscriptions,
		HTTPReqStats:         m.reqs.snapshot(),
		ConfigLoadTime:       m.srv.ConfigLoadTime().UTC(),
		ConfigDigest:         opts.ConfigDigest,
		FeatureFlags:         map[string]bool{}, // JetStream's flags; none without JetStream
		SystemAccount:        m.srv.SystemAccount(),
		SlowConsumersStats:   SlowConsumersStats{Clients: st.SlowConsumers, Routes: rs.SlowConsumers},
		StaleConnectionStats: StaleConnectionStats{Clients: st.Stale, Routes: rs.Stale},
	}
}

// clientHostPort is the client address /varz reports: client_advertise when set (nats-server reports the
// advertised address there), else the configured host and the bound port.
func (m *Server) clientHostPort(opts reactor.Options) (string, int) {
	if opts.ClientAdvertise == "" {
		return opts.Host, m.srv.Port()
	}
	host, portText, err := net.SplitHostPort(opts.ClientAdvertise)
	if err != nil {
		return opts.ClientAdvertise, m.srv.Port() // a bare host advertises the real port
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return host, m.srv.Port()
	}
	return host, port
}

// authTimeout is the auth timeout in force, in seconds as nats-server reports it.
func authTimeout(opts reactor.Options) float64 {
	if opts.Auth != nil {
		return opts.Auth.Timeout().Seconds()
	}
	return defaultAuthTimeout
}

// WebsocketOptsVarz is /varz's websocket object: empty without a websocket listener.
type WebsocketOptsVarz struct {
	Host             string        `json:"host,omitempty"`
	Port             int           `json:"port,omitempty"`
	HandshakeTimeout time.Duration `json:"handshake_timeout,omitempty"`
	NoTLS            bool          `json:"no_tls,omitempty"`
	SameOrigin       bool          `json:"same_origin,omitempty"`
	AllowedOrigins   []string      `json:"allowed_origins,omitempty"`
	Compression      bool          `json:"compression,omitempty"`
}

func websocketVarz(opts reactor.Options, port int) WebsocketOptsVarz {
	w := opts.WebSocket
	if w == nil {
		return WebsocketOptsVarz{}
	}
	host := w.Host
	if host == "" {
		host = reactor.DefaultHost
	}
	return WebsocketOptsVarz{
		Host: host, Port: port, HandshakeTimeout: w.HandshakeTimeout, NoTLS: w.NoTLS,
		SameOrigin: w.Upgrader.SameOrigin, AllowedOrigins: w.Upgrader.AllowedOrigins,
		Compression: w.Upgrader.Compression,
	}
}

// tlsTimeout is the client port's TLS handshake timeout in seconds.
func tlsTimeout(opts reactor.Options) float64 {
	if opts.TLS != nil && opts.TLS.Timeout > 0 {
		return opts.TLS.Timeout.Seconds()
	}
	return defaultTLSTimeout
}

// certNotAfter is when the client port's certificate expires, as nats-server reports it.
func certNotAfter(opts reactor.Options) *time.Time {
	if opts.TLS == nil || opts.TLS.Config == nil || len(opts.TLS.Config.Certificates) == 0 {
		return nil
	}
	c := opts.TLS.Config.Certificates[0]
	leaf := c.Leaf
	if leaf == nil && len(c.Certificate) > 0 {
		leaf, _ = x509.ParseCertificate(c.Certificate[0])
	}
	if leaf == nil {
		return nil
	}
	t := leaf.NotAfter.UTC()
	return &t
}
