package bench

import (
	"math"
	"slices"
	"time"
)

// Median is the middle of xs (the mean of the middle two for an even count), or 0 for none. Repetitions
// are summarised by their median, not their mean, because on a shared machine one disturbed repetition
// would drag a mean but leaves a median of three alone. xs is not modified.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	mid := len(sorted) / 2
	if len(sorted)%2 == 1 {
		return sorted[mid]
	}
	return (sorted[mid-1] + sorted[mid]) / 2
}

// MedianDuration is Median for durations.
func MedianDuration(ds []time.Duration) time.Duration {
	xs := make([]float64, len(ds))
	for i, d := range ds {
		xs[i] = float64(d)
	}
	return time.Duration(math.Round(Median(xs)))
}

// Percentile is the nearest-rank p-th percentile (0 < p <= 100) of sorted, which must be in ascending
// order: the smallest value that at least p% of the values are at or below. Nearest rank rather than
// interpolation, so that a p99 is a latency some request actually had. 0 for none.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// Spread is (max-min)/median of xs: how far the repetitions disagree, as a fraction of the result. The
// report flags rows whose spread is large, since their ratio means less.
func Spread(xs []float64) float64 {
	m := Median(xs)
	if len(xs) < 2 || m == 0 {
		return 0
	}
	return (slices.Max(xs) - slices.Min(xs)) / m
}
