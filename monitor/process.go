package monitor

import (
	"bytes"
	"math"
	"os"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// processSampler measures the process for /varz mem and cpu. mem is the resident set size in bytes; cpu is
// the percentage of one core used (100 = one core busy), as nats-server reports them. CPU is a rate, so it is
// measured between samples at least cpuWindow apart; a request inside the window gets the last figure
// rather than a noisy one over a few milliseconds. The first window starts at New.
type processSampler struct {
	mu      sync.Mutex
	lastAt  time.Time
	lastCPU time.Duration
	pcpu    float64
}

const cpuWindow = time.Second

func (p *processSampler) init() {
	p.lastAt = time.Now()
	p.lastCPU = cpuTime()
}

// sample returns the resident set size and the CPU percentage.
func (p *processSampler) sample(now time.Time) (rss int64, pcpu float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if elapsed := now.Sub(p.lastAt); elapsed >= cpuWindow {
		used := cpuTime()
		p.pcpu = math.Round(float64(used-p.lastCPU)/float64(elapsed)*1000) / 10
		p.lastAt, p.lastCPU = now, used
	}
	return residentBytes(), p.pcpu
}

// cpuTime is the user plus system CPU time the process has used.
func cpuTime() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// residentBytes reads the current resident set size from /proc (Linux, like the rest of reactor); 0 if it
// cannot. getrusage's maxrss is the peak, not the current size, so it would not do.
func residentBytes() int64 {
	statm, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	fields := bytes.Fields(statm) // size resident shared text lib data dt, in pages
	if len(fields) < 2 {
		return 0
	}
	pages, err := strconv.ParseInt(string(fields[1]), 10, 64)
	if err != nil {
		return 0
	}
	return pages * int64(os.Getpagesize())
}
