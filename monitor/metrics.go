package monitor

import (
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/reactor-nats/reactor/reactor"
)

// metricsHandler serves /metrics in Prometheus's text format from a registry of this monitor's own (no
// global registry, so tests can run many servers in a process): reactor's counters, its routes' (in
// routemetrics.go), and the Go runtime and process collectors.
func (m *Server) metricsHandler() http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		&statsCollector{srv: m.srv},
		&routeCollector{srv: m.srv},
		&jetStreamCollector{srv: m.srv},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

// statsCollector turns one Stats reading per scrape into metrics. Reading at scrape time is the point: the
// loops already keep these counters for /varz, and nothing on the message path knows Prometheus exists.
type statsCollector struct {
	srv *reactor.Server
}

var (
	descInfo = prometheus.NewDesc("reactor_info", "Server identity; always 1.",
		[]string{"server_id", "server_name", "version", "protocol_version"}, nil)
	descConnections = prometheus.NewDesc("reactor_connections",
		"Client connections open now.", nil, nil)
	descTotalConnections = prometheus.NewDesc("reactor_connections_total",
		"Client connections accepted since start.", nil, nil)
	descSubscriptions = prometheus.NewDesc("reactor_subscriptions",
		"Subscriptions in every account's subject index.", nil, nil)
	descInMsgs = prometheus.NewDesc("reactor_in_msgs_total",
		"Messages received from clients and routes.", nil, nil)
	descOutMsgs = prometheus.NewDesc("reactor_out_msgs_total",
		"Messages delivered to clients and routes.", nil, nil)
	descInBytes = prometheus.NewDesc("reactor_in_bytes_total",
		"Payload bytes received from clients and routes.", nil, nil)
	descOutBytes = prometheus.NewDesc("reactor_out_bytes_total",
		"Payload bytes delivered to clients and routes.", nil, nil)
	descSlowConsumers = prometheus.NewDesc("reactor_slow_consumers_total",
		"Clients cut off for falling more than max_pending behind.", nil, nil)
	descStalls = prometheus.NewDesc("reactor_stalls_total",
		"Times a publisher's reads were paused because a subscriber or a loop fell behind.", nil, nil)
	descStale = prometheus.NewDesc("reactor_stale_connections_total",
		"Connections closed for leaving PINGs unanswered.", nil, nil)
	descMatches = prometheus.NewDesc("reactor_subject_matches_total",
		"Subject index lookups.", nil, nil)

	loopLabel           = []string{"loop"}
	descLoopConnections = prometheus.NewDesc("reactor_loop_connections",
		"Connections held by the event loop.", loopLabel, nil)
	descLoopQueueBytes = prometheus.NewDesc("reactor_loop_queue_bytes",
		"Bytes other loops have posted to this loop and it has not yet delivered: its queue depth.", loopLabel, nil)
	descLoopInMsgs = prometheus.NewDesc("reactor_loop_in_msgs_total",
		"Messages received by the loop's clients and routes.", loopLabel, nil)
	descLoopOutMsgs = prometheus.NewDesc("reactor_loop_out_msgs_total",
		"Messages delivered to the loop's clients and routes.", loopLabel, nil)
	descLoopSlowConsumers = prometheus.NewDesc("reactor_loop_slow_consumers_total",
		"Slow consumers cut off on the loop.", loopLabel, nil)
	descLoopStalls = prometheus.NewDesc("reactor_loop_stalls_total",
		"Publisher stalls on the loop.", loopLabel, nil)
)

func (c *statsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descInfo, descConnections, descTotalConnections, descSubscriptions,
		descInMsgs, descOutMsgs, descInBytes, descOutBytes, descSlowConsumers, descStalls, descStale,
		descMatches, descLoopConnections, descLoopQueueBytes, descLoopInMsgs, descLoopOutMsgs,
		descLoopSlowConsumers, descLoopStalls} {
		ch <- d
	}
}

