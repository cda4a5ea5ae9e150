package cluster

import (
	"fmt"
	"net"
	"net/url"
	"strconv"

	"github.com/reactor-nats/reactor/codec"
)

// Identity is what this server says about itself on routes.
type Identity struct {
	ServerID   string // CONNECT "name" and INFO "server_id"; unique per process start
	ServerName string // INFO "server_name"; empty means the id
	Cluster    string // the cluster name every peer must share
}

// Refusal is a route CONNECT the accepting side refuses: the engine sends "-ERR '<Text>'" and closes.
type Refusal struct{ Text string }

func (r *Refusal) Error() string { return r.Text }

// CheckConnect is what the accepting side checks in a route CONNECT, in nats-server's order and with
// its exact -ERR texts (checked against bin/nats-server): a client on the route port, a gateway on
// the route port, a cluster name that differs (absent counts as ""). nil means go on and wait for the
// peer's INFO, which is when the route is registered. Dynamic cluster names are not handled: reactor
// always has a configured name.
func CheckConnect(local Identity, c *codec.RouteConnect) *Refusal {
	switch {
	case c.Lang != "":
		return &Refusal{"attempted to connect to route port"}
	case c.Gateway != "":
		return &Refusal{fmt.Sprintf("Rejecting connection from gateway %q on the Route port", c.Gateway)}
	case c.Cluster != local.Cluster:
		return &Refusal{fmt.Sprintf("Rejecting connection, cluster name %q does not match %q", c.Cluster, local.Cluster)}
	}
	return nil
}

// Verdict is what to do with a route connection once the peer's INFO has arrived.
type Verdict uint8

const (
	// Register: a new peer; add the route, send it the local interest (Announcer.Join), gossip it.
	Register Verdict = iota + 1
	// Duplicate: a route to this server id is already registered; close this newer connection, never
	// redial it, and update the registered one with MergeDuplicate.
	Duplicate
	// RouteToSelf: we reached ourselves; close and never dial that address again.
	RouteToSelf
	// ClusterMismatch: the INFO names another cluster; close without -ERR (nats-server does the same
	// on the dialing side). An explicit route keeps being redialed.
	ClusterMismatch
	// DuplicateName: an accepted route from a server with our server_name; close without -ERR.
	DuplicateName
	// PinnedAccount: a pinned-account connection (route_account); never registered, just closed.
	PinnedAccount
)

var verdictNames = [...]string{
	Register: "register", Duplicate: "duplicate route", RouteToSelf: "route to self",
	ClusterMismatch: "cluster name conflict", DuplicateName: "duplicate server name", PinnedAccount: "pinned account route",
}

func (v Verdict) String() string {
	if int(v) < len(verdictNames) && verdictNames[v] != "" {
		return verdictNames[v]
	}
	return "Verdict(" + strconv.Itoa(int(v)) + ")"
}

// Admit decides what the first INFO on a route connection means. accepted is true for a connection
// this server accepted (the peer dialed); registered reports whether a route to a server id is already
// registered. It is called once per connection, on the peer's first INFO; later INFOs are updates or
// gossip (see Gossip).
func Admit(local Identity, info *codec.RouteInfo, accepted bool, registered func(serverID string) bool) Verdict {
	switch {
	case info.RouteAccount != "":
		return PinnedAccount
	case info.Cluster != local.Cluster:
		return ClusterMismatch
	case info.ServerID == local.ServerID:
		return RouteToSelf
	case accepted && local.ServerName != "" && info.ServerName == local.ServerName:
		return DuplicateName
	case registered(info.ServerID):
		return Duplicate
	}
	return Register
}

// Origin is how a route came to be; it decides redialing and gossip forwarding.
type Origin uint8

const (
	Accepted Origin = iota + 1 // the peer dialed us
	Explicit                   // we dialed a configured route
	Implicit                   // we dialed a URL learned by gossip
)

// RouteState is what the engine keeps about a registered route for redialing.
type RouteState struct {
	Origin    Origin
	Solicited bool     // we dialed this connection
	URL       *url.URL // what we dialed (nil for accepted)
	// Retry marks a route that survived a duplicate: if it drops, it is redialed even if accepted, in
	// case the peer kept the other connection and both sides closed the one they did not keep.
	Retry bool
}

// MergeDuplicate is how a registered route absorbs a duplicate connection to the same server id:
// the duplicate is closed (never redialed) and the registered route keeps running, remembering what
// made the duplicate worth redialing — that we dialed it and where, that it was an explicit route —
// and is marked to Retry.
//
// The rule is nats-server's (the newer connection loses), so that a mixed cluster resolves crossing
// dials the same way on both kinds of node. It is not a global tie-break: when A and B dial each
// other at once, each may keep the connection the other closed and both close. Retry is what heals
// that: the kept route's close triggers a redial, and that single new connection has no rival.
func MergeDuplicate(kept, duplicate RouteState) RouteState {
	if duplicate.Solicited && !kept.Solicited {
		kept.Solicited, kept.URL = true, duplicate.URL
	}
	if duplicate.Origin == Explicit {
		kept.Origin = Explicit
	}
	kept.Retry = true
	return kept
}

