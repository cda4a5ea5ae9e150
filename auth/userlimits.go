package auth

import (
	"fmt"
	"net"
	"time"

	"github.com/nats-io/jwt/v2"
)

// Where and when a user JWT may connect: its src networks and its connect time ranges.

// srcAllowed reports whether a client at ip may use a JWT limited to the CIDRs src (empty = anywhere). An
// unknown address or an unparsable CIDR refuses, as nats-server does.
func srcAllowed(src jwt.CIDRList, ip net.IP) bool {
	if len(src) == 0 {
		return true
	}
	if ip == nil {
		return false
	}
	for _, cidr := range src {
		_, network, err := net.ParseCIDR(cidr)
		if err != nil {
			return false
		}
		if network.Contains(ip) {
			return true
		}
	}
	return false
}

// timesAllow reports whether now falls in one of the daily time ranges ("15:04:05" start and end, in
// locale or the server's local zone; a range whose end is before its start crosses midnight), and for how
// long it stays valid: the longest remaining range. No ranges allow any time, for ever (validFor 0).
func timesAllow(ranges []jwt.TimeRange, locale string, now time.Time) (ok bool, validFor time.Duration, err error) {
	if len(ranges) == 0 {
		return true, 0, nil
	}
	loc := time.Local
	if locale != "" {
		if loc, err = time.LoadLocation(locale); err != nil {
			return false, 0, fmt.Errorf("times_location %q: %w", locale, err)
		}
	}
	now = now.In(loc)
	for _, r := range ranges {
		start, err := clockOnDay(r.Start, now, loc)
		if err != nil {
			return false, 0, err
		}
		end, err := clockOnDay(r.End, now, loc)
		if err != nil {
			return false, 0, err
		}
		if left, in := inRange(start, end, now); in && (!ok || left > validFor) {
			ok, validFor = true, left
		}
	}
	return ok, validFor, nil
}

// clockOnDay places the wall-clock time hh:mm:ss on now's date in loc.
func clockOnDay(clock string, now time.Time, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation("15:04:05", clock, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("time range %q: %w", clock, err)
	}
	y, m, d := now.Date()
	return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), 0, loc), nil
}

// inRange reports whether now is strictly inside [start, end] and how long until end; a range that ends
// before it starts runs over midnight.
func inRange(start, end, now time.Time) (time.Duration, bool) {
	if start.Before(now) && end.After(now) {
		return end.Sub(now), true
	}
	if start.After(end) {
		if end.After(now) {
			return end.Sub(now), true // after midnight, before the end
		}
		if end = end.AddDate(0, 0, 1); start.Before(now) && end.After(now) {
			return end.Sub(now), true // before midnight, after the start
		}
	}
	return 0, false
}
