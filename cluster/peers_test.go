package cluster

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/reactor-nats/reactor/codec"
)

var self = Identity{ServerID: "NSELF", ServerName: "R1", Cluster: "C"}

// Texts captured from bin/nats-server v2.15.2 answering these CONNECTs on its route port.
func TestCheckConnect(t *testing.T) {
	for _, tc := range []struct {
		connect codec.RouteConnect
		want    string // "" = accepted
	}{
		{codec.RouteConnect{Name: "NPEER", Cluster: "C", Headers: true}, ""},
		{codec.RouteConnect{Name: "NPEER", Cluster: "C", Lang: "go"}, "attempted to connect to route port"},
		{codec.RouteConnect{Name: "NPEER", Cluster: "C", Gateway: "G"}, `Rejecting connection from gateway "G" on the Route port`},
		{codec.RouteConnect{Name: "NPEER", Cluster: "D"}, `Rejecting connection, cluster name "D" does not match "C"`},
		{codec.RouteConnect{Name: "NPEER"}, `Rejecting connection, cluster name "" does not match "C"`},
	} {
		r := CheckConnect(self, &tc.connect)
		got := ""
		if r != nil {
			got = r.Text
		}
		if got != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.connect, got, tc.want)
		}
	}
}

func TestAdmit(t *testing.T) {
	known := func(id string) bool { return id == "NKNOWN" }
	for _, tc := range []struct {
		name     string
		info     codec.RouteInfo
		accepted bool
		want     Verdict
	}{
		{"new peer", codec.RouteInfo{ServerID: "NNEW", ServerName: "B", Cluster: "C"}, false, Register},
		{"new peer accepted", codec.RouteInfo{ServerID: "NNEW", ServerName: "B", Cluster: "C"}, true, Register},
		{"second route to a registered id", codec.RouteInfo{ServerID: "NKNOWN", Cluster: "C"}, true, Duplicate},
		{"ourselves", codec.RouteInfo{ServerID: "NSELF", ServerName: "R1", Cluster: "C"}, false, RouteToSelf},
		{"other cluster", codec.RouteInfo{ServerID: "NNEW", Cluster: "D"}, false, ClusterMismatch},
		{"same server_name, accepted", codec.RouteInfo{ServerID: "NNEW", ServerName: "R1", Cluster: "C"}, true, DuplicateName},
		{"same server_name, dialed", codec.RouteInfo{ServerID: "NNEW", ServerName: "R1", Cluster: "C"}, false, Register},
		{"pinned $SYS connection", codec.RouteInfo{ServerID: "NNEW", Cluster: "C", RouteAccount: "$SYS"}, false, PinnedAccount},
	} {
		if got := Admit(self, &tc.info, tc.accepted, known); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestMergeDuplicate(t *testing.T) {
	u := &url.URL{Scheme: "nats-route", Host: "h:1"}
	for _, tc := range []struct {
		name            string
		kept, duplicate RouteState
		want            RouteState
	}{
		{"accepted keeps the dialed duplicate's URL",
			RouteState{Origin: Accepted},
			RouteState{Origin: Explicit, Solicited: true, URL: u},
			RouteState{Origin: Explicit, Solicited: true, URL: u, Retry: true}},
		{"dialed keeps its own",
			RouteState{Origin: Implicit, Solicited: true, URL: u},
			RouteState{Origin: Accepted},
			RouteState{Origin: Implicit, Solicited: true, URL: u, Retry: true}},
	} {
		if got := MergeDuplicate(tc.kept, tc.duplicate); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestRedial(t *testing.T) {
	u := &url.URL{Scheme: "nats-route", Host: "h:1"}
	for _, tc := range []struct {
		name            string
		state           RouteState
		retries         int
		redial, forever bool
		attempts        int
	}{
		{"explicit forever", RouteState{Origin: Explicit, Solicited: true, URL: u}, 0, true, true, 0},
		{"implicit once by default", RouteState{Origin: Implicit, Solicited: true, URL: u}, 0, true, false, 1},
		{"implicit with connect_retries", RouteState{Origin: Implicit, Solicited: true, URL: u}, 3, true, false, 4},
		{"accepted never", RouteState{Origin: Accepted}, 5, false, false, 0},
		{"accepted survivor of a duplicate with a URL", RouteState{Origin: Accepted, Retry: true, URL: u}, 0, true, false, 1},
	} {
		redial, forever, attempts := Redial(tc.state, tc.retries)
		if redial != tc.redial || forever != tc.forever || attempts != tc.attempts {
			t.Errorf("%s: got %v %v %d, want %v %v %d", tc.name, redial, forever, attempts, tc.redial, tc.forever, tc.attempts)
		}
	}
}

func TestForwardInfo(t *testing.T) {
	in := codec.RouteInfo{ServerID: "NA2", ServerName: "A2", Host: "0.0.0.0", Port: 26224, Nonce: "xyz", Cluster: "C",
		ConnectURLs: []string{"127.0.0.1:24224"}, RoutePoolSize: 3}
	out := ForwardInfo(in, "127.0.0.1")
	if out.Nonce != "" || out.IP != "nats-route://127.0.0.1:26224/" || out.GossipMode != GossipOverride || out.RoutePoolSize != 3 {
		t.Fatalf("got %+v", out)
	}
	if in.Nonce != "xyz" {
		t.Fatal("ForwardInfo modified its input")
	}
	advertised := ForwardInfo(codec.RouteInfo{ServerID: "NA3", Port: 1, IP: "nats-route://10.0.0.3:6222/"}, "192.168.1.1")
	if advertised.IP != "nats-route://10.0.0.3:6222/" {
		t.Fatalf("advertised ip replaced: %s", advertised.IP)
	}
	v6 := ForwardInfo(codec.RouteInfo{Port: 2}, "::1")
	if v6.IP != "nats-route://[::1]:2/" {
		t.Fatalf("ipv6: %s", v6.IP)
	}
}

func TestShouldForward(t *testing.T) {
	for _, tc := range []struct {
		origin                Origin
		learnedMode, infoMode int
		want                  bool
	}{
		{Accepted, 0, GossipDefault, true},
		{Explicit, 0, GossipDefault, true},
		{Explicit, 0, GossipDisabled, false},
		{Implicit, GossipDefault, GossipDefault, false},
		{Implicit, GossipOverride, GossipDefault, true},
		{Implicit, GossipOverride, GossipDisabled, false},
	} {
		if got := ShouldForward(tc.origin, tc.learnedMode, tc.infoMode); got != tc.want {
			t.Errorf("%+v: got %v", tc, got)
		}
	}
}

func TestGossip(t *testing.T) {
	configured := []*url.URL{{Scheme: "nats-route", Host: "10.0.0.9:6222"}}
	registered := func(id string) bool { return id == "NKNOWN" }
	gossip := func(id, host string, port int, ip string) *codec.RouteInfo {
		return &codec.RouteInfo{ServerID: id, Host: host, Port: port, IP: ip, Cluster: "C"}
	}
	for _, tc := range []struct {
		name string
		info *codec.RouteInfo
		want string // URL to dial, "" for none
	}{
		{"new server", gossip("NNEW", "0.0.0.0", 26224, "nats-route://127.0.0.1:26224/"), "nats-route://127.0.0.1:26224/"},
		{"update from the peer itself", gossip("NVIA", "0.0.0.0", 1, "nats-route://127.0.0.1:1/"), ""},
		{"ourselves", gossip("NSELF", "0.0.0.0", 1, "nats-route://127.0.0.1:1/"), ""},
		{"already routed", gossip("NKNOWN", "0.0.0.0", 1, "nats-route://127.0.0.1:1/"), ""},
		{"configured by host:port", gossip("NNEW", "10.0.0.9", 6222, "nats-route://1.2.3.4:6222/"), ""},
		{"configured by ip host", gossip("NNEW", "0.0.0.0", 6222, "nats-route://10.0.0.9:6222/"), ""},
		{"no ip", gossip("NNEW", "0.0.0.0", 1, ""), ""},
		{"gateway INFO", &codec.RouteInfo{ServerID: "GWX", IP: "nats-route://h:1/", Gateway: "G"}, ""},
	} {
		u, ok := Gossip(self, "NVIA", tc.info, registered, configured, "", "")
		got := ""
		if ok {
			got = u.String()
		}
		if got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
	info := gossip("NNEW", "0.0.0.0", 1, "nats-route://127.0.0.1:1/")
	info.AuthRequired = true
	u, ok := Gossip(self, "NVIA", info, registered, nil, "ru", "rp")
	if !ok || u.String() != "nats-route://ru:rp@127.0.0.1:1/" {
		t.Fatalf("auth_required: got %v %v", u, ok)
	}
}

func TestClientConnectURLs(t *testing.T) {
	peers := []PeerURLs{
		{ConnectURLs: []string{"127.0.0.1:24998"}},
		{ConnectURLs: []string{"127.0.0.1:24224"}, LameDuck: true},
		{ConnectURLs: []string{"127.0.0.1:24223", "127.0.0.1:24999"}},
	}
	got := ClientConnectURLs([]string{"127.0.0.1:24223"}, peers, false)
	want := []string{"127.0.0.1:24223", "127.0.0.1:24998", "127.0.0.1:24999"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if got := ClientConnectURLs([]string{"127.0.0.1:24223"}, peers, true); got != nil {
		t.Fatalf("no_advertise: got %v, want none", got)
	}
}
