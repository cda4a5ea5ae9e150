package monitor

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/reactor-nats/reactor/reactor"

	"github.com/reactor-nats/reactor/internal/testref"
)

// These tests hold reactor's monitoring to the reference nats-server v2.15.2 (installed into bin/ by
// `make tools`): both servers get the same clients and traffic, and every endpoint's JSON must have the same
// shape: every key nats-server emits is present with the same JSON type, recursively (arrays are compared
// by the union of their elements' shapes), and reactor adds none of its own.

// shapeExceptions are the only places reactor's shape may differ from nats-server's, by JSON path, with why.
// A path ending in ".*" means the object's keys are not compared.
var shapeExceptions = map[string]string{
	// Keys are data, not schema: one per endpoint requested, which differ between the two runs.
	"$.http_req_stats.*": "a map from endpoint to count",
	// nats-server lists the JetStream feature flags it was built with; reactor has no JetStream, so none.
	"$.feature_flags.*": "JetStream feature flags; reactor has no JetStream",
	// nats-server imports its system-account request services ($SYS.REQ.ACCOUNT.*.CONNZ, ...) into every
	// account; reactor has no system services yet, so it has no imports, and nats-server omits an empty list.
	"$.account_detail.imports": "system-account service imports reactor does not have yet",
	// nats-server's default cap on a stream's consumers; reactor has no consumers yet (the next issue).
	"$.jetstream.limits.*": "JetStream API limits; the only one nats-server reports is for consumers",
	"$.limits.*":           "/jsz's JetStream API limits, as above",
	// A stream's metadata is a map of data; nats-server's /jsz shows the stored map, reactor the one stream
	// info answers with (the server's _nats.level and _nats.ver added).
	"$.account_details[].stream_detail[].config.metadata.*": "a map of the stream's metadata",
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// referenceServer starts nats-server with monitoring and any further arguments and returns its client URL
// and monitoring base URL.
func referenceServer(t *testing.T, args ...string) (clientURL, base string) {
	t.Helper()
	httpPort := freePort(t)
	addr := testref.StartNatsServer(t, append([]string{"-m", fmt.Sprint(httpPort)}, args...)...)
	return "nats://" + addr, fmt.Sprintf("http://127.0.0.1:%d", httpPort) // monitoring listens before clients
}

func TestRefusalsHoldForReferenceServer(t *testing.T) {
	_, base := referenceServer(t)
	checkRefusals(t, base)
}

// driveTraffic gives a server the same clients whichever it is: a subscriber with a plain and a queue
// subscription, which stays, and a publisher, which sends to both and leaves.
func driveTraffic(t *testing.T, clientURL, base string) {
	t.Helper()
	subNC := connect(t, clientURL, "subscriber")
	plain := subscribe(t, subNC, "foo", "")
	queued := subscribe(t, subNC, "bar.>", "q")
	if err := queued.AutoUnsubscribe(100); err != nil {
		t.Fatal(err)
	}
	pub := connect(t, clientURL, "publisher")
	publish(t, pub, "foo", "hello", 2)
	publish(t, pub, "bar.x", "hi", 1)
	receive(t, plain, 2)
	receive(t, queued, 1)
	pub.Close()
	waitFor(t, "the publisher in state=closed", func() bool {
		var cz Connz
		getJSON(t, base+"/connz?state=closed", &cz)
		return connByName(&cz, "publisher") != nil
	})
}

func TestShapesMatchReferenceServer(t *testing.T) {
	refClient, refBase := referenceServer(t)
	f := runFixture(t, reactor.Options{})
	driveTraffic(t, refClient, refBase)
	driveTraffic(t, f.clientURL(), f.base)

	for _, path := range []string{
		"/varz",
		"/connz", "/connz?subs=1", "/connz?subs=detail", "/connz?auth=1", "/connz?state=closed", "/connz?state=closed&auth=1",
		"/connz?state=any&subs=detail",
		"/subsz", "/subsz?subs=1", "/subsz?subs=1&test=foo",
		"/routez",
		"/accountz", "/accountz?acc=$G",
		"/jsz",
		"/healthz",
	} {
		t.Run(path, func(t *testing.T) {
			ref, ours := fetchShape(t, refBase+path), fetchShape(t, f.base+path)
			for _, problem := range compareShapes("$", ref, ours) {
				t.Error(problem)
			}
		})
	}
}

// referenceCluster starts two nats-servers in cluster C, "A" and "B" with a route to A, configured as
// reactor routes (pool_size -1: one route per peer, none pinned to an account), and returns once each has
// its route to the other.
func referenceCluster(t *testing.T) (aClient, aBase, bClient, bBase string) {
	t.Helper()
	dir := t.TempDir()
	routePort := freePort(t)
	conf := func(name, cluster string) string {
		path := filepath.Join(dir, name+".conf")
		text := fmt.Sprintf("server_name: %s\ncluster { name: C, pool_size: -1, %s }\n", name, cluster)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	aClient, aBase = referenceServer(t, "-c", conf("A", fmt.Sprintf("listen: \"127.0.0.1:%d\"", routePort)))
	bClient, bBase = referenceServer(t, "-c", conf("B",
		fmt.Sprintf("listen: \"127.0.0.1:-1\", routes: [\"nats-route://127.0.0.1:%d\"]", routePort)))
	waitFor(t, "the reference servers' route", func() bool {
		var az, bz Routez
		getJSON(t, aBase+"/routez", &az)
		getJSON(t, bBase+"/routez", &bz)
		return az.NumRoutes == 1 && bz.NumRoutes == 1
	})
	return aClient, aBase, bClient, bBase
}

// driveRouteTraffic gives a cluster the same clients whichever it is: on B a subscriber with a plain and a
// queue subscription, on A a subscriber of its own (so that each route has interest to list, as nats-server's
// have their system account's) and a publisher that sends to B's subscriptions once A has heard of them.
func driveRouteTraffic(t *testing.T, aClient, aBase, bClient, bBase string) {
	t.Helper()
	subNC := connect(t, bClient, "subscriber")
	plain := subscribe(t, subNC, "foo", "")
	queued := subscribe(t, subNC, "bar.>", "q")
	subscribe(t, connect(t, aClient, "listener"), "baz", "")
	hears := func(base, subject, queue string) func() bool {
		return func() bool {
			var rz Routez
			getJSON(t, base+"/routez?subs=detail", &rz)
			return len(rz.Routes) == 1 && slices.ContainsFunc(rz.Routes[0].SubsDetail, func(d SubDetail) bool {
				return d.Subject == subject && d.Queue == queue
			})
		}
	}
	waitFor(t, "A to hear B's queue subscription", hears(aBase, "bar.>", "q"))
	waitFor(t, "B to hear A's subscription", hears(bBase, "baz", ""))
	pub := connect(t, aClient, "publisher")
	publish(t, pub, "foo", "hello", 2)
	publish(t, pub, "bar.x", "hi", 1)
	receive(t, plain, 2)
	receive(t, queued, 1)
}

func TestClusterShapesMatchReferenceServer(t *testing.T) {
	refA, refABase, refB, refBBase := referenceCluster(t)
	a, b, _ := runClusterPair(t)
	driveRouteTraffic(t, refA, refABase, refB, refBBase)
	driveRouteTraffic(t, a.clientURL(), a.base, b.clientURL(), b.base)

	for _, side := range []struct{ name, ref, ours string }{{"A", refABase, a.base}, {"B", refBBase, b.base}} {
		for _, path := range []string{"/routez", "/routez?subs=1", "/routez?subs=detail", "/varz"} {
			t.Run(side.name+path, func(t *testing.T) {
				ref, ours := fetchShape(t, side.ref+path), fetchShape(t, side.ours+path)
				for _, problem := range compareShapes("$", ref, ours) {
					t.Error(problem)
				}
			})
		}
	}
}

// The renderers alone, fed a route and a cluster as the engine describes them, against the reference's
// replies: this holds /routez's records and /varz's cluster block to nats-server's shapes whether or not the
// engine runs.
func TestRenderedRouteShapesMatchReferenceServer(t *testing.T) {
	refA, refABase, refB, refBBase := referenceCluster(t)
	driveRouteTraffic(t, refA, refABase, refB, refBBase)
	for _, tc := range []struct {
		query string
		subs  subsOption
	}{{"", subsNone}, {"?subs=1", subsList}, {"?subs=detail", subsDetail}} {
		t.Run("/routez"+tc.query, func(t *testing.T) {
			ours := &Routez{ID: "N", Name: "A", Now: routeNow, NumRoutes: 1,
				Routes: []*RouteInfo{routeInfo(&sampleRoute, tc.subs, routeNow)}}
			for _, problem := range compareShapes("$", fetchShape(t, refABase+"/routez"+tc.query), shapeOfValue(t, ours)) {
				t.Error(problem)
			}
		})
	}
	t.Run("/varz cluster", func(t *testing.T) {
		ref := fetchShape(t, refBBase+"/varz").fields["cluster"]
		ours := shapeOfValue(t, clusterVarz(reactor.ClusterInfo{Name: "C", Host: "127.0.0.1", Port: 6222,
			URLs: []string{"127.0.0.1:6223"}}))
		for _, problem := range compareShapes("$.cluster", ref, ours) {
			t.Error(problem)
		}
	})
}

// shapeOfValue is the shape of v as the monitor would send it.
func shapeOfValue(t *testing.T, v any) *shape {
	t.Helper()
	body, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var decoded any
	if err := json.Unmarshal(body, &decoded); err != nil {
		t.Fatal(err)
	}
	return shapeOf(decoded)
}

// shape is the structure of a JSON value: its type and, for objects, its fields' shapes; for arrays, the
// merged shape of all elements (nil when the array is empty).
type shape struct {
	kind   string // object, array, string, number, bool, null, or "a|b" for elements of mixed types
	fields map[string]*shape
	elem   *shape
}

func fetchShape(t *testing.T, url string) *shape {
	t.Helper()
	var v any
	getJSON(t, url, &v)
	return shapeOf(v)
}

func shapeOf(v any) *shape {
	switch v := v.(type) {
	case map[string]any:
		s := &shape{kind: "object", fields: map[string]*shape{}}
		for k, fv := range v {
			s.fields[k] = shapeOf(fv)
		}
		return s
	case []any:
		s := &shape{kind: "array"}
		for _, ev := range v {
			s.elem = mergeShapes(s.elem, shapeOf(ev))
		}
		return s
	case string:
		return &shape{kind: "string"}
	case float64:
		return &shape{kind: "number"}
	case bool:
		return &shape{kind: "bool"}
	}
	return &shape{kind: "null"}
}

// mergeShapes unites two array elements' shapes: an object has every field either has.
func mergeShapes(a, b *shape) *shape {
	switch {
	case a == nil:
		return b
	case a.kind != b.kind:
		kinds := strings.Split(a.kind, "|")
		if !slices.Contains(kinds, b.kind) {
			kinds = append(kinds, b.kind)
			sort.Strings(kinds)
		}
		return &shape{kind: strings.Join(kinds, "|")}
	case a.kind == "object":
		m := &shape{kind: "object", fields: map[string]*shape{}}
		for k, f := range a.fields {
			m.fields[k] = f
		}
		for k, f := range b.fields {
			m.fields[k] = mergeShapes(m.fields[k], f)
		}
		return m
	case a.kind == "array":
		return &shape{kind: "array", elem: mergeShapes(a.elem, b.elem)}
	}
	return a
}

// compareShapes lists where ours differs from ref at path.
func compareShapes(path string, ref, ours *shape) []string {
	if ref.kind != ours.kind {
		return []string{fmt.Sprintf("%s: nats-server has %s, reactor %s", path, ref.kind, ours.kind)}
	}
	var problems []string
	switch ref.kind {
	case "object":
		if _, ok := shapeExceptions[path+".*"]; ok {
			return nil
		}
		keys := map[string]bool{}
		for k := range ref.fields {
			keys[k] = true
		}
		for k := range ours.fields {
			keys[k] = true
		}
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range keys {
				if !yield(k) {
					return
				}
			}
		}) {
			sub := path + "." + k
			if _, ok := shapeExceptions[sub]; ok {
				continue
			}
			rf, of := ref.fields[k], ours.fields[k]
			switch {
			case of == nil:
				problems = append(problems, fmt.Sprintf("%s: nats-server emits it, reactor does not", sub))
			case rf == nil:
				problems = append(problems, fmt.Sprintf("%s: reactor emits it, nats-server does not", sub))
			default:
				problems = append(problems, compareShapes(sub, rf, of)...)
			}
		}
	case "array":
		switch {
		case ref.elem != nil && ours.elem == nil:
			problems = append(problems, fmt.Sprintf("%s: nats-server's array has elements, reactor's none", path))
		case ref.elem == nil && ours.elem != nil:
			problems = append(problems, fmt.Sprintf("%s: reactor's array has elements, nats-server's none", path))
		case ref.elem != nil:
			problems = append(problems, compareShapes(path+"[]", ref.elem, ours.elem)...)
		}
	}
	return problems
}

