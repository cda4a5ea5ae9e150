package reactor

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/rs/zerolog"

	"github.com/reactor-nats/reactor/cluster"
	"github.com/reactor-nats/reactor/internal/testref"
)

// What the route port says to peers it refuses, held to nats-server's answers on its own route port
// (ROUTES.md §9), and what two servers that must not form a route do instead.

// startConfRef starts the reference nats-server with conf, a configuration the test writes whole
// (accounts, cluster authorization), which must listen on 127.0.0.1:port for clients and rport for
// routes; it stops when the test ends.
func startConfRef(t testing.TB, name string, port, rport int, conf string) *refNode {
	t.Helper()
	r := &refNode{n: name, port: port, rport: rport, conf: conf}
	r.start(t)
	t.Cleanup(r.kill)
	return r
}

// refClusterConf is a reference configuration: a cluster block named clusterName with the given routes,
// and more (cluster lines inside the block, top-level lines after it).
func refClusterConf(name string, port, rport int, clusterName string, routes []*url.URL, clusterExtra, extra string) string {
	var quoted []string
	for _, u := range routes {
		quoted = append(quoted, fmt.Sprintf("%q", u.String()))
	}
	return fmt.Sprintf("server_name: %s\nlisten: \"127.0.0.1:%d\"\ncluster {\n  name: %s\n  listen: \"127.0.0.1:%d\"\n  routes: [%s]\n%s\n}\n%s\n",
		name, port, clusterName, rport, strings.Join(quoted, ", "), clusterExtra, extra)
}

// newOptsNode is a reactor member built from Options the test chooses, on fresh ports, not started yet: its
// route URL is known before it runs.
func newOptsNode(t testing.TB, name string, opts Options) *reactorNode {
	t.Helper()
	return &reactorNode{n: name, port: freshPort(t), rport: freshPort(t), opts: opts}
}

// startOptsNode starts such a member, stopped when the test ends.
func startOptsNode(t testing.TB, name string, opts Options) *reactorNode {
	t.Helper()
	r := newOptsNode(t, name, opts)
	r.start(t)
	t.Cleanup(r.kill)
	return r
}

// routePortRefusals are what a route port answers a peer it will not take, with nats-server's texts.
var routePortRefusals = []struct {
	name string
	send func(t testing.TB) string // what the peer sends after the server's INFO
	want string                    // the last line before the server closes; "" for a silent close
}{
	{"INFO before CONNECT", func(t testing.TB) string { return routeInfoLine(t, "FAKEERR", "C") },
		"-ERR 'Authorization Violation'"},
	{"PING before CONNECT", func(testing.TB) string { return "PING\r\n" }, "-ERR 'Authorization Violation'"},
	{"RS+ before CONNECT", func(testing.TB) string { return "RS+ $G foo\r\n" }, "-ERR 'Authorization Violation'"},
	{"a client's CONNECT", func(testing.TB) string {
		return `CONNECT {"verbose":false,"pedantic":false,"lang":"go","version":"1.41.0","protocol":1,"headers":true}` + "\r\n"
	}, "-ERR 'attempted to connect to route port'"},
	{"CONNECT from another cluster", func(testing.TB) string { return routeConnectLine("FAKEERR", "X", nil) },
		`-ERR 'Rejecting connection, cluster name "X" does not match "C"'`},
	{"CONNECT without a cluster", func(testing.TB) string {
		return routeConnectLine("FAKEERR", "", map[string]any{"cluster": nil})
	}, `-ERR 'Rejecting connection, cluster name "" does not match "C"'`},
	{"CONNECT from a gateway", func(testing.TB) string {
		return routeConnectLine("FAKEERR", "C", map[string]any{"gateway": "G"})
	}, `-ERR 'Rejecting connection from gateway "G" on the Route port'`},
	{"malformed CONNECT", func(testing.TB) string { return "CONNECT {bad\r\n" }, ""}, // closed without a word
	{"INFO with an unknown compression mode", func(t testing.TB) string {
		info := strings.Replace(routeInfoLine(t, "FAKEZSTD", "C"), `"cluster":"C"`, `"cluster":"C","compression":"zstd"`, 1)
		return routeConnectLine("FAKEZSTD", "C", nil) + info
	}, `-ERR 'unsupported route compression mode "zstd"'`},
}

