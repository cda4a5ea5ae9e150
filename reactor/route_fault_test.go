package reactor

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/rs/zerolog"

	"github.com/reactor-nats/reactor/cluster"
	"github.com/reactor-nats/reactor/internal/testref"
)

// Faults on a running mesh: a member killed and restarted, a peer that stops answering, a peer that sends
// garbage, a peer that stops reading. The misbehaving peers are fakeRoutes, written by hand on a raw socket.

// fakeRoute is a route peer on a raw socket: it does what a dialing nats-server does in the handshake
// (ROUTES.md §1–§3) and afterwards only what the test makes it do.
type fakeRoute struct {
	*rawConn
	id string
}

// routeAddr is the host:port of s's route listener.
func routeAddr(s *Server) string { return fmt.Sprintf("127.0.0.1:%d", s.Cluster().Port) }

// routeConnectLine is a route CONNECT as nats-server sends it (ROUTES.md §2), with fields changed or
// added by set (a nil value removes the field).
func routeConnectLine(id, clusterName string, set map[string]any) string {
	fields := map[string]any{"echo": true, "verbose": false, "pedantic": false, "tls_required": false,
		"headers": true, "name": id, "cluster": clusterName}
	for k, v := range set {
		if v == nil {
			delete(fields, k)
		} else {
			fields[k] = v
		}
	}
	js, _ := json.Marshal(fields)
	return "CONNECT " + string(js) + "\r\n"
}

// routeInfoLine is a no-pool peer's route INFO (ROUTES.md §3). Its port is one nobody listens on, so a
// server that gossips the fake to its other peers sends them dialing nowhere.
func routeInfoLine(t testing.TB, id, clusterName string) string {
	info := map[string]any{"server_id": id, "server_name": id, "version": "2.15.2", "proto": 2,
		"host": "127.0.0.1", "port": freshPort(t), "headers": true, "max_payload": 1048576, "cluster": clusterName}
	js, _ := json.Marshal(info)
	return "INFO " + string(js) + "\r\n"
}

// dialFakeRoute connects to a route port, reads the server's INFO and completes the handshake: CONNECT,
// then INFO. dial may shape the socket (nil for a plain one).
func dialFakeRoute(t testing.TB, addr, clusterName, id string, dial *net.Dialer) *fakeRoute {
	t.Helper()
	if dial == nil {
		dial = &net.Dialer{}
	}
	dial.Timeout = 5 * time.Second
	nc, err := dial.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	f := &fakeRoute{rawConn: &rawConn{t: t, nc: nc, r: bufio.NewReader(nc)}, id: id}
	if info := f.line(); !strings.HasPrefix(info, "INFO ") {
		t.Fatalf("route port greeted with %q, want INFO", info)
	}
	f.send(routeConnectLine(id, clusterName, nil) + routeInfoLine(t, id, clusterName))
	return f
}

// handedOut are the ports freshPort has given out in this test binary.
var handedOut = struct {
	sync.Mutex
	ports map[int]bool
}{ports: map[int]bool{}}

// freshPort is freeTCPPort that never gives the same port twice: freeTCPPort reserves nothing, and the
// kernel hands a just-released port out again often enough (a repeat in about one batch of six ports in
// 500 here) that two members of one mesh, or a member's client and route listeners, would get one port.
func freshPort(t testing.TB) int {
	t.Helper()
	handedOut.Lock()
	defer handedOut.Unlock()
	for {
		if p := freeTCPPort(t); !handedOut.ports[p] {
			handedOut.ports[p] = true
			return p
		}
	}
}

