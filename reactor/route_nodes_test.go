package reactor

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/reactor-nats/reactor/cluster"
	"github.com/reactor-nats/reactor/internal/testref"
)

// A cluster test runs the same checks over meshes of different make-up: all reactor, and reactor mixed with
// the reference nats-server (a child process). node hides which kind a member is.
type node interface {
	name() string
	clientURL() string // nats://host:port
	routeURL() *url.URL
	kill()                // stop at once, as kill -9 would
	restart(t testing.TB) // start again on the same ports, with the same routes
	isReactor() bool
}

// meshSpec describes one member: its kind, and which members (by index) it lists as routes.
type meshSpec struct {
	reference bool   // the reference nats-server instead of reactor
	routes    []int  // members listed as routes, by index
	extra     string // more lines for a reference member's cluster block (pool_size, compression, …)
}

// freeTCPPort reserves nothing: it asks the kernel for a free loopback port and closes it again. The
// kernel may hand the same port out again soon; freshPort never repeats one within a test process.
func freeTCPPort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startMesh starts the members in order and waits until every member routes messages to every other.
func startMesh(t testing.TB, clusterName string, specs []meshSpec) []node {
	t.Helper()
	type ports struct{ client, route int }
	all := make([]ports, len(specs))
	for i := range specs {
		all[i] = ports{freshPort(t), freshPort(t)}
	}
	nodes := make([]node, len(specs))
	for i, sp := range specs {
		var routes []*url.URL
		for _, j := range sp.routes {
			routes = append(routes, &url.URL{Scheme: "nats-route", Host: fmt.Sprintf("127.0.0.1:%d", all[j].route)})
		}
		name := fmt.Sprintf("n%d", i+1)
		if sp.reference {
			n := &refNode{n: name, cluster: clusterName, port: all[i].client, rport: all[i].route, routes: routes,
				extra: sp.extra}
			n.start(t)
			t.Cleanup(n.kill)
			nodes[i] = n
		} else {
			n := &reactorNode{n: name, cluster: clusterName, port: all[i].client, rport: all[i].route, routes: routes}
			n.start(t)
			t.Cleanup(n.kill)
			nodes[i] = n
		}
	}
	waitAllRouted(t, nodes)
	return nodes
}

// waitAllRouted waits until a message published on each member reaches a subscriber on each other one.
func waitAllRouted(t testing.TB, nodes []node) {
	t.Helper()
	conns := make([]*nats.Conn, len(nodes))
	for i, n := range nodes {
		conns[i] = dialNode(t, n)
		defer conns[i].Close()
	}
	for j := range nodes {
		subject := fmt.Sprintf("probe.%d.%d", j, time.Now().UnixNano())
		sub, err := conns[j].SubscribeSync(subject)
		if err != nil {
			t.Fatal(err)
		}
		_ = conns[j].Flush()
		for i := range nodes {
			if i == j {
				continue
			}
			deadline := time.Now().Add(20 * time.Second)
			for {
				_ = conns[i].Publish(subject, []byte("probe"))
				_ = conns[i].Flush()
				if _, err := sub.NextMsg(100 * time.Millisecond); err == nil {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s never reached %s", nodes[i].name(), nodes[j].name())
				}
			}
		}
		_ = sub.Unsubscribe()
		for { // drain the extra probes
			if _, err := sub.NextMsg(20 * time.Millisecond); err != nil {
				break
			}
		}
	}
}

// dialNode connects nats.go to one member, closed when the test ends.
func dialNode(t testing.TB, n node, opts ...nats.Option) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(n.clientURL(), append([]nats.Option{nats.Timeout(5 * time.Second)}, opts...)...)
	if err != nil {
		t.Fatalf("connect to %s: %v", n.name(), err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// reactorNode is a reactor Server in this process, on fixed ports so that it can be restarted on them. opts
// is a template the test may fill (auth, accounts, cluster credentials); start fills in the addresses, the
// name, and the cluster name and routes when opts leaves them unset.
type reactorNode struct {
	n, cluster  string
	port, rport int
	routes      []*url.URL
	opts        Options
	mu          sync.Mutex
	srv         *Server
}

func (r *reactorNode) name() string      { return r.n }
func (r *reactorNode) isReactor() bool   { return true }
func (r *reactorNode) clientURL() string { return fmt.Sprintf("nats://127.0.0.1:%d", r.port) }
func (r *reactorNode) routeURL() *url.URL {
	return &url.URL{Scheme: "nats-route", Host: fmt.Sprintf("127.0.0.1:%d", r.rport)}
}

func (r *reactorNode) start(t testing.TB) {
	t.Helper()
	o := r.opts
	o.Host, o.Port, o.ServerName = "127.0.0.1", r.port, r.n
	if o.EventLoops == 0 {
		o.EventLoops = 2
	}
	var co cluster.Options
	if o.Cluster != nil {
		co = *o.Cluster
	}
	if co.Name == "" {
		co.Name = r.cluster
	}
	if r.routes != nil {
		co.Routes = r.routes
	}
	co.Host, co.Port = "127.0.0.1", r.rport
	o.Cluster = &co
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	r.srv = s
	r.mu.Unlock()
}

func (r *reactorNode) server() *Server {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.srv
}

func (r *reactorNode) kill() {
	if s := r.server(); s != nil {
		s.Shutdown()
	}
}

func (r *reactorNode) restart(t testing.TB) { r.start(t) }

// refNode is the reference nats-server, a child process.
type refNode struct {
	n, cluster  string
	port, rport int
	routes      []*url.URL
	extra       string
	conf        string // the whole configuration, when the test writes it; else made from the fields above
	mu          sync.Mutex
	cmd         *exec.Cmd
	logs        *testref.Buffer
}

func (r *refNode) name() string      { return r.n }
func (r *refNode) isReactor() bool   { return false }
func (r *refNode) clientURL() string { return fmt.Sprintf("nats://127.0.0.1:%d", r.port) }
func (r *refNode) routeURL() *url.URL {
	return &url.URL{Scheme: "nats-route", Host: fmt.Sprintf("127.0.0.1:%d", r.rport)}
}

func (r *refNode) start(t testing.TB) {
	t.Helper()
	bin := testref.NatsServer(t)
	conf := r.conf
	if conf == "" {
		var routes []string
		for _, u := range r.routes {
			routes = append(routes, fmt.Sprintf("%q", u.String()))
		}
		conf = fmt.Sprintf("server_name: %s\nlisten: \"127.0.0.1:%d\"\ncluster {\n  name: %s\n  listen: \"127.0.0.1:%d\"\n  routes: [%s]\n%s\n}\n",
			r.n, r.port, r.cluster, r.rport, strings.Join(routes, ", "), r.extra)
	}
	path := filepath.Join(t.TempDir(), r.n+".conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	logs := &testref.Buffer{}
	cmd := exec.Command(bin, "-c", path)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	r.cmd, r.logs = cmd, logs
	r.mu.Unlock()
	// The route port opens after the client port; dialing it to find out would be a route connection in
	// the log that tests count, so the log says when.
	waitFor(t, "reference nats-server "+r.n, 10*time.Second, func() bool {
		return strings.Contains(logs.String(), "Listening for route connections on")
	})
}

func (r *refNode) kill() {
	r.mu.Lock()
	cmd := r.cmd
	r.cmd = nil
	r.mu.Unlock()
	if cmd != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
}

func (r *refNode) restart(t testing.TB) { r.start(t) }
