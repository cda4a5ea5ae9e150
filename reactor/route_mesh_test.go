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
