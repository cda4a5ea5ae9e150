package monitor

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/reactor-nats/reactor/cluster"
	"github.com/reactor-nats/reactor/reactor"
)

func TestClusterVarzRendersAsNatsServer(t *testing.T) {
	for _, tc := range []struct {
		name string
		ci   reactor.ClusterInfo
		want string
	}{
		{"no cluster", reactor.ClusterInfo{}, `{}`},
		{"dialing a route", reactor.ClusterInfo{Name: "C", Host: "127.0.0.1", Port: 6222, URLs: []string{"10.0.0.2:6222"},
			AuthTimeout: 1500 * time.Millisecond, PoolSize: -1},
			`{"name":"C","addr":"127.0.0.1","cluster_port":6222,"auth_timeout":1.5,"urls":["10.0.0.2:6222"],` +
				`"tls_timeout":2,"pool_size":-1}`},
		// An unset auth timeout is nats-server's default, and pool_size 0 (one route per peer, as -1) is
		// reported as -1, never as nats-server's "0 means a pool of 3".
		{"defaults, no routes", reactor.ClusterInfo{Name: "C", Host: "0.0.0.0", Port: 6222},
			`{"name":"C","addr":"0.0.0.0","cluster_port":6222,"auth_timeout":2,"tls_timeout":2,"pool_size":-1}`},
	} {
		if got := compactJSON(t, clusterVarz(tc.ci)); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}

func TestRouteCountsTellRoutesFromRemotes(t *testing.T) {
	routes := []reactor.RouteConnInfo{{RID: 1, RemoteID: "NB"}, {RID: 2, RemoteID: "NC"}, {RID: 3, RemoteID: "NB"}}
	if conns, remotes := routeCounts(routes); conns != 3 || remotes != 2 {
		t.Errorf("routes %d remotes %d, want 3 connections to 2 servers", conns, remotes)
	}
	if conns, remotes := routeCounts(nil); conns != 0 || remotes != 0 {
		t.Errorf("no routes: %d %d", conns, remotes)
	}
}

func TestVarzHasNoClusterWithoutOne(t *testing.T) {
	f := runFixture(t, reactor.Options{})
	var v struct {
		Cluster     map[string]any `json:"cluster"`
		ConnectURLs []string       `json:"connect_urls"`
		Routes      *int           `json:"routes"`
		Remotes     *int           `json:"remotes"`
	}
	getJSON(t, f.base+"/varz", &v)
	if v.Cluster == nil || len(v.Cluster) != 0 || v.ConnectURLs != nil || v.Routes == nil || *v.Routes != 0 ||
		v.Remotes == nil || *v.Remotes != 0 {
		t.Errorf("varz without a cluster: %+v; want cluster {}, no connect_urls, routes and remotes 0", v)
	}
}

func TestVarzReportsTheCluster(t *testing.T) {
	a, b, routePort := runClusterPair(t)
	var av, bv Varz
	getJSON(t, a.base+"/varz", &av)
	getJSON(t, b.base+"/varz", &bv)
	wantA := ClusterOptsVarz{Name: "C", Host: "127.0.0.1", Port: routePort, AuthTimeout: 2, TLSTimeout: 2, PoolSize: -1}
	if !reflect.DeepEqual(av.Cluster, wantA) {
		t.Errorf("A's cluster %+v, want %+v", av.Cluster, wantA)
	}
	wantB := ClusterOptsVarz{Name: "C", Host: "127.0.0.1", Port: b.srv.Cluster().Port, AuthTimeout: 2,
		URLs: []string{fmt.Sprintf("127.0.0.1:%d", routePort)}, TLSTimeout: 2, PoolSize: -1}
	if wantB.Port == 0 || wantB.Port == routePort || !reflect.DeepEqual(bv.Cluster, wantB) {
		t.Errorf("B's cluster %+v, want %+v with the random port B bound", bv.Cluster, wantB)
	}
	for name, v := range map[string]*Varz{"A": &av, "B": &bv} {
		if v.Routes != 1 || v.Remotes != 1 || v.SlowConsumersStats.Routes != 0 {
			t.Errorf("%s: routes %d remotes %d route slow consumers %d; want 1 1 0",
				name, v.Routes, v.Remotes, v.SlowConsumersStats.Routes)
		}
	}
}

// nats-server gives clients no connect_urls, and /varz none, until a peer's route brings some: its own
// client URL alone tells a client nothing it does not know.
func TestVarzOfALoneClusterMemberHasNoConnectURLs(t *testing.T) {
	f := runFixture(t, reactor.Options{Cluster: &cluster.Options{Name: "C", Host: "127.0.0.1", Port: -1}})
	var v Varz
	getJSON(t, f.base+"/varz", &v)
	if v.Cluster.Name != "C" || v.ConnectURLs != nil {
		t.Errorf("cluster %+v connect_urls %q; want cluster C and no connect_urls", v.Cluster, v.ConnectURLs)
	}
}

func TestVarzConnectURLsListBothServers(t *testing.T) {
	a, b, _ := runClusterPair(t)
	want := []string{a.srv.Addr(), b.srv.Addr()}
	var v Varz
	waitFor(t, "B's connect_urls to list both servers", func() bool {
		getJSON(t, b.base+"/varz", &v)
		return len(v.ConnectURLs) == 2 && slices.Contains(v.ConnectURLs, want[0]) && slices.Contains(v.ConnectURLs, want[1])
	})
	if v.ConnectURLs[0] != want[1] {
		t.Errorf("connect_urls %q, want B's own first, as nats-server", v.ConnectURLs)
	}
}

// Messages that cross a route count in in_msgs/out_msgs but not as client traffic, as in nats-server: the
// publisher's server sends them to a route, the subscriber's server receives them from one.
func TestVarzTellsClientTrafficFromRouteTraffic(t *testing.T) {
	a, b, _ := runClusterPair(t)
	sub := subscribe(t, connect(t, b.clientURL(), "sub"), "crossing", "")
	pub := connect(t, a.clientURL(), "pub")
	waitFor(t, "B's interest at A", func() bool {
		for _, r := range a.srv.Routes(false) {
			if r.NumSubs > 0 {
				return true
			}
		}
		return false
	})
	publish(t, pub, "crossing", "hello", 3)
	receive(t, sub, 3)
	var va, vb Varz
	getJSON(t, a.base+"/varz", &va)
	getJSON(t, b.base+"/varz", &vb)
	if va.InClientMsgs != 3 || va.OutMsgs != 3 || va.OutClientMsgs != 0 {
		t.Errorf("A: in_client_msgs %d out_msgs %d out_client_msgs %d, want 3 3 0", va.InClientMsgs, va.OutMsgs, va.OutClientMsgs)
	}
	if vb.InMsgs != 3 || vb.InClientMsgs != 0 || vb.OutClientMsgs != 3 {
		t.Errorf("B: in_msgs %d in_client_msgs %d out_client_msgs %d, want 3 0 3", vb.InMsgs, vb.InClientMsgs, vb.OutClientMsgs)
	}
}
