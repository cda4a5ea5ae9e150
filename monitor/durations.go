package monitor

import (
	"strconv"
	"time"
)

// formatUptime renders a duration the way nats-server's /varz uptime and /connz uptime and idle do: whole
// seconds, broken into the largest units present, with every smaller unit shown once a larger one is
// ("0s", "59s", "1m2s", "1h0m3s", "2d3h0m0s", "1y0d0h0m1s"). Years are 365 days. Tools parse these
// strings, so time.Duration's own format ("1h2m3.5s") would not do.
func formatUptime(d time.Duration) string {
	secs := max(int64(d/time.Second), 0)
	units := [...]struct {
		size   int64
		suffix byte
	}{{365 * 86400, 'y'}, {86400, 'd'}, {3600, 'h'}, {60, 'm'}}
	var out []byte
	for _, u := range units {
		if n := secs / u.size; n > 0 || len(out) > 0 {
			out = strconv.AppendInt(out, n, 10)
			out = append(out, u.suffix)
			secs %= u.size
		}
	}
	out = strconv.AppendInt(out, secs, 10)
	return string(append(out, 's'))
}

// formatRTT renders a round-trip time as nats-server's /connz does: time.Duration's format, truncated to
// whole microseconds when it lies between a microsecond and a millisecond ("314µs" rather than
// "314.159µs"), left at full precision otherwise ("1.249015ms").
func formatRTT(rtt time.Duration) string {
	if rtt > time.Microsecond && rtt < time.Millisecond {
		rtt = rtt.Truncate(time.Microsecond)
	}
	return rtt.String()
}
