package conns

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// KernelMemory is the kernel memory held by a server's established sockets, and how it was found.
type KernelMemory struct {
	Method    string  // "ss skmem" or "sockstat"
	Sockets   int     // sockets the figure covers
	PerSocket float64 // bytes per socket; negative when unknown
}

// kernelProbe measures the kernel memory of the sockets on one server port. It prefers ss, which reads
// each socket's own accounting; without ss it falls back to the system-wide TCP page count in
// /proc/net/sockstat, which needs a reading from before the connections were opened. Nothing is
// installed to get ss.
type kernelProbe struct {
	addr           string // the server's listening host:port
	ss             string // path of ss, or "" to use sockstat
	sockstatBefore int64  // TCP pages before the connections, for the fallback
}

func newKernelProbe(addr string) *kernelProbe {
	p := &kernelProbe{addr: addr}
	p.ss, _ = exec.LookPath("ss")
	p.sockstatBefore, _ = sockstatTCPPages()
	return p
}

// measure reads the kernel memory of the server's sockets now; conns is how many client connections are
// open, which the sockstat fallback needs because it cannot tell sockets apart.
func (p *kernelProbe) measure(ctx context.Context, conns int) (KernelMemory, error) {
	if p.ss != "" {
		// By address and port, not by port alone: a client bound to another loopback address may draw the
		// server's port number as its ephemeral port, and `sport = :PORT` would count its socket too.
		filter := fmt.Sprintf("( src %s )", p.addr)
		out, err := exec.CommandContext(ctx, p.ss, "-tmn", "state", "established", filter).Output()
		if err != nil {
			return KernelMemory{Method: "ss skmem", PerSocket: -1}, fmt.Errorf("ss: %w", err)
		}
		total, err := parseSkmem(string(out))
		if err != nil {
			return KernelMemory{Method: "ss skmem", PerSocket: -1}, err
		}
		return KernelMemory{Method: "ss skmem", Sockets: total.sockets, PerSocket: perSocket(total.bytes, total.sockets)}, nil
	}
	after, err := sockstatTCPPages()
	if err != nil {
		return KernelMemory{Method: "sockstat", PerSocket: -1}, err
	}
	// Both ends of every connection are sockets of this kernel, hence 2 × conns.
	bytes := (after - p.sockstatBefore) * int64(os.Getpagesize())
	return KernelMemory{Method: "sockstat", Sockets: 2 * conns, PerSocket: perSocket(bytes, 2*conns)}, nil
}

func perSocket(bytes int64, sockets int) float64 {
	if sockets <= 0 {
		return -1
	}
	return float64(bytes) / float64(sockets)
}

// sockstatTCPPages is the "mem" figure of the TCP line in /proc/net/sockstat: pages charged to all TCP
// sockets of the system.
func sockstatTCPPages() (int64, error) {
	f, err := os.Open("/proc/net/sockstat")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) == 0 || fields[0] != "TCP:" {
			continue
		}
		for i := 1; i+1 < len(fields); i += 2 {
			if fields[i] == "mem" {
				return strconv.ParseInt(fields[i+1], 10, 64)
			}
		}
	}
	return 0, errors.New("/proc/net/sockstat: no TCP mem")
}