// Redial says whether a route that closed is dialed again: an explicit route forever (1 s apart), a
// route we dialed or that survived a duplicate once plus ConnectRetries more attempts if it has a URL,
// an accepted route never (its peer redials). attempts is how many dial attempts to make; forever
// overrides it.
func Redial(s RouteState, connectRetries int) (redial, forever bool, attempts int) {
	switch {
	case s.Origin == Explicit:
		return true, true, 0
	case (s.Solicited || s.Retry) && s.URL != nil:
		return true, false, 1 + max(connectRetries, 0)
	}
	return false, false, 0
}

// Gossip modes of a route INFO (gossip_mode).
const (
	GossipDefault  = 0
	GossipDisabled = 1 // never forward this INFO
	GossipOverride = 2 // forward even from a route that was itself learned by gossip
)

// ForwardInfo returns the INFO to send to every other peer when the route to info's server is
// registered: the peer's own INFO without its nonce, with ip set to where that peer can be dialed
// (its advertise ip if it sent one, else nats-route://<sourceIP>:<port>/ from the connection's remote
// address), and gossip_mode Override as nats-server writes it (ROUTES.md §6).
func ForwardInfo(info codec.RouteInfo, sourceIP string) codec.RouteInfo {
	info.Nonce = ""
	if info.IP == "" {
		info.IP = "nats-route://" + net.JoinHostPort(sourceIP, strconv.Itoa(info.Port)) + "/"
	}
	info.GossipMode = GossipOverride
	return info
}

// ShouldForward says whether registering a route of this origin is gossiped to the other peers.
// learnedMode is the gossip_mode of the gossip INFO that made us dial an Implicit route; infoMode is
// the gossip_mode in the peer's own INFO.
func ShouldForward(origin Origin, learnedMode, infoMode int) bool {
	if infoMode == GossipDisabled {
		return false
	}
	if origin == Implicit {
		return learnedMode == GossipOverride
	}
	return true
}

// Gossip decides what an INFO received on an established route to viaID asks of us: if its server id
// is another server (gossip) that we are not routed to, do not have among our configured routes and
// that is not ourselves, it returns the URL to dial as an Implicit route, with our cluster credentials
// when the INFO says auth is required. ok is false when nothing is to be dialed, including for an
// INFO without ip (nothing to dial) and INFOs about gateways.
func Gossip(local Identity, viaID string, info *codec.RouteInfo, registered func(serverID string) bool,
	configured []*url.URL, user, password string) (dial *url.URL, ok bool) {
	switch {
	case info.ServerID == viaID, info.ServerID == local.ServerID, info.Gateway != "",
		info.IP == "", registered(info.ServerID):
		return nil, false
	}
	target, err := url.Parse(info.IP)
	if err != nil || target.Host == "" {
		return nil, false
	}
	if isConfigured(configured, net.JoinHostPort(info.Host, strconv.Itoa(info.Port))) ||
		isConfigured(configured, net.JoinHostPort(target.Hostname(), strconv.Itoa(info.Port))) {
		return nil, false
	}
	if info.AuthRequired && user != "" {
		target.User = url.UserPassword(user, password)
	}
	return target, true
}

func isConfigured(configured []*url.URL, hostPort string) bool {
	for _, u := range configured {
		if u.Host == hostPort {
			return true
		}
	}
	return false
}

// PeerURLs is one registered peer's client URLs, as its route INFO gave them.
type PeerURLs struct {
	ConnectURLs []string
	LameDuck    bool // INFO "ldm": the peer is leaving; its URLs are withdrawn
}

// ClientConnectURLs is the connect_urls of the client INFO (ROUTES.md §10): our own client URLs, then
// every peer's in the order given, without duplicates and without lame-duck peers. With no_advertise
// there are none: a nats-server with cluster.no_advertise sends clients no connect_urls at all [obs],
// and its route INFO should carry none either, so that peers do not advertise it.
func ClientConnectURLs(own []string, peers []PeerURLs, noAdvertise bool) []string {
	if noAdvertise {
		return nil
	}
	urls := make([]string, 0, len(own))
	seen := make(map[string]bool, len(own))
	add := func(list []string) {
		for _, u := range list {
			if !seen[u] {
				seen[u] = true
				urls = append(urls, u)
			}
		}
	}
	add(own)
	for _, p := range peers {
		if !p.LameDuck {
			add(p.ConnectURLs)
		}
	}
	return urls
}