// routeAuthRefusals are for a route port with cluster authorization (user ruser, password rpass).
var routeAuthRefusals = []struct {
	name string
	send string
	want string
}{
	{"no credentials", routeConnectLine("FAKEAUTH", "C", nil), "-ERR 'Authorization Violation'"},
	{"wrong password", routeConnectLine("FAKEAUTH", "C", map[string]any{"user": "ruser", "pass": "nope"}),
		"-ERR 'Authorization Violation'"},
	{"wrong user", routeConnectLine("FAKEAUTH", "C", map[string]any{"user": "other", "pass": "rpass"}),
		"-ERR 'Authorization Violation'"},
}

// checkRefusal sends what a refused peer sends to a route port and expects want, then the close.
func checkRefusal(t *testing.T, addr, send, want string) {
	t.Helper()
	rc, info := dialRawAddr(t, addr)
	if !strings.HasPrefix(info, "INFO ") {
		t.Fatalf("route port greeted with %q", info)
	}
	rc.send(send)
	if want != "" {
		rc.expect(want)
	}
	rc.expectClosed()
}

func TestRoutePortRefusals(t *testing.T) {
	s := runServer(t, Options{ServerName: "r1", Cluster: &cluster.Options{Name: "C", Host: "127.0.0.1", Port: -1}})
	for _, c := range routePortRefusals {
		t.Run(c.name, func(t *testing.T) { checkRefusal(t, routeAddr(s), c.send(t), c.want) })
	}
	assertHealthy(t, s)
	if routes := s.Routes(false); len(routes) != 0 {
		t.Fatalf("a refused peer was registered: %+v", routes)
	}
	t.Run("as nats-server", func(t *testing.T) {
		ref := &refNode{n: "ref", cluster: "C", port: freshPort(t), rport: freshPort(t)}
		ref.start(t)
		t.Cleanup(ref.kill)
		waitListening(t, ref.routeURL().Host)
		for _, c := range routePortRefusals {
			t.Run(c.name, func(t *testing.T) { checkRefusal(t, ref.routeURL().Host, c.send(t), c.want) })
		}
	})
}

func TestRoutePortClusterAuthorization(t *testing.T) {
	s := runServer(t, Options{ServerName: "r1", Cluster: &cluster.Options{Name: "C", Host: "127.0.0.1", Port: -1,
		Username: "ruser", Password: "rpass"}})
	for _, c := range routeAuthRefusals {
		t.Run(c.name, func(t *testing.T) { checkRefusal(t, routeAddr(s), c.send, c.want) })
	}
	t.Run("right credentials", func(t *testing.T) {
		checkAdmitted(t, routeAddr(s), "ruser", "rpass")
		waitFor(t, "the peer registered", 5*time.Second, func() bool { return routeListed(s, "FAKEAUTH") })
	})
	t.Run("as nats-server", func(t *testing.T) {
		port, rport := freshPort(t), freshPort(t)
		ref := startConfRef(t, "ref", port, rport,
			refClusterConf("ref", port, rport, "C", nil, "  authorization { user: ruser, password: rpass }", ""))
		for _, c := range routeAuthRefusals {
			t.Run(c.name, func(t *testing.T) { checkRefusal(t, ref.routeURL().Host, c.send, c.want) })
		}
		t.Run("right credentials", func(t *testing.T) { checkAdmitted(t, ref.routeURL().Host, "ruser", "rpass") })
	})
}

