package monitor

import (
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/reactor-nats/reactor/reactor"
)

// scrape fetches /metrics and parses it as Prometheus does.
func scrape(t *testing.T, f *fixture) map[string]*dto.MetricFamily {
	t.Helper()
	status, body := get(t, f.base+"/metrics")
	if status != 200 {
		t.Fatalf("/metrics: %d %s", status, body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	return families
}

// value is the single unlabelled sample of a family.
func value(t *testing.T, families map[string]*dto.MetricFamily, name string) float64 {
	t.Helper()
	mf := families[name]
	if mf == nil || len(mf.Metric) != 1 {
		t.Fatalf("%s: %v", name, mf)
	}
	m := mf.Metric[0]
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	}
	t.Fatalf("%s is neither counter nor gauge", name)
	return 0
}

func TestMetricsExposeReactorCountersAtScrapeTime(t *testing.T) {
	f := runFixture(t, reactor.Options{})
	pub := connect(t, f.clientURL(), "publisher")
	sub := subscribe(t, connect(t, f.clientURL(), "subscriber"), "foo", "")
	publish(t, pub, "foo", "1234", 6)
	receive(t, sub, 6)

	var families map[string]*dto.MetricFamily
	waitFor(t, "metrics to count the traffic", func() bool {
		families = scrape(t, f)
		// Each loop commits its own counters: the publisher's may come after the subscriber's.
		return value(t, families, "reactor_out_msgs_total") == 6 && value(t, families, "reactor_in_msgs_total") == 6
	})
	for name, want := range map[string]float64{
		"reactor_connections":             2,
		"reactor_connections_total":       2,
		"reactor_subscriptions":           1,
		"reactor_in_msgs_total":           6,
		"reactor_in_bytes_total":          24,
		"reactor_out_msgs_total":          6,
		"reactor_out_bytes_total":         24,
		"reactor_slow_consumers_total":    0,
		"reactor_stalls_total":            0,
		"reactor_stale_connections_total": 0,
		"reactor_info":                    1,
	} {
		if got := value(t, families, name); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if got := families["reactor_in_msgs_total"].GetType(); got != dto.MetricType_COUNTER {
		t.Errorf("reactor_in_msgs_total is a %v, want a counter", got)
	}
	if got := families["reactor_connections"].GetType(); got != dto.MetricType_GAUGE {
		t.Errorf("reactor_connections is a %v, want a gauge", got)
	}
	for _, l := range families["reactor_info"].Metric[0].Label {
		if l.GetName() == "server_id" && l.GetValue() != f.srv.ID() {
			t.Errorf("reactor_info server_id %q, want %q", l.GetValue(), f.srv.ID())
		}
	}

	// Per loop: every loop that holds a connection is labelled, and the loops add up to the server.
	sums := map[string]float64{}
	for _, name := range []string{"reactor_loop_connections", "reactor_loop_queue_bytes", "reactor_loop_in_msgs_total",
		"reactor_loop_out_msgs_total", "reactor_loop_slow_consumers_total", "reactor_loop_stalls_total"} {
		mf := families[name]
		if mf == nil || len(mf.Metric) == 0 {
			t.Fatalf("%s missing", name)
		}
		for _, m := range mf.Metric {
			if len(m.Label) != 1 || m.Label[0].GetName() != "loop" {
				t.Errorf("%s has labels %v, want loop only", name, m.Label)
			}
			sums[name] += m.GetGauge().GetValue() + m.GetCounter().GetValue()
		}
	}
	if sums["reactor_loop_connections"] != 2 || sums["reactor_loop_in_msgs_total"] != 6 ||
		sums["reactor_loop_out_msgs_total"] != 6 {
		t.Errorf("loops sum to %v; want 2 connections, 6 in, 6 out", sums)
	}

	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes"} {
		if value(t, families, name) <= 0 {
			t.Errorf("%s missing or zero: the Go and process collectors are registered", name)
		}
	}
}

func TestMetricsOfTwoServersInOneProcessStayApart(t *testing.T) {
	a, b := runFixture(t, reactor.Options{}), runFixture(t, reactor.Options{})
	connect(t, a.clientURL(), "only-on-a")
	waitFor(t, "a's connection counted", func() bool { return value(t, scrape(t, a), "reactor_connections") == 1 })
	if got := value(t, scrape(t, b), "reactor_connections"); got != 0 {
		t.Errorf("b reports %v connections: registries are shared", got)
	}
}