// waitListening waits until addr takes connections: nats-server opens its route port only after its
// client port, which is what refNode waits for.
func waitListening(t testing.TB, addr string) {
	t.Helper()
	waitFor(t, addr+" listening", 10*time.Second, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
}

// readUntilClosed reads lines until the server closes the connection, for at most d. closed is false when
// d passed first.
func (rc *rawConn) readUntilClosed(d time.Duration) (lines []string, closed bool) {
	_ = rc.nc.SetReadDeadline(time.Now().Add(d))
	for {
		l, err := rc.r.ReadString('\n')
		if l != "" {
			lines = append(lines, strings.TrimSuffix(l, "\r\n"))
		}
		if err != nil {
			var ne net.Error
			return lines, !(errors.As(err, &ne) && ne.Timeout())
		}
	}
}

// routeListed reports whether s has a registered route to the server with id remoteID.
func routeListed(s *Server, remoteID string) bool {
	for _, r := range s.Routes(false) {
		if r.RemoteID == remoteID {
			return true
		}
	}
	return false
}

// routeNamed is s's registered route to the server named remoteName; ok is false if there is none.
func routeNamed(s *Server, remoteName string) (r RouteConnInfo, ok bool) {
	for _, r := range s.Routes(false) {
		if r.RemoteName == remoteName {
			return r, true
		}
	}
	return RouteConnInfo{}, false
}

// faultKinds are the meshes a member is killed in, and which member: the seed (the others' only
// configured route, so the survivors keep a route they made by gossip) or a member that lists the seed
// (on restart it must be gossiped to the third member again).
var faultKinds = []struct {
	name   string
	specs  []meshSpec
	victim int
}{
	{"reactor, seed killed", []meshSpec{{}, {routes: []int{0}}, {routes: []int{0}}}, 0},
	{"reactor, member killed", []meshSpec{{}, {routes: []int{0}}, {routes: []int{0}}}, 1},
	{"mixed, reactor seed killed", []meshSpec{{}, {reference: true, routes: []int{0}}, {routes: []int{0}}}, 0},
	{"mixed, reference member killed", []meshSpec{{}, {reference: true, routes: []int{0}}, {routes: []int{0}}}, 1},
	{"mixed, reference seed killed", []meshSpec{{reference: true}, {routes: []int{0}}, {reference: true, routes: []int{0}}}, 0},
	{"mixed, reactor member killed", []meshSpec{{reference: true}, {routes: []int{0}}, {reference: true, routes: []int{0}}}, 1},
}

func TestRouteMemberKilledClientsFailOverAndMemberRejoins(t *testing.T) {
	for _, kind := range faultKinds {
		t.Run(kind.name, func(t *testing.T) {
			nodes := startMesh(t, "C", kind.specs)
			victim := nodes[kind.victim]
			var survivors []node
			for i, n := range nodes {
				if i != kind.victim {
					survivors = append(survivors, n)
				}
			}
			subject := "failover." + victim.name()

			// A client of the victim that knows every member, victim first.
			urls := []string{victim.clientURL()}
			for _, n := range survivors {
				urls = append(urls, n.clientURL())
			}
			reconnected := make(chan struct{}, 1)
			cl := dialURLs(t, strings.Join(urls, ","), nats.DontRandomize(), nats.ReconnectWait(20*time.Millisecond),
				nats.ReconnectJitter(0, 0), nats.MaxReconnects(-1),
				nats.ReconnectHandler(func(*nats.Conn) {
					select {
					case reconnected <- struct{}{}:
					default:
					}
				}))
			if cl.ConnectedUrl() != victim.clientURL() {
				t.Fatalf("client connected to %s, want the victim %s", cl.ConnectedUrl(), victim.clientURL())
			}
			sub, err := cl.SubscribeSync(subject)
			if err != nil {
				t.Fatal(err)
			}
			_ = cl.Flush()
			for _, n := range survivors {
				waitInterest(t, dialNode(t, n), subject, sub)
			}
			// The survivors' route to each other, where a survivor is reactor: it must outlive the victim.
			kept := map[string]uint64{}
			for _, n := range survivors {
				if rn, ok := n.(*reactorNode); ok {
					for _, other := range survivors {
						if other != n {
							r, ok := routeNamed(rn.server(), other.name())
							if !ok {
								t.Fatalf("%s has no route to %s", n.name(), other.name())
							}
							kept[n.name()+"→"+other.name()] = r.RID
						}
					}
				}
			}

			victim.kill()
			select {
			case <-reconnected:
			case <-time.After(10 * time.Second):
				t.Fatalf("client of %s never reconnected", victim.name())
			}
			if cl.ConnectedUrl() == victim.clientURL() {
				t.Fatalf("client reconnected to the killed member")
			}
			// The subscription was carried over: a publisher on either survivor (one of them a third node)
			// reaches it.
			for _, n := range survivors {
				waitInterest(t, dialNode(t, n), subject, sub)
			}
			waitAllRouted(t, survivors)
			for _, n := range survivors {
				if rn, ok := n.(*reactorNode); ok {
					for _, other := range survivors {
						if other == n {
							continue
						}
						r, ok := routeNamed(rn.server(), other.name())
						if !ok || r.RID != kept[n.name()+"→"+other.name()] {
							t.Errorf("%s's route to %s did not survive the loss of %s: %+v", n.name(), other.name(),
								victim.name(), r)
						}
					}
				}
			}

			// The victim comes back on its ports and the mesh is whole again.
			victim.restart(t)
			waitAllRouted(t, nodes)
			for _, n := range nodes {
				rn, ok := n.(*reactorNode)
				if !ok {
					continue
				}
				waitFor(t, n.name()+" routes exactly its two peers", 10*time.Second, func() bool {
					routes := rn.server().Routes(false)
					names := map[string]bool{}
					for _, r := range routes {
						names[r.RemoteName] = true
					}
					if len(routes) != len(nodes)-1 {
						return false
					}
					for _, other := range nodes {
						if other != n && !names[other.name()] {
							return false
						}
					}
					return true
				})
			}
			waitInterest(t, dialNode(t, victim), subject, sub)
		})
	}
}

// dialURLs connects nats.go to a comma-separated list of servers, closed when the test ends.
func dialURLs(t testing.TB, urls string, opts ...nats.Option) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(urls, append([]nats.Option{nats.Timeout(5 * time.Second)}, opts...)...)
	if err != nil {
		t.Fatalf("connect to %s: %v", urls, err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// staleOptions is a route listener that pings every 100 ms and gives up after two unanswered PINGs.
func staleOptions(name string) Options {
	return Options{ServerName: name, Cluster: &cluster.Options{Name: "C", Host: "127.0.0.1", Port: -1,
		PingInterval: 100 * time.Millisecond, PingMax: 2}}
}

func TestRoutePeerThatStopsAnsweringPingsIsDropped(t *testing.T) {
	s := runServer(t, staleOptions("r1"))
	f := dialFakeRoute(t, routeAddr(s), "C", "FAKESTALE", nil)
	opened := time.Now()
	waitFor(t, "fake route registered", 5*time.Second, func() bool { return routeListed(s, f.id) })

	lines, closed := f.readUntilClosed(10 * time.Second)
	took := time.Since(opened)
	if !closed {
		t.Fatalf("a route that never answers PING still open after 10s; it sent %q", lines)
	}
	var pings int
	var last string
	for _, l := range lines {
		if l == "PING" {
			pings++
		}
		last = l
	}
	if pings != 2 || last != "-ERR 'Stale Connection'" {
		t.Fatalf("got %q before the close, want 2 PINGs then -ERR 'Stale Connection'", lines)
	}
	// The first PING is due a second after the route opens, as nats-server's; then two intervals of
	// 100 ms. The slack covers the sweep's granularity and a busy machine, and stays below the 3 s that a
	// sweep running only once a second would take.
	if limit := time.Second + 3*100*time.Millisecond + 1200*time.Millisecond; took > limit {
		t.Errorf("stale route closed %v after it opened, want within %v (ping_interval 100ms, ping_max 2)", took, limit)
	}
	waitFor(t, "stale route unlisted", 5*time.Second, func() bool { return !routeListed(s, f.id) })
	if st := s.RouteStats(); st.Stale != 1 || s.Stats().Stale != 0 {
		t.Errorf("stale routes %d, stale clients %d; want 1 and 0", st.Stale, s.Stats().Stale)
	}
	assertHealthy(t, s)
}

func TestRouteCorruptFrameClosesOnlyThatRoute(t *testing.T) {
	for _, garbage := range []string{"XYZ\r\n", "RMSG $G foo notanumber\r\n"} {
		t.Run(strings.TrimSpace(garbage), func(t *testing.T) {
			logs := &testref.Buffer{}
			s1 := runServer(t, Options{ServerName: "r1", Logger: zerolog.New(logs),
				Cluster: &cluster.Options{Name: "C", Host: "127.0.0.1", Port: -1}})
			s2 := runServer(t, Options{ServerName: "r2",
				Cluster: &cluster.Options{Name: "C", Host: "127.0.0.1", Port: -1, Routes: []*url.URL{routeURL(s1)}}})
			waitMeshed(t, []*Server{s1, s2}, 1)
			before, _ := routeNamed(s1, "r2")

			f := dialFakeRoute(t, routeAddr(s1), "C", "FAKECORRUPT", nil)
			waitFor(t, "fake route registered", 5*time.Second, func() bool { return routeListed(s1, f.id) })
			f.send(garbage)
			lines, closed := f.readUntilClosed(5 * time.Second)
			if !closed {
				t.Fatalf("route still open after %q; it sent %q", garbage, lines)
			}
			waitFor(t, "corrupt route unlisted", 5*time.Second, func() bool { return !routeListed(s1, f.id) })
			if n := s1.RouteStats().Errors; n != 1 {
				t.Errorf("route errors counted %d, want 1", n)
			}
			if !strings.Contains(logs.String(), "route protocol error") {
				t.Errorf("the protocol error is not logged:\n%s", logs.String())
			}
			// The other route is the same connection as before and carries messages both ways; the server's
			// clients are served.
			if after, ok := routeNamed(s1, "r2"); !ok || after.RID != before.RID {
				t.Fatalf("route r1→r2 was %d, now %+v", before.RID, after)
			}
			for _, pair := range [][2]*Server{{s1, s2}, {s2, s1}} {
				subc := connect(t, pair[1])
				sub, err := subc.SubscribeSync("after.corrupt")
				if err != nil {
					t.Fatal(err)
				}
				_ = subc.Flush()
				waitInterest(t, connect(t, pair[0]), "after.corrupt", sub)
			}
			assertHealthy(t, s1)

			t.Run("as nats-server", func(t *testing.T) {
				ref := &refNode{n: "ref", cluster: "C", port: freshPort(t), rport: freshPort(t)}
				ref.start(t)
				t.Cleanup(ref.kill)
				waitListening(t, ref.routeURL().Host)
				rf := dialFakeRoute(t, ref.routeURL().Host, "C", "FAKECORRUPT", nil)
				rf.ping() // registered: nats-server answers only once it has taken the INFO
				rf.send(garbage)
				refLines, closed := rf.readUntilClosed(5 * time.Second)
				if !closed {
					t.Fatalf("nats-server kept the route open after %q", garbage)
				}
				if got, want := errLines(lines), errLines(refLines); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("reactor answered %q with %q, nats-server with %q", garbage, got, want)
				}
			})
		})
	}
}

// errLines are the -ERR lines among lines.
func errLines(lines []string) []string {
	var errs []string
	for _, l := range lines {
		if strings.HasPrefix(l, "-ERR") {
			errs = append(errs, l)
		}
	}
	return errs
}

func TestRouteThatStopsReadingIsCutOffAsSlowConsumer(t *testing.T) {
	const maxPending = 256 << 10
	s := runServer(t, Options{ServerName: "r1", MaxPending: maxPending,
		Cluster: &cluster.Options{Name: "C", Host: "127.0.0.1", Port: -1}})
	f := dialFakeRoute(t, routeAddr(s), "C", "FAKESLOW", &net.Dialer{Control: smallRecvBuffer})
	waitFor(t, "fake route registered", 5*time.Second, func() bool { return routeListed(s, f.id) })
	f.send("RS+ $G slow.>\r\n")
	waitFor(t, "the fake's interest", 5*time.Second, func() bool {
		for _, r := range s.Routes(true) {
			if r.RemoteID == f.id && len(r.Subs) == 1 && r.Subs[0].Subject == "slow.>" {
				return true
			}
		}
		return false
	})

	// A local subscriber of the same messages, which reads.
	const n = 30000
	payload := bytes.Repeat([]byte("x"), 1024)
	var got atomic.Int64
	subc := connect(t, s)
	sub, err := subc.Subscribe("slow.x", func(m *nats.Msg) {
		if len(m.Data) == len(payload) {
			got.Add(1)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := sub.SetPendingLimits(-1, -1); err != nil {
		t.Fatal(err)
	}
	_ = subc.Flush()

	// n KiB is far more than max_pending and the kernel's buffers of a socket nobody reads.
	pub := connect(t, s)
	for range n {
		if err := pub.Publish("slow.x", payload); err != nil {
			t.Fatal(err)
		}
	}
	if err := pub.Flush(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the route cut off", 10*time.Second, func() bool { return !routeListed(s, f.id) })
	if st := s.RouteStats(); st.SlowConsumers != 1 {
		t.Errorf("route slow consumers %d, want 1", st.SlowConsumers)
	}
	if st := s.Stats(); st.SlowConsumers != 0 {
		t.Errorf("client slow consumers %d, want 0: the route must not be counted as a client", st.SlowConsumers)
	}
	waitFor(t, "every message to the local subscriber", 10*time.Second, func() bool { return got.Load() == n })
	// The fake finds a closed connection behind whatever was sent before the cut.
	_ = f.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.Copy(io.Discard, f.nc); err != nil {
		t.Fatalf("the slow route was not closed: %v", err)
	}
	assertHealthy(t, s)
}

// A member joining changes every client's connect_urls, but a client hears of it only once its CONNECT
// has been answered: nats-server sends asynchronous INFO only after a client's first PONG. nats.go's
// connect reads the line after its CONNECT and PING and fails on anything but PONG, so an INFO in between
// fails the connect of a client that happens to be mid-handshake (its credentials being checked, say)
// when the mesh changes.
func TestRouteMemberJoiningIsToldOnlyToClientsPastTheirFirstPONG(t *testing.T) {
	for _, kind := range []struct {
		name      string
		reference bool
	}{{"reactor", false}, {"nats-server", true}} {
		t.Run(kind.name, func(t *testing.T) {
			first := startMesh(t, "C", []meshSpec{{reference: kind.reference}})[0]
			rc, _ := dialRawAddr(t, strings.TrimPrefix(first.clientURL(), "nats://"))
			rc.send(`CONNECT {"protocol":1,"verbose":false,"headers":true}` + "\r\n") // no PING yet
			var second node
			routes := []*url.URL{first.routeURL()}
			if kind.reference {
				second = &refNode{n: "n2", cluster: "C", port: freshPort(t), rport: freshPort(t), routes: routes}
			} else {
				second = &reactorNode{n: "n2", cluster: "C", port: freshPort(t), rport: freshPort(t), routes: routes}
			}
			second.restart(t) // restart is start for a member that never ran
			t.Cleanup(second.kill)
			waitAllRouted(t, []node{first, second})
			if before := rc.ping(); len(before) != 0 {
				t.Fatalf("before the PONG of its first PING, the client got %q", before)
			}
		})
	}
}

// When its last peer leaves, a server tells its clients: nats-server's INFO then carries connect_urls with
// its own URL alone, which is what makes nats.go drop the departed peer's URL (an INFO without
// connect_urls leaves the client's server pool as it was).
func TestRouteLastPeerLeavingIsWithdrawnFromClients(t *testing.T) {
	for _, kind := range []struct {
		name      string
		reference bool
	}{{"reactor", false}, {"nats-server", true}} {
		t.Run(kind.name, func(t *testing.T) {
			nodes := startMesh(t, "C", []meshSpec{{reference: kind.reference}, {reference: kind.reference, routes: []int{0}}})
			nc := dialNode(t, nodes[0])
			waitFor(t, "the client to learn the peer", 10*time.Second, func() bool {
				urls := nc.DiscoveredServers()
				return len(urls) == 1 && urls[0] == nodes[1].clientURL()
			})
			nodes[1].kill()
			waitFor(t, "the client to forget the departed peer", 10*time.Second, func() bool {
				return len(nc.DiscoveredServers()) == 0
			})
		})
	}
}
