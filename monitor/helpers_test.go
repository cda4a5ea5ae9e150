package monitor

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/reactor-nats/reactor/cluster"
	"github.com/reactor-nats/reactor/reactor"
	"github.com/rs/zerolog"
)

// fixture is a reactor server on an ephemeral loopback port with two event loops (so connections land on
// different loops) and a monitor for it on another.
type fixture struct {
	srv  *reactor.Server
	mon  *Server
	base string // http://host:port of the monitor
}

func runFixture(t testing.TB, opts reactor.Options) *fixture {
	t.Helper()
	opts.Host = "127.0.0.1"
	if opts.EventLoops == 0 {
		opts.EventLoops = 2
	}
	srv, err := reactor.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	mon := New(srv, Options{Host: "127.0.0.1"}, zerolog.Nop())
	if err := mon.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mon.Close() })
	return &fixture{srv: srv, mon: mon, base: "http://" + mon.Addr()}
}

func (f *fixture) clientURL() string { return "nats://" + f.srv.Addr() }

// runClusterPair starts two reactor servers in cluster C: a ("A") listens for routes on routePort, a port
// chosen here, and b ("B") listens on a random port and has a route to a configured. It returns once each
// has registered its route to the other.
func runClusterPair(t *testing.T) (a, b *fixture, routePort int) {
	t.Helper()
	routePort = freePort(t)
	routes, err := cluster.ParseRouteURLs(fmt.Sprintf("nats-route://127.0.0.1:%d", routePort))
	if err != nil {
		t.Fatal(err)
	}
	a = runFixture(t, reactor.Options{ServerName: "A", Cluster: &cluster.Options{
		Name: "C", Host: "127.0.0.1", Port: routePort, Compression: cluster.CompressionOff}})
	b = runFixture(t, reactor.Options{ServerName: "B", Cluster: &cluster.Options{
		Name: "C", Host: "127.0.0.1", Port: -1, Routes: routes, Compression: cluster.CompressionOff}})
	waitFor(t, "reactor.Server.Routes to list the route between A and B on both", func() bool {
		return len(a.srv.Routes(false)) == 1 && len(b.srv.Routes(false)) == 1
	})
	return a, b, routePort
}

// connect opens a nats.go connection named name that the test closes at its end.
func connect(t testing.TB, url, name string) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(url, nats.Name(name), nats.Timeout(5*time.Second))
	if err != nil {
		t.Fatalf("connect %s: %v", name, err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// get fetches base+path and returns the status and body.
func get(t testing.TB, url string) (int, string) {
	t.Helper()
	resp, err := httpClient.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode, string(body)
}

// getJSON fetches url, requires 200 and decodes the body into v, zeroed first so that nothing from an
// earlier reply survives a field this one omits.
func getJSON(t testing.TB, url string, v any) {
	t.Helper()
	reflect.ValueOf(v).Elem().SetZero()
	status, body := get(t, url)
	if status != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", url, status, body)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("GET %s: %v in %s", url, err, body)
	}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// subscribe makes a synchronous subscription and flushes, so the server has it when subscribe returns.
func subscribe(t testing.TB, nc *nats.Conn, subject, queue string) *nats.Subscription {
	t.Helper()
	var sub *nats.Subscription
	var err error
	if queue == "" {
		sub, err = nc.SubscribeSync(subject)
	} else {
		sub, err = nc.QueueSubscribeSync(subject, queue)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	return sub
}

// publish sends n copies of payload to subject and flushes.
func publish(t testing.TB, nc *nats.Conn, subject, payload string, n int) {
	t.Helper()
	for range n {
		if err := nc.Publish(subject, []byte(payload)); err != nil {
			t.Fatal(err)
		}
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
}

// receive takes n messages from sub, failing if any is missing.
func receive(t testing.TB, sub *nats.Subscription, n int) {
	t.Helper()
	for i := range n {
		if _, err := sub.NextMsg(5 * time.Second); err != nil {
			t.Fatalf("%s: message %d of %d: %v", sub.Subject, i+1, n, err)
		}
	}
}

// connByName finds a connection in a /connz reply.
func connByName(cz *Connz, name string) *ConnInfo {
	for _, c := range cz.Conns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

var httpClient = &http.Client{Timeout: 10 * time.Second}
