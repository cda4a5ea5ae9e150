package monitor

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reactor-nats/reactor/reactor"
)

// A route as the engine reports it, with a plain and a queue interest, rendered at a fixed time.
var (
	routeStart  = time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))
	routeNow    = routeStart.Add(90 * time.Second)
	sampleRoute = reactor.RouteConnInfo{
		RID: 7, RemoteID: "NPEER", RemoteName: "B", DidSolicit: true, IsConfigured: true,
		IP: "127.0.0.1", Port: 6222, Start: routeStart, LastActivity: routeStart.Add(80 * time.Second),
		RTT: 314159 * time.Nanosecond, PendingBytes: 12, InMsgs: 1, OutMsgs: 2, InBytes: 3, OutBytes: 4, NumSubs: 2,
		Subs: []reactor.RouteSub{
			{Account: "$G", Subject: "foo", Weight: 1},
			{Account: "$G", Subject: "bar.>", Queue: "q", Weight: 3},
		},
	}
)

func TestRouteInfoRendersAsNatsServer(t *testing.T) {
	const common = `"rid":7,"remote_id":"NPEER","remote_name":"B","did_solicit":true,"is_configured":true,` +
		`"ip":"127.0.0.1","port":6222,"start":"2026-01-02T02:04:05Z","last_activity":"2026-01-02T02:05:25Z",` +
		`"rtt":"314µs","uptime":"1m30s","idle":"10s","pending_size":12,"in_msgs":1,"out_msgs":2,"in_bytes":3,` +
		`"out_bytes":4,"subscriptions":2,`
	for _, tc := range []struct {
		subs subsOption
		want string
	}{
		{subsNone, `{` + common + `"compression":"off"}`},
		{subsList, `{` + common + `"subscriptions_list":["foo","bar.>"],"compression":"off"}`},
		{subsDetail, `{` + common + `"subscriptions_list_detail":[` +
			`{"subject":"foo","sid":"R $G foo","msgs":0,"cid":7},` +
			`{"subject":"bar.>","qgroup":"q","sid":"R $G bar.> q","msgs":0,"cid":7}],"compression":"off"}`},
	} {
		if got := compactJSON(t, routeInfo(&sampleRoute, tc.subs, routeNow)); got != tc.want {
			t.Errorf("subs=%d:\n got %s\nwant %s", tc.subs, got, tc.want)
		}
	}
}

// compactJSON is v as the monitor encodes it, on one line and with ">" left readable rather than escaped
// (the monitor's \u003e decodes to the same string).
func compactJSON(t *testing.T, v any) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func TestRouteInfoOmitsEmptySubscriptionLists(t *testing.T) {
	bare := sampleRoute
	bare.NumSubs, bare.Subs = 0, nil
	for _, subs := range []subsOption{subsList, subsDetail} {
		ri := routeInfo(&bare, subs, routeNow)
		if ri.Subs != nil || ri.SubsDetail != nil {
			t.Errorf("subs=%d: %v %v, want both omitted as nats-server omits them for a route without interest",
				subs, ri.Subs, ri.SubsDetail)
		}
	}
}

func TestRoutezReportsBothEndsOfARoute(t *testing.T) {
	a, b, routePort := runClusterPair(t)
	subNC := connect(t, b.clientURL(), "subscriber")
	plain := subscribe(t, subNC, "foo", "")
	subscribe(t, subNC, "bar.>", "q")
	waitFor(t, "A to hear B's interests", func() bool {
		routes := a.srv.Routes(true)
		return len(routes) == 1 && slices.ContainsFunc(routes[0].Subs, func(s reactor.RouteSub) bool {
			return s.Subject == "bar.>" && s.Queue == "q"
		})
	})
	publish(t, connect(t, a.clientURL(), "publisher"), "foo", "hello", 3)
	receive(t, plain, 3)

	var az, bz Routez
	waitFor(t, "A's route to count the three messages", func() bool {
		getJSON(t, a.base+"/routez", &az)
		return len(az.Routes) == 1 && az.Routes[0].OutMsgs >= 3
	})
	getJSON(t, b.base+"/routez", &bz)
	if az.ID != a.srv.ID() || az.Name != "A" || az.NumRoutes != 1 || bz.ID != b.srv.ID() || bz.Name != "B" ||
		bz.NumRoutes != 1 || len(bz.Routes) != 1 {
		t.Fatalf("A: %s %s %d routes; B: %s %s %d routes", az.ID, az.Name, az.NumRoutes, bz.ID, bz.Name, bz.NumRoutes)
	}
	accepted, dialed := az.Routes[0], bz.Routes[0]
	if accepted.RemoteID != b.srv.ID() || accepted.RemoteName != "B" || accepted.DidSolicit || accepted.IsConfigured {
		t.Errorf("A's route %+v: want B's id and name, accepted, not configured", accepted)
	}
	if dialed.RemoteID != a.srv.ID() || dialed.RemoteName != "A" || !dialed.DidSolicit || !dialed.IsConfigured ||
		dialed.Port != routePort {
		t.Errorf("B's route %+v: want A's id and name, dialed to port %d, configured", dialed, routePort)
	}
	for _, r := range []*RouteInfo{accepted, dialed} {
		if r.Rid == 0 || r.IP != "127.0.0.1" || r.Port == 0 || r.Start.IsZero() || r.LastActivity.Before(r.Start) ||
			r.RTT == "" || r.Uptime == "" || r.Idle == "" || r.Compression != "off" {
			t.Errorf("route %+v: identity, times or compression missing", r)
		}
	}
	if accepted.OutBytes < 15 || dialed.InMsgs < 3 || dialed.InBytes < 15 {
		t.Errorf("A sent %d msgs %d bytes, B received %d msgs %d bytes; want at least 3 and 15 each way",
			accepted.OutMsgs, accepted.OutBytes, dialed.InMsgs, dialed.InBytes)
	}
	if accepted.NumSubs < 2 || accepted.Subs != nil || accepted.SubsDetail != nil {
		t.Errorf("A's route: %d subscriptions, list %v, detail %v; want B's two, no lists without subs",
			accepted.NumSubs, accepted.Subs, accepted.SubsDetail)
	}

	getJSON(t, a.base+"/routez?subs=1", &az)
	if list := az.Routes[0].Subs; !slices.Contains(list, "foo") || !slices.Contains(list, "bar.>") {
		t.Errorf("subs=1: %q, want foo and bar.>", list)
	}
	getJSON(t, a.base+"/routez?subs=detail", &az)
	rid := az.Routes[0].Rid
	for _, want := range []SubDetail{
		{Subject: "foo", Sid: "R $G foo", Cid: rid},
		{Subject: "bar.>", Queue: "q", Sid: "R $G bar.> q", Cid: rid},
	} {
		if !slices.Contains(az.Routes[0].SubsDetail, want) {
			t.Errorf("subs=detail: %+v lacks %+v", az.Routes[0].SubsDetail, want)
		}
	}
}
