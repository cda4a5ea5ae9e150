package cluster

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// Every lot from 0 to total-1 once: each candidate wins exactly as many lots as its weight.
func TestPickQueueWeights(t *testing.T) {
	for _, tc := range []struct {
		name      string
		local     int
		remote    []int
		fromRoute bool
		wantLocal int
		wantPeers []int
	}{
		{"local only", 3, nil, false, 3, nil},
		{"peers by weight", 1, []int{2, 0, 5}, false, 1, []int{2, 0, 5}},
		{"no local members", 0, []int{1, 1}, false, 0, []int{1, 1}},
		{"from a route: local only", 2, []int{4, 4}, true, 2, []int{0, 0}},
	} {
		total := tc.local
		if !tc.fromRoute {
			for _, w := range tc.remote {
				total += w
			}
		}
		gotLocal, gotPeers := 0, make([]int, len(tc.remote))
		for lot := 0; lot < total; lot++ {
			p := PickQueue(tc.local, tc.remote, tc.fromRoute, uint64(lot))
			switch {
			case p.Index < 0:
				t.Fatalf("%s: lot %d picked nobody", tc.name, lot)
			case p.Local:
				gotLocal++
			default:
				gotPeers[p.Index]++
			}
		}
		if tc.wantPeers == nil {
			tc.wantPeers = []int{}
		}
		if gotLocal != tc.wantLocal || !reflect.DeepEqual(gotPeers, tc.wantPeers) {
			t.Errorf("%s: local %d peers %v, want %d %v", tc.name, gotLocal, gotPeers, tc.wantLocal, tc.wantPeers)
		}
	}
}

func TestPickQueueNobody(t *testing.T) {
	for _, p := range []Pick{
		PickQueue(0, nil, false, 7),
		PickQueue(0, []int{3}, true, 7),
		PickQueue(0, []int{0, 0}, false, 7),
	} {
		if p.Index != -1 {
			t.Fatalf("picked %+v with no candidates", p)
		}
	}
}

func BenchmarkPickQueue(b *testing.B) {
	weights := []int{2, 1, 3, 1}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if p := PickQueue(2, weights, false, rand.Uint64()); p.Index < 0 {
			b.Fatal("nobody")
		}
	}
}
