package config

import (
	"math"
	"time"
)

// Duration returns v as a time.Duration: a string in Go syntax ("2m",
// "500ms"), or an integer counted in seconds, as nats-server accepts for
// ping_interval and friends. Note that a bare 2m is the size 2,000,000 (m is
// a size suffix), so durations must be quoted, as the nats docs say.
func Duration(v *Value) (time.Duration, error) {
	if v == nil {
		return 0, &Error{Msg: "duration: no value"}
	}
	switch v.Kind {
	case KindString:
		d, err := time.ParseDuration(v.Str)
		if err != nil {
			return 0, errorf(v.Pos, "invalid duration %q: want e.g. \"2m\" or \"500ms\"", v.Str)
		}
		return d, nil
	case KindInt:
		if v.Int > math.MaxInt64/int64(time.Second) || v.Int < math.MinInt64/int64(time.Second) {
			return 0, errorf(v.Pos, "duration of %d seconds is out of range", v.Int)
		}
		return time.Duration(v.Int) * time.Second, nil
	}
	return 0, errorf(v.Pos, "invalid duration: want a string like \"2m\" or seconds, got %s", v.Kind)
}
