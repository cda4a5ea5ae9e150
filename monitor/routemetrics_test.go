package monitor

import (
	"slices"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/reactor-nats/reactor/reactor"
)

func TestRoutesByPeerSumsADuplicateRoute(t *testing.T) {
	got := routesByPeer([]reactor.RouteConnInfo{
		{RID: 1, RemoteID: "NB", RemoteName: "B", InMsgs: 1, OutMsgs: 2, InBytes: 3, OutBytes: 4, PendingBytes: 5, NumSubs: 6},
		{RID: 2, RemoteID: "NC", RemoteName: "C", InMsgs: 100},
		{RID: 3, RemoteID: "NB", RemoteName: "B", InMsgs: 10, OutMsgs: 20, InBytes: 30, OutBytes: 40, PendingBytes: 50, NumSubs: 4},
	})
	want := []reactor.RouteConnInfo{
		{RemoteID: "NB", RemoteName: "B", InMsgs: 11, OutMsgs: 22, InBytes: 33, OutBytes: 44, PendingBytes: 55, NumSubs: 6},
		{RemoteID: "NC", RemoteName: "C", InMsgs: 100},
	}
	if !slices.EqualFunc(got, want, func(a, b reactor.RouteConnInfo) bool {
		return a.RemoteID == b.RemoteID && a.RemoteName == b.RemoteName && a.InMsgs == b.InMsgs &&
			a.OutMsgs == b.OutMsgs && a.InBytes == b.InBytes && a.OutBytes == b.OutBytes &&
			a.PendingBytes == b.PendingBytes && a.NumSubs == b.NumSubs
	}) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestMetricsReportNoRoutesWithoutACluster(t *testing.T) {
	f := runFixture(t, reactor.Options{})
	families := scrape(t, f)
	if got := value(t, families, "reactor_routes"); got != 0 {
		t.Errorf("reactor_routes = %v, want 0", got)
	}
	if got := value(t, families, "reactor_route_slow_consumers_total"); got != 0 {
		t.Errorf("reactor_route_slow_consumers_total = %v, want 0", got)
	}
	if mf := families["reactor_route_in_msgs_total"]; mf != nil {
		t.Errorf("per-peer series without peers: %v", mf)
	}
}

func TestMetricsCountRouteTrafficPerPeer(t *testing.T) {
	a, b, _ := runClusterPair(t)
	plain := subscribe(t, connect(t, b.clientURL(), "subscriber"), "foo", "")
	waitFor(t, "A to hear B's interest in foo", func() bool {
		routes := a.srv.Routes(true)
		return len(routes) == 1 && slices.ContainsFunc(routes[0].Subs, func(s reactor.RouteSub) bool {
			return s.Subject == "foo"
		})
	})
	publish(t, connect(t, a.clientURL(), "publisher"), "foo", "hello", 3)
	receive(t, plain, 3)

	var out *dto.Metric
	waitFor(t, "A's metrics to count three messages to B", func() bool {
		families := scrape(t, a)
		if value(t, families, "reactor_routes") != 1 {
			return false
		}
		out = peerSample(families["reactor_route_out_msgs_total"], b.srv.ID())
		return out != nil && out.GetCounter().GetValue() >= 3
	})
	for _, l := range out.Label {
		if l.GetName() == "remote_name" && l.GetValue() != "B" {
			t.Errorf("remote_name %q, want B", l.GetValue())
		}
	}
	families := scrape(t, a)
	if sub := peerSample(families["reactor_route_subscriptions"], b.srv.ID()); sub == nil || sub.GetGauge().GetValue() < 1 {
		t.Errorf("reactor_route_subscriptions for B: %v, want B's interest counted", sub)
	}
	if len(families["reactor_route_out_msgs_total"].GetMetric()) != 1 {
		t.Errorf("reactor_route_out_msgs_total: %v, want one series, B's", families["reactor_route_out_msgs_total"])
	}
}

// peerSample is the sample of mf labelled with remote_id id, or nil.
func peerSample(mf *dto.MetricFamily, id string) *dto.Metric {
	for _, m := range mf.GetMetric() {
		for _, l := range m.Label {
			if l.GetName() == "remote_id" && l.GetValue() == id {
				return m
			}
		}
	}
	return nil
}
