package bench

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
)

// Cluster rows run against a full mesh of ClusterSize nodes of one server, every node a child process on
// loopback with a client port and a route port of its own, started with the cluster flags that reactor
// and nats-server share (--cluster, --cluster_name, --routes naming every other node). The cluster is
// ready once a message published on each node reaches a subscriber on every node: nats-server and reactor
// never forward a routed message to a third node, so that proves a route between every pair.

// ClusterSize is the number of nodes, A, B and C, of a cluster rows' cluster.
const ClusterSize = 3

// meshTimeout bounds the wait for the routes: nodes dial peers that are not up yet and redial them, on
// nats-server after a second.
const meshTimeout = 30 * time.Second

// meshSubject is the subject of the probes that prove the mesh.
const meshSubject = "bench.mesh"

// Cluster is one server's cluster.
type Cluster struct {
	Name  string    // the server's name, "reactor" or "nats-server", as each node has it
	Nodes []*Server // A, B, C: Placement's node indexes
}

// StartCluster starts size nodes with start (StartReactor or StartNatsServer), routed to each other as a
// cluster named after the server, and returns once every node reaches every other.
func StartCluster(start func(bin string, extraArgs ...string) (*Server, error), bin string, size int) (*Cluster, error) {
	routePorts, err := freePorts(size)
	if err != nil {
		return nil, err
	}
	c := &Cluster{}
	for i := range size {
		srv, err := start(bin, clusterArgs("bench", routePorts, i)...)
		if err != nil {
			c.Stop()
			return nil, fmt.Errorf("cluster node %c: %w", 'A'+i, err)
		}
		c.Nodes = append(c.Nodes, srv)
	}
	c.Name = c.Nodes[0].Name
	if err := c.awaitMesh(context.Background()); err != nil {
		logs := c.Logs()
		c.Stop()
		return nil, fmt.Errorf("%s cluster: %w\n%s", c.Name, err, logs)
	}
	return c, nil
}

// clusterArgs are the flags of node i of a cluster whose nodes listen for routes on routePorts: its own
// route listener, and routes to all the others.
func clusterArgs(name string, routePorts []int, i int) []string {
	var routes []string
	for j, port := range routePorts {
		if j != i {
			routes = append(routes, routeURL(port))
		}
	}
	return []string{"--cluster", routeURL(routePorts[i]), "--cluster_name", name, "--routes", strings.Join(routes, ",")}
}

func routeURL(port int) string { return "nats://127.0.0.1:" + strconv.Itoa(port) }

// awaitMesh connects to every node, each connection both a subscriber and a publisher of probes, and
// waits until every node has heard from every node.
func (c *Cluster) awaitMesh(ctx context.Context) error {
	cs := newClients()
	defer cs.close()
	ready := newReadiness(len(c.Nodes), len(c.Nodes))
	conns := make([]*nats.Conn, len(c.Nodes))
	for i, node := range c.Nodes {
		nc, err := cs.connect(fmt.Sprintf("mesh-%c", 'A'+i), node)
		if err != nil {
			return err
		}
		if _, err := nc.Subscribe(readySubject(meshSubject), ready.onProbe(i)); err != nil {
			return err
		}
		if err := nc.FlushTimeout(setupTimeout); err != nil {
			return err
		}
		conns[i] = nc
	}
	if err := ready.await(ctx, meshSubject, conns, meshTimeout); err != nil {
		return fmt.Errorf("routes never formed a full mesh: %w", err)
	}
	return nil
}

// Stop stops every node at once.
func (c *Cluster) Stop() {
	var wg sync.WaitGroup
	for _, node := range c.Nodes {
		wg.Go(node.Stop)
	}
	wg.Wait()
}

// Logs is what every node printed, each under its letter.
func (c *Cluster) Logs() string {
	var b strings.Builder
	for i, node := range c.Nodes {
		fmt.Fprintf(&b, "--- node %c (%s)\n%s", 'A'+i, node.Addr, node.Logs())
	}
	return b.String()
}

// CPUTime is the CPU time of all the nodes together.
func (c *Cluster) CPUTime() (time.Duration, error) {
	var total time.Duration
	for _, node := range c.Nodes {
		cpu, err := node.CPUTime()
		if err != nil {
			return 0, err
		}
		total += cpu
	}
	return total, nil
}

// RSS is the largest resident set size of any node.
func (c *Cluster) RSS() (int64, error) {
	var largest int64
	for _, node := range c.Nodes {
		rss, err := node.RSS()
		if err != nil {
			return 0, err
		}
		largest = max(largest, rss)
	}
	return largest, nil
}
