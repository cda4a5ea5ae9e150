package bench

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestFormatCount(t *testing.T) {
	cases := map[float64]string{0: "0", 999: "999", 1000: "1,000", 1234567.8: "1,234,568", 10_000_000: "10,000,000"}
	for x, want := range cases {
		if got := formatCount(x); got != want {
			t.Errorf("formatCount(%v) = %q, want %q", x, got, want)
		}
	}
}

func TestFormatLatency(t *testing.T) {
	cases := map[time.Duration]string{
		45300 * time.Nanosecond:          "45.3 µs",
		168 * time.Microsecond:           "168 µs",
		12500 * time.Microsecond:         "12.5 ms",
		999999 * time.Nanosecond:         "1000 µs",
		2*time.Second + time.Millisecond: "2001.0 ms",
	}
	for d, want := range cases {
		if got := formatLatency(d); got != want {
			t.Errorf("formatLatency(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestTableAlignsColumns(t *testing.T) {
	tab := table{header: []string{"row", "msgs/s"}}
	tab.add("1→1, 16 B", "1,000")
	tab.add("x", "12,345,678")
	want := "" +
		"| row       |     msgs/s |\n" +
		"| --------- | ---------: |\n" +
		"| 1→1, 16 B |      1,000 |\n" +
		"| x         | 12,345,678 |\n"
	if got := tab.String(); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestSummarizeTakesMediansAndKeepsFailures(t *testing.T) {
	row := Row{Kind: RequestReply, Payload: 100}
	samples := []Sample{
		{Msgs: 1000, Elapsed: time.Second, P50: 10 * time.Microsecond, P99: 90 * time.Microsecond},
		{Msgs: 3000, Elapsed: time.Second, P50: 30 * time.Microsecond, P99: 70 * time.Microsecond},
	}
	s := Summarize(row, samples, []error{errors.New("timed out after 1m0s")})
	if s.Rate != 2000 || s.MBps != 0.2 || s.Runs != 2 {
		t.Fatalf("rate %v MB/s %v runs %d", s.Rate, s.MBps, s.Runs)
	}
	if s.P50 != 20*time.Microsecond || s.P99 != 80*time.Microsecond {
		t.Fatalf("p50 %v p99 %v", s.P50, s.P99)
	}
	if len(s.Errors) != 1 || s.Errors[0] != "timed out after 1m0s" {
		t.Fatalf("errors %q", s.Errors)
	}
}

func testReport() Report {
	ok := func(rate float64, payload int) Summary {
		return Summary{Rate: rate, MBps: rate * float64(payload) / 1e6, Runs: 3}
	}
	pub := Row{Name: "pub only, 16 B", Kind: PubOnly, Payload: 16, Pubs: 1, Msgs: 100}
	fan := Row{Name: "1→4 fan-out, 128 B", Kind: PubSub, Payload: 128, Pubs: 1, Subs: 4, Msgs: 100}
	req := Row{Name: "req/reply, 1 requester, 16 B", Kind: RequestReply, Payload: 16, Pubs: 1, Msgs: 10}
	return Report{
		Reps: 3, Subject: "reactor", Baseline: "nats-server",
		Rows: []RowResult{
			{Row: pub, Servers: map[string]Summary{"reactor": ok(3_000_000, 16), "nats-server": ok(2_000_000, 16)}},
			{Row: fan, Servers: map[string]Summary{
				"reactor":     {Runs: 0, Errors: []string{"a", "b", "c"}},
				"nats-server": {Rate: 1_000_000, MBps: 128, Runs: 2, Errors: []string{"timed out after 1m0s"}, Spread: 0.5},
			}},
			{Row: req, Servers: map[string]Summary{
				"reactor":     {Rate: 6000, Runs: 3, P50: 150 * time.Microsecond, P99: 300 * time.Microsecond},
				"nats-server": {Rate: 5000, Runs: 3, P50: 160 * time.Microsecond, P99: 400 * time.Microsecond},
			}},
		},
	}
}

func TestThroughputTableShowsRatiosAndFailures(t *testing.T) {
	got := testReport().ThroughputTable()
	lines := strings.Split(strings.TrimSpace(got), "\n")
	if len(lines) != 4 {
		t.Fatalf("want header, rule and 2 rows, got:\n%s", got)
	}
	if !strings.Contains(lines[0], "reactor msgs/s") || !strings.Contains(lines[0], "ratio (reactor/nats-server)") {
		t.Errorf("header: %s", lines[0])
	}
	if !strings.Contains(lines[2], "3,000,000") || !strings.Contains(lines[2], "48.0") || !strings.HasSuffix(lines[2], "1.50× |") {
		t.Errorf("pub row: %s", lines[2])
	}
	if !strings.Contains(lines[3], "failed") || !strings.Contains(lines[3], "1,000,000 (2/3 runs)") || !strings.HasSuffix(lines[3], "— |") {
		t.Errorf("fan-out row: %s", lines[3])
	}
	if strings.Contains(got, "req/reply") {
		t.Errorf("latency row in the throughput table:\n%s", got)
	}
}

func TestLatencyTableComparesRatesAndP99(t *testing.T) {
	got := testReport().LatencyTable()
	row := strings.Split(strings.TrimSpace(got), "\n")[2]
	for _, want := range []string{"6,000", "150 µs", "300 µs", "5,000", "400 µs", "1.20×", "0.75×"} {
		if !strings.Contains(row, want) {
			t.Errorf("latency row lacks %q: %s", want, row)
		}
	}
}

func TestMarkdownNotesFailuresAndNoise(t *testing.T) {
	md := testReport().Markdown()
	for _, want := range []string{
		"1→4 fan-out, 128 B, nats-server: a repetition failed: timed out after 1m0s",
		"1→4 fan-out, 128 B, nats-server: noisy, repetitions spread over 50% of the median",
		"Messages per run: pub only, 16 B: 100 msgs;",
		"req/reply, 1 requester, 16 B: 10 requests",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestMarkdownDescribesTLSRowsOnlyWhenThereAreSome(t *testing.T) {
	r := testReport()
	if md := r.Markdown(); strings.Contains(md, "TLS rows") {
		t.Errorf("TLS described without TLS rows:\n%s", md)
	}
	tlsRow := Row{Name: "TLS 1→1, 128 B", Kind: PubSub, Payload: 128, Pubs: 1, Subs: 1, Msgs: 100, TLS: true}
	r.Rows = append(r.Rows, RowResult{Row: tlsRow, Servers: map[string]Summary{
		"reactor": {Rate: 900, Runs: 3}, "nats-server": {Rate: 1000, Runs: 3}}})
	md := r.Markdown()
	if !strings.Contains(md, "- TLS rows: a second pair of servers") {
		t.Errorf("TLS rows not described:\n%s", md)
	}
	if !strings.Contains(md, "| TLS 1→1, 128 B") || !strings.Contains(md, "0.90×") {
		t.Errorf("TLS row or its ratio missing:\n%s", md)
	}
}

func TestIsolationTableJudgesTarget(t *testing.T) {
	r := &IsolationReport{Msgs: 200_000, Payload: 1024, Servers: []IsolationResult{
		{Server: "reactor", Alone: Summary{Rate: 100_000, Runs: 3}, WithStuck: Summary{Rate: 95_000, Runs: 3}, CutOff: 3, Checked: 3},
		{Server: "nats-server", Alone: Summary{Rate: 100_000, Runs: 3}, WithStuck: Summary{Rate: 20_000, Runs: 3}, CutOff: 2, Checked: 3},
	}}
	got := r.Table()
	for _, want := range []string{"95% (meets target)", "20% (below target)", "3 of 3 runs", "2 of 3 runs"} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
}

func testClusterReport() Report {
	r := testReport()
	summary := func(rate float64, p50, p99 time.Duration) Summary {
		return Summary{Rate: rate, Runs: 3, P50: p50, P99: p99}
	}
	ab := Row{Name: "cluster A→B, 16 B", Kind: PubSub, Payload: 16, Pubs: 1, Subs: 1, Cluster: true, Place: aToB, Msgs: 100}
	same := Row{Name: "cluster req/reply A→A, 16 B", Kind: RequestReply, Payload: 16, Pubs: 1, Cluster: true, Msgs: 10}
	cross := Row{Name: "cluster req/reply A→B, 16 B", Kind: RequestReply, Payload: 16, Pubs: 1, Cluster: true, Place: aToB, Msgs: 10}
	us := time.Microsecond
	r.Rows = append(r.Rows,
		RowResult{Row: ab, Servers: map[string]Summary{"reactor": summary(1_500_000, 0, 0), "nats-server": summary(1_000_000, 0, 0)}},
		RowResult{Row: same, Servers: map[string]Summary{
			"reactor": summary(6000, 150*us, 300*us), "nats-server": summary(6500, 140*us, 280*us)}},
		RowResult{Row: cross, Servers: map[string]Summary{
			"reactor": summary(5000, 190*us, 450*us), "nats-server": summary(4500, 200*us, 420*us)}},
	)
	return r
}

func TestClusterRowsHaveTheirOwnSection(t *testing.T) {
	r := testClusterReport()
	if got := r.ThroughputTable() + r.LatencyTable(); strings.Contains(got, "cluster") {
		t.Errorf("cluster rows in the single-server tables:\n%s", got)
	}
	section := r.ClusterSection()
	for _, want := range []string{"## Cluster rows (3-node full mesh)", "`--cluster --cluster_name --routes`",
		"| cluster A→B, 16 B", "1.50×", "| cluster req/reply A→B, 16 B", "### What a route hop adds"} {
		if !strings.Contains(section, want) {
			t.Errorf("cluster section lacks %q:\n%s", want, section)
		}
	}
	if !strings.Contains(r.Markdown(), section) {
		t.Error("cluster section not in the report")
	}
	if testReport().ClusterSection() != "" {
		t.Error("cluster section without cluster rows")
	}
}

func TestHopTableSubtractsSameNodeFromCrossNode(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(testClusterReport().HopTable()), "\n")
	if len(lines) != 4 {
		t.Fatalf("want header, rule, reactor and nats-server:\n%s", strings.Join(lines, "\n"))
	}
	for i, want := range map[int][]string{
		2: {"| reactor", "150 µs", "450 µs", "+40.0 µs", "+150 µs", "1.50×"},
		3: {"| nats-server", "+60.0 µs", "+140 µs", "1.50×"},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i], w) {
				t.Errorf("line lacks %q: %s", w, lines[i])
			}
		}
	}
	if got := formatAdded(-3 * time.Microsecond); got != "-3.0 µs" {
		t.Errorf("formatAdded(-3µs) = %q", got)
	}
}
