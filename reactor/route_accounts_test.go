package reactor

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/reactor-nats/reactor/cluster"
)

// Accounts across routes: every RS+ and RMSG names its account, and a peer delivers a message only to
// subscribers of that account. Reactor and nats-server members share one accounts block.

const routeAccountsConf = `accounts {
	A: { users: [{user: a, password: a}] }
	B: { users: [{user: b, password: b}] }
}`

// accountsOptions are a reactor's Auth and Accounts read from routeAccountsConf, as the config file
// would give them.
func accountsOptions(t testing.TB) Options {
	t.Helper()
	var o Options
	withAuth(t, routeAccountsConf, &o)
	return o
}

// startAccountsMesh starts the members in order, each listing the first as its only route (the rest of the
// mesh forms by gossip), and waits until messages of account A cross between every pair.
func startAccountsMesh(t *testing.T, specs []meshSpec) []node {
	t.Helper()
	nodes := make([]node, len(specs))
	for i, sp := range specs {
		name := fmt.Sprintf("n%d", i+1)
		var routes []*url.URL
		for _, j := range sp.routes {
			routes = append(routes, nodes[j].routeURL())
		}
		if sp.reference {
			port, rport := freshPort(t), freshPort(t)
			nodes[i] = startConfRef(t, name, port, rport,
				refClusterConf(name, port, rport, "C", routes, "", routeAccountsConf))
		} else {
			o := accountsOptions(t)
			o.Cluster = &cluster.Options{Name: "C", Routes: routes}
			nodes[i] = startOptsNode(t, name, o)
		}
	}
	waitAllRouted(t, asUser(nodes, "a"))
	return nodes
}

// userView is a member seen through one user's credentials: its client URL carries them, so dialNode and
// the mesh checks connect as that user.
type userView struct {
	node
	user string
}

func (u userView) clientURL() string {
	return strings.Replace(u.node.clientURL(), "nats://", "nats://"+u.user+":"+u.user+"@", 1)
}

func asUser(nodes []node, user string) []node {
	views := make([]node, len(nodes))
	for i, n := range nodes {
		views[i] = userView{n, user}
	}
	return views
}

var accountMeshKinds = []struct {
	name  string
	specs []meshSpec
}{
	{"reactor", []meshSpec{{}, {routes: []int{0}}, {routes: []int{0}}}},
	{"mixed", []meshSpec{{}, {reference: true, routes: []int{0}}, {routes: []int{0}}}},
	{"mixed-reference-seed", []meshSpec{{reference: true}, {routes: []int{0}}, {reference: true, routes: []int{0}}}},
}

func TestRouteAccountsAreIsolatedAcrossTheMesh(t *testing.T) {
	for _, kind := range accountMeshKinds {
		t.Run(kind.name, func(t *testing.T) {
			nodes := startAccountsMesh(t, kind.specs)
			a, b := asUser(nodes, "a"), asUser(nodes, "b")
			t.Run("subscribers of one subject in two accounts", func(t *testing.T) { checkAccountIsolation(t, a, b) })
			t.Run("queue group within an account", func(t *testing.T) { checkAccountQueue(t, a, b) })
			t.Run("request reply within an account", func(t *testing.T) { checkAccountRequests(t, a, b) })
		})
	}
}

// checkAccountIsolation: A and B subscribe to the same subject on member 2; A publishes on member 1, B on
// member 3. Each subscriber gets its own account's messages only, warm-ups included.
func checkAccountIsolation(t *testing.T, a, b []node) {
	const subject = "acct.news"
	subA, err := dialNode(t, a[1]).SubscribeSync(subject)
	if err != nil {
		t.Fatal(err)
	}
	subB, err := dialNode(t, b[1]).SubscribeSync(subject)
	if err != nil {
		t.Fatal(err)
	}
	pubA, pubB := dialNode(t, a[0]), dialNode(t, b[2])
	waitInterest(t, pubA, subject, subA)
	if m, err := subB.NextMsg(200 * time.Millisecond); err == nil {
		t.Fatalf("B's subscriber got A's message %q", m.Data)
	}
	waitInterest(t, pubB, subject, subB)
	if m, err := subA.NextMsg(200 * time.Millisecond); err == nil {
		t.Fatalf("A's subscriber got B's message %q", m.Data)
	}
	for k := range 10 {
		_ = pubA.Publish(subject, []byte(fmt.Sprintf("A%d", k)))
		_ = pubB.Publish(subject, []byte(fmt.Sprintf("B%d", k)))
	}
	_ = pubA.Flush()
	_ = pubB.Flush()
	for _, c := range []struct {
		sub    *nats.Subscription
		prefix string
	}{{subA, "A"}, {subB, "B"}} {
		for k := range 10 {
			m, err := c.sub.NextMsg(5 * time.Second)
			if err != nil {
				t.Fatalf("%s's subscriber: message %d: %v", c.prefix, k, err)
			}
			if want := fmt.Sprintf("%s%d", c.prefix, k); string(m.Data) != want {
				t.Fatalf("%s's subscriber got %q, want %q", c.prefix, m.Data, want)
			}
		}
		if m, err := c.sub.NextMsg(200 * time.Millisecond); err == nil {
			t.Fatalf("%s's subscriber got an extra %q", c.prefix, m.Data)
		}
	}
}

// checkAccountQueue: a queue group "workers" on work.items in account A on every member, and one of the
// same name and subject in account B. A's messages go exactly once to A's members, never to B's.
func checkAccountQueue(t *testing.T, a, b []node) {
	var leaked atomic.Int64
	for _, n := range b {
		nc := dialNode(t, n)
		if _, err := nc.QueueSubscribe("work.items", "workers", func(*nats.Msg) { leaked.Add(1) }); err != nil {
			t.Fatal(err)
		}
		_ = nc.Flush()
	}
	checkQueueExactlyOnce(t, a, 3000)
	if n := leaked.Load(); n != 0 {
		t.Fatalf("account B's queue group got %d of account A's messages", n)
	}
}

// checkAccountRequests: requests and replies cross the mesh within an account; a service of account A is
// not there for B, which gets no responders.
func checkAccountRequests(t *testing.T, a, b []node) {
	checkRequests(t, a)
	svc := dialNode(t, a[1])
	if _, err := svc.Subscribe("acct.only.a", func(m *nats.Msg) { _ = m.Respond([]byte("A answers")) }); err != nil {
		t.Fatal(err)
	}
	_ = svc.Flush()
	ra, rb := dialNode(t, a[2]), dialNode(t, b[2])
	waitFor(t, "A's service known on member 3", 10*time.Second, func() bool {
		reply, err := ra.Request("acct.only.a", nil, time.Second)
		return err == nil && string(reply.Data) == "A answers"
	})
	if reply, err := rb.Request("acct.only.a", nil, 2*time.Second); !errors.Is(err, nats.ErrNoResponders) {
		t.Fatalf("B's request to A's service: %v %q, want no responders", err, replyData(reply))
	}
}