func (c *statsCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.srv.Stats()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter := func(d *prometheus.Desc, v int64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	gauge(descInfo, 1, c.srv.ID(), c.srv.Options().ServerName, reactor.Version, reactor.ProtocolVersion)
	gauge(descConnections, float64(st.Connections))
	counter(descTotalConnections, st.Total)
	gauge(descSubscriptions, float64(st.Subscriptions))
	counter(descInMsgs, st.InMsgs)
	counter(descOutMsgs, st.OutMsgs)
	counter(descInBytes, st.InBytes)
	counter(descOutBytes, st.OutBytes)
	counter(descSlowConsumers, st.SlowConsumers)
	counter(descStalls, st.Stalls)
	counter(descStale, st.Stale)
	counter(descMatches, st.Matches)
	for _, l := range st.Loops {
		loop := strconv.Itoa(l.Index)
		gauge(descLoopConnections, float64(l.Connections), loop)
		gauge(descLoopQueueBytes, float64(l.InboxBytes), loop)
		counter(descLoopInMsgs, l.InMsgs, loop)
		counter(descLoopOutMsgs, l.OutMsgs, loop)
		counter(descLoopSlowConsumers, l.SlowConsumers, loop)
		counter(descLoopStalls, l.Stalls, loop)
	}
}

// jetStreamCollector reads the JetStream manager's Stats at scrape time; it emits nothing with JetStream off.
type jetStreamCollector struct {
	srv *reactor.Server
}

var (
	descJSMemory = prometheus.NewDesc("reactor_jetstream_memory_bytes",
		"Bytes stored in memory streams.", nil, nil)
	descJSStorage = prometheus.NewDesc("reactor_jetstream_storage_bytes",
		"Bytes stored in file streams.", nil, nil)
	descJSAccounts = prometheus.NewDesc("reactor_jetstream_accounts",
		"Accounts with JetStream enabled.", nil, nil)
	descJSStreams = prometheus.NewDesc("reactor_jetstream_streams",
		"Streams in every account.", nil, nil)
	descJSMessages = prometheus.NewDesc("reactor_jetstream_messages",
		"Messages stored in every stream.", nil, nil)
	descJSBytes = prometheus.NewDesc("reactor_jetstream_bytes",
		"Bytes of the messages stored in every stream, as stream info counts them.", nil, nil)
	descJSAPITotal = prometheus.NewDesc("reactor_jetstream_api_requests_total",
		"JetStream API requests served.", nil, nil)
	descJSAPIErrors = prometheus.NewDesc("reactor_jetstream_api_errors_total",
		"JetStream API requests answered with an error.", nil, nil)
)

func (c *jetStreamCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descJSMemory, descJSStorage, descJSAccounts, descJSStreams,
		descJSMessages, descJSBytes, descJSAPITotal, descJSAPIErrors} {
		ch <- d
	}
}

func (c *jetStreamCollector) Collect(ch chan<- prometheus.Metric) {
	js := c.srv.JetStream()
	if js == nil {
		return
	}
	st := js.Stats()
	for _, g := range []struct {
		desc *prometheus.Desc
		kind prometheus.ValueType
		v    float64
	}{
		{descJSMemory, prometheus.GaugeValue, float64(st.Memory)},
		{descJSStorage, prometheus.GaugeValue, float64(st.Storage)},
		{descJSAccounts, prometheus.GaugeValue, float64(st.Accounts)},
		{descJSStreams, prometheus.GaugeValue, float64(st.Streams)},
		{descJSMessages, prometheus.GaugeValue, float64(st.Messages)},
		{descJSBytes, prometheus.GaugeValue, float64(st.Bytes)},
		{descJSAPITotal, prometheus.CounterValue, float64(st.API.Total)},
		{descJSAPIErrors, prometheus.CounterValue, float64(st.API.Errors)},
	} {
		ch <- prometheus.MustNewConstMetric(g.desc, g.kind, g.v)
	}
}
