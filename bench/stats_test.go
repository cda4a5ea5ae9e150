package bench

import (
	"math"
	"testing"
	"time"
)

func TestMedianOfOddCountIsMiddleValue(t *testing.T) {
	xs := []float64{9, 1, 5}
	if got := Median(xs); got != 5 {
		t.Fatalf("Median(%v) = %v, want 5", xs, got)
	}
	if xs[0] != 9 || xs[1] != 1 || xs[2] != 5 {
		t.Fatalf("Median reordered its input: %v", xs)
	}
}

func TestMedianOfEvenCountIsMeanOfMiddleTwo(t *testing.T) {
	if got := Median([]float64{4, 1, 3, 100}); got != 3.5 {
		t.Fatalf("got %v, want 3.5", got)
	}
}

func TestMedianIgnoresOneOutlier(t *testing.T) {
	if got := Median([]float64{1e6, 1.01e6, 1e3}); got != 1e6 {
		t.Fatalf("got %v, want 1e6", got)
	}
}

func TestMedianOfNothingIsZero(t *testing.T) {
	if got := Median(nil); got != 0 {
		t.Fatalf("got %v", got)
	}
}

func TestMedianDuration(t *testing.T) {
	got := MedianDuration([]time.Duration{3 * time.Millisecond, time.Millisecond, 2 * time.Millisecond})
	if got != 2*time.Millisecond {
		t.Fatalf("got %v", got)
	}
}

func TestPercentileIsNearestRank(t *testing.T) {
	var sorted []time.Duration
	for i := 1; i <= 100; i++ {
		sorted = append(sorted, time.Duration(i)*time.Microsecond)
	}
	cases := []struct {
		p    float64
		want time.Duration
	}{
		{50, 50 * time.Microsecond},
		{99, 99 * time.Microsecond},
		{99.5, 100 * time.Microsecond},
		{100, 100 * time.Microsecond},
		{0.1, 1 * time.Microsecond},
	}
	for _, c := range cases {
		if got := Percentile(sorted, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
}

func TestPercentileOfFewValuesIsOneOfThem(t *testing.T) {
	sorted := []time.Duration{10, 20, 30}
	if got := Percentile(sorted, 99); got != 30 {
		t.Fatalf("p99 = %v, want 30", got)
	}
	if got := Percentile(sorted, 50); got != 20 {
		t.Fatalf("p50 = %v, want 20", got)
	}
	if got := Percentile(nil, 50); got != 0 {
		t.Fatalf("p50 of nothing = %v", got)
	}
}

func TestSpreadIsRangeOverMedian(t *testing.T) {
	if got := Spread([]float64{90, 100, 120}); math.Abs(got-0.3) > 1e-9 {
		t.Fatalf("got %v, want 0.3", got)
	}
	if got := Spread([]float64{100}); got != 0 {
		t.Fatalf("one value: got %v, want 0", got)
	}
}
