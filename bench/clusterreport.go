package bench

import (
	"fmt"
	"strings"
	"time"
)

// ClusterSection is the report's section on the cluster rows: what the clusters were, their throughput
// and request/reply tables, and what a route hop adds to a round trip; empty when no cluster row ran.
func (r Report) ClusterSection() string {
	rows := r.rows(clusterRows)
	if len(rows) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n## Cluster rows (%d-node full mesh)\n\n", ClusterSize)
	fmt.Fprintf(&b, "Each server also runs as a cluster of %d nodes, A, B and C: every node a child process on "+
		"loopback with its own client and route ports, started with `--cluster --cluster_name --routes` naming the "+
		"other two, so the routes form a full mesh. Both clusters start beside the single servers before the matrix, "+
		"and each is measured only by these rows, alternating with the other as the single servers do. Before they "+
		"are used, a message published on each node must reach a subscriber on every node; before each run, every "+
		"subscriber must receive a probe published on its publisher's node, so that the route has carried its interest. "+
		"Row names give the placement, publishers→subscribers by node: A→B is a publisher on A and its subscriber on B, "+
		"so every message crosses one route; A→A,B,C,C is a publisher on A and four subscribers, one on A, one on B, "+
		"two on C, so each message crosses both of A's routes once. The queue row numbers its messages and fails unless "+
		"each is delivered exactly once. Throughput is counted at the subscribers.\n\n", ClusterSize)
	if hasKind(rows, PubOnly, PubSub) {
		b.WriteString(r.throughputTable(rows))
	}
	if latency := r.latencyTable(rows); latency != "" {
		b.WriteString("\n")
		b.WriteString(latency)
	}
	if hop := r.HopTable(); hop != "" {
		b.WriteString("\n### What a route hop adds to a round trip\n\n")
		b.WriteString("The cluster request/reply rows side by side: requester and responder on node A, then requester on " +
			"A and responder on B, where the request and the reply each cross the route. *Added* is cross-node minus " +
			"same-node; *×* is cross-node over same-node.\n\n")
		b.WriteString(hop)
	}
	return b.String()
}

// HopTable compares, for each server, the cluster request/reply row with every client on one node and the
// one with requester and responder on different nodes; empty unless both ran.
func (r Report) HopTable() string {
	var same, cross *RowResult
	for _, rr := range r.rows(clusterRows) {
		if rr.Row.Kind != RequestReply {
			continue
		}
		if rr.Row.Place.Nodes() == 1 {
			same = &rr
		} else {
			cross = &rr
		}
	}
	if same == nil || cross == nil {
		return ""
	}
	t := table{header: []string{"server", "same node p50", "same node p99", "cross node p50", "cross node p99",
		"p50 added", "p99 added", "p99 ×"}}
	for _, name := range []string{r.Subject, r.Baseline} {
		s, c := same.Servers[name], cross.Servers[name]
		if !s.OK() || !c.OK() {
			t.add(name, cell(s, r.Reps, formatLatency(s.P50)), cell(s, r.Reps, formatLatency(s.P99)),
				cell(c, r.Reps, formatLatency(c.P50)), cell(c, r.Reps, formatLatency(c.P99)), "—", "—", "—")
			continue
		}
		t.add(name, formatLatency(s.P50), formatLatency(s.P99), formatLatency(c.P50), formatLatency(c.P99),
			formatAdded(c.P50-s.P50), formatAdded(c.P99-s.P99), ratio(c, s, float64(c.P99), float64(s.P99)))
	}
	return t.String()
}

// formatAdded is a signed latency difference: "+95 µs", or "-3.0 µs" when noise makes the hop look free.
func formatAdded(d time.Duration) string {
	if d < 0 {
		return "-" + formatLatency(-d)
	}
	return "+" + formatLatency(d)
}
