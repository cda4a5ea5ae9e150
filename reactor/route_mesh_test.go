package reactor

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/reactor-nats/reactor/cluster"
)

// runMesh starts n reactor servers in one cluster: the first has no routes, every other lists the first
// only, so the rest of the mesh forms by gossip.
func runMesh(t testing.TB, n int) []*Server {
	t.Helper()
	var servers []*Server
	for i := range n {
		co := &cluster.Options{Name: "C", Host: "127.0.0.1", Port: -1}
		if i > 0 {
			co.Routes = []*url.URL{routeURL(servers[0])}
		}
		servers = append(servers, runServer(t, Options{ServerName: fmt.Sprintf("r%d", i+1), Cluster: co}))
	}
	waitMeshed(t, servers, n-1)
	return servers
}

func routeURL(s *Server) *url.URL {
	return &url.URL{Scheme: "nats-route", Host: fmt.Sprintf("127.0.0.1:%d", s.Cluster().Port)}
}

// waitMeshed waits until every server has routes registered to want peers.
func waitMeshed(t testing.TB, servers []*Server, want int) {
	t.Helper()
	waitFor(t, "full mesh", 10*time.Second, func() bool {
		for _, s := range servers {
			if len(s.cluster.peerList()) != want {
				return false
			}
		}
		return true
	})
}

func TestMeshFormsByGossipAndRoutesMessages(t *testing.T) {
	servers := runMesh(t, 3)
	sub := connect(t, servers[2])
	got := make(chan *nats.Msg, 10)
	if _, err := sub.ChanSubscribe("foo.*", got); err != nil {
		t.Fatal(err)
	}
	sub.Flush()
	pub := connect(t, servers[1])
	waitFor(t, "interest to reach r2", 5*time.Second, func() bool {
		for _, p := range servers[1].cluster.peerList() {
			if p.route.interest.HasInterest([]byte("$G"), []byte("foo.bar")) {
				return true
			}
		}
		return false
	})
	msg := nats.NewMsg("foo.bar")
	msg.Data = []byte("hello")
	msg.Header.Set("K", "v")
	if err := pub.PublishMsg(msg); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-got:
		if string(m.Data) != "hello" || m.Header.Get("K") != "v" {
			t.Fatalf("got %q %v", m.Data, m.Header)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("message did not cross the route")
	}
}

// A server entering lame duck mode tells its peers, which stop handing its client URL to their clients
// while the route still runs.
func TestLameDuckWithdrawsClientURLFromPeers(t *testing.T) {
	r1 := runServer(t, Options{ServerName: "r1", LameDuckGracePeriod: 10 * time.Second, LameDuckDuration: 30 * time.Second,
		Cluster: &cluster.Options{Name: "C", Host: "127.0.0.1", Port: -1}})
	r2 := runServer(t, Options{ServerName: "r2", Cluster: &cluster.Options{Name: "C", Host: "127.0.0.1", Port: -1,
		Routes: []*url.URL{routeURL(r1)}}})
	waitMeshed(t, []*Server{r1, r2}, 1)
	connect(t, r1) // someone to wait for, so r1 stays in lame duck mode instead of exiting
	hasR1 := func() bool {
		for _, u := range r2.ClientConnectURLs() {
			if u == r1.Addr() {
				return true
			}
		}
		return false
	}
	waitFor(t, "r1 in r2's connect_urls", 5*time.Second, hasR1)
	go r1.LameDuck()
	waitFor(t, "r1 withdrawn from r2's connect_urls", 5*time.Second, func() bool { return !hasR1() })
	if n := len(r2.cluster.peerList()); n != 1 {
		t.Fatalf("route dropped during lame duck: %d peers", n)
	}
}

// A WebSocket client of a cluster member is not handed the TCP client URLs of the peers: it could not
// reconnect to them. TCP clients of the same server are.
func TestWebSocketClientsGetNoTCPConnectURLs(t *testing.T) {
	r1 := wsServer(t, Options{ServerName: "r1", Cluster: &cluster.Options{Name: "C", Host: "127.0.0.1", Port: -1}})
	r2 := runServer(t, Options{ServerName: "r2", Cluster: &cluster.Options{Name: "C", Host: "127.0.0.1", Port: -1,
		Routes: []*url.URL{routeURL(r1)}}})
	waitMeshed(t, []*Server{r1, r2}, 1)
	tcp := connect(t, r1)
	waitFor(t, "the TCP client to learn r2", 5*time.Second, func() bool { return len(tcp.DiscoveredServers()) == 1 })
	ws, err := nats.Connect(r1.wsURL(), nats.Timeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if err := ws.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := ws.DiscoveredServers(); len(got) != 0 {
		t.Fatalf("WebSocket client was given %v", got)
	}
}
