package monitor

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/reactor-nats/reactor/reactor"
)

// routeCollector turns one Routes reading per scrape into route metrics, as statsCollector does with Stats.
// Per-route series are labelled by peer, never by rid or address: a full mesh has one series per peer
// server, so the label sets are bounded by the cluster's size and survive a route reconnecting.
type routeCollector struct {
	srv *reactor.Server
}

var (
	peerLabels = []string{"remote_id", "remote_name"}

	descRoutes = prometheus.NewDesc("reactor_routes",
		"Route connections registered now.", nil, nil)
	descRouteSlowConsumers = prometheus.NewDesc("reactor_route_slow_consumers_total",
		"Routes cut off for falling more than max_pending behind, or taking nothing for write_deadline.", nil, nil)
	descRouteStale = prometheus.NewDesc("reactor_route_stale_total",
		"Routes closed for leaving ping_max PINGs unanswered.", nil, nil)
	descRouteErrors = prometheus.NewDesc("reactor_route_errors_total",
		"Routes closed over a frame that could not be parsed.", nil, nil)
	descRouteInMsgs = prometheus.NewDesc("reactor_route_in_msgs_total",
		"Messages received from the peer over its open routes.", peerLabels, nil)
	descRouteOutMsgs = prometheus.NewDesc("reactor_route_out_msgs_total",
		"Messages sent to the peer over its open routes.", peerLabels, nil)
	descRouteInBytes = prometheus.NewDesc("reactor_route_in_bytes_total",
		"Payload bytes received from the peer over its open routes.", peerLabels, nil)
	descRouteOutBytes = prometheus.NewDesc("reactor_route_out_bytes_total",
		"Payload bytes sent to the peer over its open routes.", peerLabels, nil)
	descRoutePendingBytes = prometheus.NewDesc("reactor_route_pending_bytes",
		"Bytes queued for the peer and not yet written.", peerLabels, nil)
	descRouteSubscriptions = prometheus.NewDesc("reactor_route_subscriptions",
		"Interests the peer has announced (RS+ net of RS-).", peerLabels, nil)
)

func (c *routeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descRoutes, descRouteSlowConsumers, descRouteStale, descRouteErrors,
		descRouteInMsgs, descRouteOutMsgs,
		descRouteInBytes, descRouteOutBytes, descRoutePendingBytes, descRouteSubscriptions} {
		ch <- d
	}
}

func (c *routeCollector) Collect(ch chan<- prometheus.Metric) {
	routes := c.srv.Routes(false)
	ch <- prometheus.MustNewConstMetric(descRoutes, prometheus.GaugeValue, float64(len(routes)))
	st := c.srv.RouteStats()
	ch <- prometheus.MustNewConstMetric(descRouteSlowConsumers, prometheus.CounterValue, float64(st.SlowConsumers))
	ch <- prometheus.MustNewConstMetric(descRouteStale, prometheus.CounterValue, float64(st.Stale))
	ch <- prometheus.MustNewConstMetric(descRouteErrors, prometheus.CounterValue, float64(st.Errors))
	for _, p := range routesByPeer(routes) {
		labels := []string{p.RemoteID, p.RemoteName}
		for _, m := range []struct {
			desc  *prometheus.Desc
			kind  prometheus.ValueType
			value int64
		}{
			{descRouteInMsgs, prometheus.CounterValue, p.InMsgs},
			{descRouteOutMsgs, prometheus.CounterValue, p.OutMsgs},
			{descRouteInBytes, prometheus.CounterValue, p.InBytes},
			{descRouteOutBytes, prometheus.CounterValue, p.OutBytes},
			{descRoutePendingBytes, prometheus.GaugeValue, int64(p.PendingBytes)},
			{descRouteSubscriptions, prometheus.GaugeValue, int64(p.NumSubs)},
		} {
			ch <- prometheus.MustNewConstMetric(m.desc, m.kind, float64(m.value), labels...)
		}
	}
}

// routesByPeer sums the routes to each peer, in the order the peers first appear. A peer has one route
// except while a duplicate waits to be closed; two series with one label set would fail the whole scrape.
func routesByPeer(routes []reactor.RouteConnInfo) []reactor.RouteConnInfo {
	var peers []reactor.RouteConnInfo
	index := make(map[string]int, len(routes))
	for _, r := range routes {
		i, seen := index[r.RemoteID]
		if !seen {
			index[r.RemoteID] = len(peers)
			peers = append(peers, reactor.RouteConnInfo{RemoteID: r.RemoteID, RemoteName: r.RemoteName})
			i = len(peers) - 1
		}
		p := &peers[i]
		p.InMsgs += r.InMsgs
		p.OutMsgs += r.OutMsgs
		p.InBytes += r.InBytes
		p.OutBytes += r.OutBytes
		p.PendingBytes += r.PendingBytes
		p.NumSubs = max(p.NumSubs, r.NumSubs) // the same peer's interests, not more of them
	}
	return peers
}