func TestCompareShapesFindsDifferences(t *testing.T) {
	parse := func(s string) *shape {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatal(err)
		}
		return shapeOf(v)
	}
	for _, tc := range []struct {
		ref, ours string
		problems  int
	}{
		{`{"a":1,"b":"x"}`, `{"b":"y","a":2}`, 0},
		{`{"a":1}`, `{}`, 1},
		{`{}`, `{"a":1}`, 1},
		{`{"a":1}`, `{"a":"1"}`, 1},
		{`{"a":[]}`, `{"a":null}`, 1},
		{`{"a":[{"x":1},{"y":true}]}`, `{"a":[{"y":false,"x":2}]}`, 0},
		{`{"a":[{"x":1},{"y":true}]}`, `{"a":[{"x":2}]}`, 1},
		{`{"a":[{"x":1}]}`, `{"a":[]}`, 1},
		{`{"feature_flags":{"f":true}}`, `{"feature_flags":{}}`, 0},
		{`{"feature_flags":{}}`, `{"feature_flags":[]}`, 1},
	} {
		if got := compareShapes("$", parse(tc.ref), parse(tc.ours)); len(got) != tc.problems {
			t.Errorf("ref %s ours %s: %q, want %d problems", tc.ref, tc.ours, got, tc.problems)
		}
	}
}
