package codec

import (
	"encoding/json"
	"fmt"
)

// RouteInfo is the JSON of a route INFO, with nats-server v2.15.2's field
// names. Field order follows what nats-server writes, so marshalling a
// decoded nats-server INFO reproduces it byte for byte; fields nats-server
// sends only in some configurations sit where they are most likely to be
// but are not order-checked. Absent fields decode to their zero value and
// zero values are left out, except the handful nats-server always writes.
//
// Route INFOs are rare (handshake, gossip), so this uses encoding/json and
// allocates; none of it is on the message path.
type RouteInfo struct {
	ServerID     string `json:"server_id"`
	ServerName   string `json:"server_name"`
	Version      string `json:"version"`
	Proto        int    `json:"proto"`
	GitCommit    string `json:"git_commit,omitempty"`
	Go           string `json:"go,omitempty"`
	Host         string `json:"host"`
	Port         int    `json:"port"`
	Headers      bool   `json:"headers"`
	AuthRequired bool   `json:"auth_required,omitempty"`
	TLSRequired  bool   `json:"tls_required,omitempty"`
	TLSVerify    bool   `json:"tls_verify,omitempty"`
	MaxPayload   int64  `json:"max_payload"`
	// JetStream and Domain: reactor never sets them (it does not speak
	// nats-server's JetStream Raft); decoded to recognise such peers.
	JetStream bool   `json:"jetstream,omitempty"`
	Domain    string `json:"domain,omitempty"`
	// IP is the nats-route:// URL others dial for this server: set with
	// cluster.advertise, and always in gossiped INFOs.
	IP string `json:"ip,omitempty"`
	// Nonce is unused on routes; nats-server sends one, gossip drops it.
	Nonce          string `json:"nonce,omitempty"`
	Cluster        string `json:"cluster"`
	ClusterDynamic bool   `json:"cluster_dynamic,omitempty"`
	// ConnectURLs are the peer's client URLs (host:port), added to the
	// client INFO this server sends.
	ConnectURLs   []string `json:"connect_urls,omitempty"`
	WSConnectURLs []string `json:"ws_connect_urls,omitempty"`
	// Compression: "off" (or absent) keeps nats-server from compressing;
	// "accept" or an s2_* mode must never be sent by a peer that cannot
	// read S2.
	Compression string `json:"compression,omitempty"`
	// Leaf-origin extensions (LS+/LS-/LMSG); reactor leaves them false.
	LeafNodeOrigin      bool `json:"lnoc,omitempty"`
	LeafNodeOriginUnsub bool `json:"lnocu,omitempty"`
	LeafNodeSentinel    bool `json:"ln,omitempty"`
	// RoutePoolSize > 0 switches nats-server into pooled routes; reactor
	// leaves it 0 (absent) to be treated as a one-connection peer.
	RoutePoolSize int `json:"route_pool_size,omitempty"`
	RoutePoolIdx  int `json:"route_pool_idx,omitempty"`
	// RouteAccount marks a pinned-account connection; never register one.
	RouteAccount         string   `json:"route_account,omitempty"`
	RouteAccountAddReqID string   `json:"route_acc_add_reqid,omitempty"`
	GatewayURL           string   `json:"gateway_url,omitempty"`
	Gateway              string   `json:"gateway,omitempty"`
	LeafNodeURLs         []string `json:"leafnode_urls,omitempty"`
	// Import and Export are route permissions, kept verbatim.
	Import json.RawMessage `json:"import,omitempty"`
	Export json.RawMessage `json:"export,omitempty"`
	// LameDuckMode: the peer is shutting down; drop its ConnectURLs.
	LameDuckMode bool `json:"ldm,omitempty"`
	// GossipMode: 0 default, 1 never forward this INFO, 2 forward even
	// when the route was itself learned by gossip.
	GossipMode int `json:"gossip_mode,omitempty"`
}

// ParseRouteInfo decodes the argument of a route INFO (RouteOp.Arg).
func ParseRouteInfo(arg []byte) (RouteInfo, error) {
	var info RouteInfo
	if err := json.Unmarshal(arg, &info); err != nil {
		return RouteInfo{}, fmt.Errorf("route INFO: %w", err)
	}
	return info, nil
}

// JSON encodes info as nats-server would write it.
func (info *RouteInfo) JSON() ([]byte, error) { return json.Marshal(info) }

// RouteConnect is the JSON of a route CONNECT, sent by the dialing side
// only. Field order follows nats-server's.
type RouteConnect struct {
	Echo        bool   `json:"echo"`
	Verbose     bool   `json:"verbose"`
	Pedantic    bool   `json:"pedantic"`
	User        string `json:"user,omitempty"`
	Pass        string `json:"pass,omitempty"`
	TLSRequired bool   `json:"tls_required"`
	Headers     bool   `json:"headers"`
	// Name is the dialer's server id.
	Name string `json:"name"`
	// Cluster must equal the accepting server's cluster name; nats-server
	// rejects an absent one.
	Cluster        string `json:"cluster"`
	ClusterDynamic bool   `json:"cluster_dynamic,omitempty"`
	// Leaf-origin extensions; reactor leaves them false.
	LeafNodeOrigin      bool `json:"lnoc,omitempty"`
	LeafNodeOriginUnsub bool `json:"lnocu,omitempty"`
	LeafNodeSentinel    bool `json:"ln,omitempty"`
	// Lang and Gateway are never part of a route CONNECT: decoded only so
	// an accepting server can tell a client (Lang set) or a gateway
	// (Gateway set) that dialed the route port.
	Lang    string `json:"lang,omitempty"`
	Gateway string `json:"gateway,omitempty"`
}

// ParseRouteConnect decodes the argument of a route CONNECT (RouteOp.Arg).
func ParseRouteConnect(arg []byte) (RouteConnect, error) {
	var connect RouteConnect
	if err := json.Unmarshal(arg, &connect); err != nil {
		return RouteConnect{}, fmt.Errorf("route CONNECT: %w", err)
	}
	return connect, nil
}

// JSON encodes connect as nats-server would write it.
func (connect *RouteConnect) JSON() ([]byte, error) { return json.Marshal(connect) }
