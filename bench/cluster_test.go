package bench

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestClusterArgsRouteEachNodeToTheOthers(t *testing.T) {
	ports := []int{7001, 7002, 7003}
	got := clusterArgs("bench", ports, 1)
	want := []string{"--cluster", "nats://127.0.0.1:7002", "--cluster_name", "bench",
		"--routes", "nats://127.0.0.1:7001,nats://127.0.0.1:7003"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

// TestClusterRowsRunOnBothClusters: both servers form a 3-node mesh from the same flags, and the cluster
// rows, at a small count, deliver every message across the routes, the queue row exactly once.
func TestClusterRowsRunOnBothClusters(t *testing.T) {
	reactorBin, natsBin := testBinaries(t)
	for bin, start := range map[string]func(string, ...string) (*Server, error){
		reactorBin: StartReactor, natsBin: StartNatsServer,
	} {
		c, err := StartCluster(start, bin, ClusterSize)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Stop()
		for i, row := range Rows(0.01) {
			if !row.Cluster {
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			sample, err := Run(ctx, c.Nodes, row, "bench.cluster.test."+string(rune('a'+i)))
			cancel()
			if err != nil || sample.Msgs != row.Deliveries() {
				t.Errorf("%s, %s: %+v, %v", c.Name, row.Name, sample, err)
			}
			if row.Queue && len(sample.Shares) != row.Subs {
				t.Errorf("%s, %s: shares %v", c.Name, row.Name, sample.Shares)
			}
		}
	}
}
