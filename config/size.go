package config

import (
	"math"
	"strconv"
	"strings"
)

// sizeMultipliers follows nats-server conf/parse.go: the bare unit letter is
// decimal, any longer spelling (KB, Ki, KiB) is binary.
var sizeMultipliers = map[string]int64{
	"k": 1e3, "kb": 1 << 10, "ki": 1 << 10, "kib": 1 << 10,
	"m": 1e6, "mb": 1 << 20, "mi": 1 << 20, "mib": 1 << 20,
	"g": 1e9, "gb": 1 << 30, "gi": 1 << 30, "gib": 1 << 30,
	"t": 1e12, "tb": 1 << 40, "ti": 1 << 40, "tib": 1 << 40,
	"p": 1e15, "pb": 1 << 50, "pi": 1 << 50, "pib": 1 << 50,
	"e": 1e18, "eb": 1 << 60, "ei": 1 << 60, "eib": 1 << 60,
}

// applySuffix multiplies digits by the unit named by suffix. pos is the
// start of the whole size token, which is what errors point at.
func applySuffix(digits, suffix string, pos Pos) (int64, *Error) {
	mult, ok := sizeMultipliers[strings.ToLower(suffix)]
	if !ok {
		return 0, errorf(pos, "invalid size suffix %q in %s%s", suffix, digits, suffix)
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n > math.MaxInt64/mult || n < math.MinInt64/mult {
		return 0, errorf(pos, "size %s%s is out of range", digits, suffix)
	}
	return n * mult, nil
}

// sizeOf reads digits with an optional unit suffix.
func sizeOf(digits, suffix string, pos Pos) (int64, *Error) {
	if suffix == "" {
		n, err := strconv.ParseInt(digits, 10, 64)
		if err != nil {
			return 0, errorf(pos, "size %s is out of range", digits)
		}
		return n, nil
	}
	return applySuffix(digits, suffix, pos)
}

// Size returns v as a byte count: an integer (suffixed or not) as parsed, or
// a quoted string such as "64MB" or "1024" read with the same units.
func Size(v *Value) (int64, error) {
	if v == nil {
		return 0, &Error{Msg: "size: no value"}
	}
	switch v.Kind {
	case KindInt:
		return v.Int, nil
	case KindString:
		text := strings.TrimSpace(v.Str)
		digits, rest := splitNumber(text)
		if digits == "" {
			return 0, errorf(v.Pos, "invalid size %q: want a number with an optional unit such as 64MB", v.Str)
		}
		n, err := sizeOf(digits, rest, v.Pos)
		if err != nil {
			return 0, err // keep a nil *Error from becoming a non-nil error
		}
		return n, nil
	}
	return 0, errorf(v.Pos, "invalid size: want an integer or a string like \"64MB\", got %s", v.Kind)
}
