package codec

// maxArgs is the most arguments any op takes (HPUB subject reply hdr total).
const maxArgs = 4

// splitArgs splits arg at runs of spaces and tabs into fields, which alias
// arg with their capacity cut at their end, so an append by the caller can
// never overwrite the bytes that follow in the input. It returns the number
// of fields, stopping at maxArgs+1 so a caller can reject too many without
// scanning the rest. The array lives in the caller's frame, which keeps the
// PUB path free of allocation. (A single loop measured faster here than
// separate skip-blanks and scan-field loops.)
func splitArgs(arg []byte, fields *[maxArgs][]byte) int {
	n := 0
	start := -1
	for i, c := range arg {
		if c == ' ' || c == '\t' {
			if start >= 0 {
				if n == maxArgs {
					return maxArgs + 1
				}
				fields[n] = arg[start:i:i]
				n++
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		if n == maxArgs {
			return maxArgs + 1
		}
		fields[n] = arg[start:len(arg):len(arg)]
		n++
	}
	return n
}

// maxDigits keeps parseCount from overflowing an int64; nats-server accepts
// at most 9 digits, so anything this long is malformed anyway.
const maxDigits = 18

// parseCount parses a non-negative decimal number of ASCII digits only: no
// sign, no blanks, no empty string.
func parseCount(digits []byte) (int64, bool) {
	if len(digits) == 0 || len(digits) > maxDigits {
		return 0, false
	}
	var n int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// trimBlank drops leading and trailing spaces and tabs.
func trimBlank(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}
