package bench

import (
	"slices"
	"strings"
	"testing"
)

func TestPlacementCyclesNodesAndDefaultsToA(t *testing.T) {
	var single Placement
	if single.Pub(3) != 0 || single.Sub(5) != 0 || single.Nodes() != 1 || single.String(1, 2) != "A→A,A" {
		t.Fatalf("zero placement: pub %d sub %d nodes %d %q", single.Pub(3), single.Sub(5), single.Nodes(), single.String(1, 2))
	}
	p := Placement{Pubs: []int{0}, Subs: []int{0, 1, 2, 2}}
	var subs []int
	for i := range 6 {
		subs = append(subs, p.Sub(i))
	}
	if want := []int{0, 1, 2, 2, 0, 1}; !slices.Equal(subs, want) {
		t.Errorf("subs %v, want %v", subs, want)
	}
	if p.Nodes() != 3 || p.String(1, 4) != "A→A,B,C,C" {
		t.Errorf("nodes %d, %q", p.Nodes(), p.String(1, 4))
	}
}

// TestClusterRowsSayWhereTheirClientsAre: a cluster row's name carries its placement, it fits the
// cluster, it crosses a route unless it is the same-node baseline, and a queue row has room for the
// sequence numbers of the exactly-once check.
func TestClusterRowsSayWhereTheirClientsAre(t *testing.T) {
	clusterRows := 0
	for _, row := range Rows(1) {
		if !row.Cluster {
			if row.Place.Nodes() != 1 {
				t.Errorf("%s: single-server row placed on %d nodes", row.Name, row.Place.Nodes())
			}
			continue
		}
		clusterRows++
		subs := row.Subs
		if row.Kind == RequestReply {
			subs = 1
		}
		if where := row.Place.String(row.Pubs, subs); !strings.Contains(row.Name, " "+where+",") {
			t.Errorf("%q does not name its placement %s", row.Name, where)
		}
		if !strings.HasPrefix(row.Name, "cluster ") {
			t.Errorf("%q: cluster rows are named as such", row.Name)
		}
		if row.Place.Nodes() > ClusterSize {
			t.Errorf("%s: placed on %d nodes of %d", row.Name, row.Place.Nodes(), ClusterSize)
		}
		if row.Queue && row.Payload < seqBytes {
			t.Errorf("%s: %d B payload cannot carry a sequence number", row.Name, row.Payload)
		}
	}
	if clusterRows != 6 {
		t.Errorf("%d cluster rows, want 6", clusterRows)
	}
}
