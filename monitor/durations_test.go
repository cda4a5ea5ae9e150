package monitor

import (
	"testing"
	"time"
)

func TestFormatUptimeAsNatsServer(t *testing.T) {
	const day = 24 * time.Hour
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{-time.Second, "0s"},
		{999 * time.Millisecond, "0s"},
		{59 * time.Second, "59s"},
		{62 * time.Second, "1m2s"},
		{time.Hour + 3*time.Second, "1h0m3s"},
		{time.Hour + 2*time.Minute + 3*time.Second, "1h2m3s"},
		{2*day + 3*time.Hour, "2d3h0m0s"},
		{365*day + time.Second, "1y0d0h0m1s"},
		{800*day + 5*time.Minute, "2y70d0h5m0s"},
	} {
		if got := formatUptime(tc.d); got != tc.want {
			t.Errorf("formatUptime(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestFormatRTTAsNatsServer(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{800 * time.Nanosecond, "800ns"},
		{314159 * time.Nanosecond, "314µs"},
		{1249015 * time.Nanosecond, "1.249015ms"},
		{2 * time.Second, "2s"},
	} {
		if got := formatRTT(tc.d); got != tc.want {
			t.Errorf("formatRTT(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