// checkAdmitted handshakes with credentials and checks that the route stays up: a PING is answered.
func checkAdmitted(t *testing.T, addr, user, pass string) {
	t.Helper()
	rc, _ := dialRawAddr(t, addr)
	rc.send(routeConnectLine("FAKEAUTH", "C", map[string]any{"user": user, "pass": pass}) +
		routeInfoLine(t, "FAKEAUTH", "C"))
	for _, l := range rc.ping() {
		if strings.HasPrefix(l, "-ERR") {
			t.Fatalf("admitted peer got %q", l)
		}
	}
}

func TestRouteToSelfIsNeitherRegisteredNorRedialed(t *testing.T) {
	logs := &testref.Buffer{}
	n := newOptsNode(t, "r1", Options{Logger: zerolog.New(logs).Level(zerolog.DebugLevel)})
	n.opts.Cluster = &cluster.Options{Name: "C", Routes: []*url.URL{n.routeURL()}}
	n.start(t)
	t.Cleanup(n.kill)
	s := n.server()
	cs := s.cluster
	self := n.routeURL().Host
	waitFor(t, "the route to self found out", 5*time.Second, func() bool {
		cs.mu.Lock()
		defer cs.mu.Unlock()
		return cs.self[self] && !cs.dialing[self]
	})
	dials := strings.Count(logs.String(), `"solicited":true`)
	// Explicit routes are redialed a second after they drop: over two such periods, nothing.
	deadline := time.Now().Add(2*routeRedialDelay + 2*routeDialJitter)
	for time.Now().Before(deadline) {
		if routes := s.Routes(false); len(routes) != 0 {
			t.Fatalf("route to self registered: %+v", routes)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if again := strings.Count(logs.String(), `"solicited":true`); again != dials {
		t.Fatalf("route to self dialed %d times, then %d more", dials, again-dials)
	}
	if n := len(cs.peerList()); n != 0 {
		t.Fatalf("%d peers", n)
	}
	assertHealthy(t, s)
}

// pairEnd is one of two servers that must not form a route: its kind, cluster name, the cluster
// authorization it requires, and the credentials it dials with.
type pairEnd struct {
	reference          bool
	cluster            string
	user, pass         string // cluster authorization required of peers; none when user is ""
	dialUser, dialPass string // put in the route URL to the other end
}

// pairMember is a started pairEnd and its log.
type pairMember struct {
	node
	logs *testref.Buffer
}

// refusals counts the route connections this member refused, by its log.
func (m pairMember) refusals() int {
	if m.isReactor() {
		return strings.Count(m.logs.String(), `"message":"route refused"`)
	}
	return strings.Count(m.logs.String(), "Router connection closed")
}

func startPairEnd(t *testing.T, name string, e pairEnd, routes []*url.URL) pairMember {
	t.Helper()
	if e.reference {
		port, rport := freshPort(t), freshPort(t)
		var auth string
		if e.user != "" {
			auth = fmt.Sprintf("  authorization { user: %s, password: %s }", e.user, e.pass)
		}
		r := startConfRef(t, name, port, rport, refClusterConf(name, port, rport, e.cluster, routes, auth, ""))
		return pairMember{r, r.logs}
	}
	logs := &testref.Buffer{}
	r := startOptsNode(t, name, Options{Logger: zerolog.New(logs),
		Cluster: &cluster.Options{Name: e.cluster, Username: e.user, Password: e.pass, Routes: routes}})
	return pairMember{r, logs}
}

// startPair starts the acceptor, then the dialer with the acceptor as its only route.
func startPair(t *testing.T, acceptor, dialer pairEnd) (acc, dial pairMember) {
	t.Helper()
	acc = startPairEnd(t, "acc", acceptor, nil)
	u := acc.routeURL()
	if dialer.dialUser != "" {
		u.User = url.UserPassword(dialer.dialUser, dialer.dialPass)
	}
	dial = startPairEnd(t, "dial", dialer, []*url.URL{u})
	return acc, dial
}

// assertApart checks that two servers did not form a route: for longer than a redial period, messages
// published on either side never reach a subscriber on the other, reactor lists no route, and the
// acceptor's clients learn no URL of the other side. (The dialer's clients may: a dialer registers the
// route on the acceptor's INFO, which comes before the acceptor has read the CONNECT it refuses.)
func assertApart(t *testing.T, a, b node) {
	t.Helper()
	ca, cb := dialNode(t, a), dialNode(t, b)
	sa, err := ca.SubscribeSync("apart")
	if err != nil {
		t.Fatal(err)
	}
	sb, err := cb.SubscribeSync("apart")
	if err != nil {
		t.Fatal(err)
	}
	_ = ca.Flush()
	_ = cb.Flush()
	deadline := time.Now().Add(routeRedialDelay + 2*routeDialJitter + 200*time.Millisecond)
	for time.Now().Before(deadline) {
		_ = ca.Publish("apart", []byte("from "+a.name()))
		_ = cb.Publish("apart", []byte("from "+b.name()))
		_ = ca.Flush()
		_ = cb.Flush()
		for _, s := range []*nats.Subscription{sa, sb} {
			for {
				m, err := s.NextMsg(10 * time.Millisecond)
				if err != nil {
					break
				}
				if mine := (s == sa) == (string(m.Data) == "from "+a.name()); !mine {
					t.Fatalf("%q crossed between servers that must not route", m.Data)
				}
			}
		}
	}
	for _, n := range []node{a, b} {
		if r, ok := n.(*reactorNode); ok {
			if routes := r.server().Routes(false); len(routes) != 0 {
				t.Errorf("%s registered %+v", n.name(), routes)
			}
		}
	}
	if urls := ca.DiscoveredServers(); len(urls) != 0 {
		t.Errorf("a client of %s learned %v", a.name(), urls)
	}
}

func TestRouteClusterNameMismatchBetweenServers(t *testing.T) {
	for _, c := range []struct {
		name                   string
		acceptorRef, dialerRef bool
	}{
		{"reactor X dials reactor C", false, false},
		{"reactor X dials nats-server C", true, false},
		{"nats-server X dials reactor C", false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			acc, dial := startPair(t, pairEnd{reference: c.acceptorRef, cluster: "C"},
				pairEnd{reference: c.dialerRef, cluster: "X"})
			waitFor(t, "the acceptor to refuse the dialer", 5*time.Second, func() bool { return acc.refusals() >= 1 })
			assertApart(t, acc, dial)
			// An explicit route is redialed about every second, and refused each time (ROUTES.md §6, §9).
			waitFor(t, "the dialer to keep redialing", 5*time.Second, func() bool { return acc.refusals() >= 3 })
		})
	}
}

func TestRouteClusterAuthorizationBetweenServers(t *testing.T) {
	for _, c := range []struct {
		name                   string
		acceptorRef, dialerRef bool
	}{
		{"reactor dials reactor", false, false},
		{"reactor dials nats-server", true, false},
		{"nats-server dials reactor", false, true},
	} {
		acceptor := pairEnd{reference: c.acceptorRef, cluster: "C", user: "ruser", pass: "rpass"}
		t.Run(c.name+", right credentials", func(t *testing.T) {
			t.Parallel()
			acc, dial := startPair(t, acceptor,
				pairEnd{reference: c.dialerRef, cluster: "C", dialUser: "ruser", dialPass: "rpass"})
			waitAllRouted(t, []node{acc, dial})
		})
		t.Run(c.name+", wrong password", func(t *testing.T) {
			t.Parallel()
			acc, dial := startPair(t, acceptor,
				pairEnd{reference: c.dialerRef, cluster: "C", dialUser: "ruser", dialPass: "wrong"})
			waitFor(t, "the acceptor to refuse the dialer", 5*time.Second, func() bool { return acc.refusals() >= 1 })
			assertApart(t, acc, dial)
			// An explicit route is redialed about every second, and refused each time (ROUTES.md §6, §9).
			waitFor(t, "the dialer to keep redialing", 5*time.Second, func() bool { return acc.refusals() >= 3 })
		})
	}
}
