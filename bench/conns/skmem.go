package conns

import (
	"fmt"
	"strconv"
	"strings"
)

// allocatedSkmem are the skmem fields that are memory a socket holds now. rb and tb are the receive and
// send buffer limits, not allocations, so they stay out of the sum.
var allocatedSkmem = map[string]bool{
	"r":  true, // rmem_alloc: received bytes not yet read by the application
	"t":  true, // wmem_alloc: sent bytes not yet freed by the device
	"f":  true, // fwd_alloc: memory charged to the socket ahead of use
	"w":  true, // wmem_queued: bytes in the write queue
	"o":  true, // opt_mem: socket options and filters
	"bl": true, // backlog: bytes queued while the socket was locked
	"d":  true, // sk_drops: a count of dropped packets, not bytes; zero on a healthy loopback socket
}

// skmemTotal is what `ss -tmn` says the sockets it listed hold.
type skmemTotal struct {
	sockets int   // sockets with an skmem entry
	bytes   int64 // sum of the allocated fields over those sockets
}

// parseSkmem sums the allocated skmem fields of every socket in the output of `ss -tmn` (with or without
// -i). A socket's skmem entry looks like skmem:(r0,rb131072,t0,tb2626560,f0,w0,o0,bl0,d0).
func parseSkmem(out string) (skmemTotal, error) {
	var total skmemTotal
	for rest := out; ; {
		i := strings.Index(rest, "skmem:(")
		if i < 0 {
			return total, nil
		}
		rest = rest[i+len("skmem:("):]
		fields, after, ok := strings.Cut(rest, ")")
		if !ok {
			return total, fmt.Errorf("ss: unterminated skmem entry %q", truncate(rest, 80))
		}
		rest = after
		bytes, err := sumSkmemFields(fields)
		if err != nil {
			return total, err
		}
		total.sockets++
		total.bytes += bytes
	}
}

// sumSkmemFields sums the allocated fields of one entry's "r0,rb131072,..." list.
func sumSkmemFields(fields string) (int64, error) {
	var sum int64
	for _, field := range strings.Split(fields, ",") {
		name := strings.TrimRight(field, "0123456789")
		if name == "" || name == field {
			return 0, fmt.Errorf("ss: bad skmem field %q", field)
		}
		value, err := strconv.ParseInt(field[len(name):], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("ss: skmem field %q: %w", field, err)
		}
		if allocatedSkmem[name] {
			sum += value
		}
	}
	return sum, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
