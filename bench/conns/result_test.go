package conns

import (
	"math"
	"net"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRSSPerConnDividesByConnectionsHeld(t *testing.T) {
	r := Result{N: 20000, Connected: 19000, RSSBefore: 10 << 20, RSSAfter: 10<<20 + 19000*3000}
	if got := r.RSSPerConn(); got != 3000 {
		t.Fatalf("RSSPerConn = %v, want 3000", got)
	}
}

func TestRSSPerConnMissingIsNegative(t *testing.T) {
	for name, r := range map[string]Result{
		"no connections": {N: 10, RSSBefore: 1, RSSAfter: 2},
		"no baseline":    {N: 10, Connected: 10, RSSAfter: 2},
		"no reading":     {N: 10, Connected: 10, RSSBefore: 1},
	} {
		if got := r.RSSPerConn(); got >= 0 {
			t.Errorf("%s: RSSPerConn = %v, want negative", name, got)
		}
	}
}

func TestPerConnAddsKernelAndRefusesPartialSums(t *testing.T) {
	r := Result{Connected: 1000, RSSBefore: 1 << 20, RSSAfter: 1<<20 + 1000*2048, Kernel: KernelMemory{PerSocket: 512}}
	if got := r.PerConn(); got != 2560 {
		t.Fatalf("PerConn = %v, want 2048 + 512", got)
	}
	r.Kernel.PerSocket = -1
	if got := r.PerConn(); got >= 0 {
		t.Fatalf("PerConn with unknown kernel memory = %v, want negative", got)
	}
}

func TestProjectGiB(t *testing.T) {
	// 2 KiB + 1 KiB per connection over 1,000,000 connections: 3 × 1024 × 10^6 bytes.
	got := ProjectGiB(3*1024, 1_000_000)
	if want := 3.0 * 1024 * 1e6 / (1 << 30); math.Abs(got-want) > 1e-9 {
		t.Fatalf("ProjectGiB = %v, want %v (about 2.86)", got, want)
	}
	if got := ProjectGiB(1<<30, 1); got != 1 {
		t.Fatalf("ProjectGiB(1 GiB, 1) = %v, want 1", got)
	}
	if got := ProjectGiB(-1, 1_000_000); got >= 0 {
		t.Fatalf("ProjectGiB(unknown) = %v, want negative", got)
	}
}

func TestRatio(t *testing.T) {
	if got := Ratio(2500, 10000); got != 0.25 {
		t.Fatalf("Ratio = %v, want 0.25", got)
	}
	if Ratio(-1, 10) >= 0 || Ratio(1, 0) >= 0 || Ratio(1, -1) >= 0 {
		t.Fatal("Ratio with an unknown side must be negative")
	}
}

func TestFanoutMedian(t *testing.T) {
	ms := time.Millisecond
	r := Result{Fanout: []time.Duration{9 * ms, 1 * ms, 5 * ms}}
	if got, ok := r.FanoutMedian(); !ok || got != 5*ms {
		t.Fatalf("odd median = %v, %v; want 5ms", got, ok)
	}
	if !slices.Equal(r.Fanout, []time.Duration{9 * ms, 1 * ms, 5 * ms}) {
		t.Fatal("FanoutMedian reordered the rounds")
	}
	r.Fanout = []time.Duration{4 * ms, 2 * ms}
	if got, _ := r.FanoutMedian(); got != 3*ms {
		t.Fatalf("even median = %v, want 3ms", got)
	}
	if _, ok := (Result{}).FanoutMedian(); ok {
		t.Fatal("median of no rounds reported as known")
	}
}

func TestSharesSplitEvenlyWithinPerWorker(t *testing.T) {
	for _, tc := range []struct {
		conns, perWorker int
		want             []int
	}{
		{10000, 6500, []int{5000, 5000}},
		{19000, 6500, []int{6334, 6333, 6333}},
		{6500, 6500, []int{6500}},
		{1, 6500, []int{1}},
	} {
		got := fleetPlan{conns: tc.conns, perWorker: tc.perWorker}.shares()
		if !slices.Equal(got, tc.want) {
			t.Errorf("shares(%d, %d) = %v, want %v", tc.conns, tc.perWorker, got, tc.want)
		}
	}
}

func TestSourceAddrSkipsServerAndCarries(t *testing.T) {
	for index, want := range map[int]string{0: "127.0.0.2", 1: "127.0.0.3", 253: "127.0.0.255", 254: "127.0.1.0"} {
		if got := sourceAddr(index); !got.Equal(net.ParseIP(want)) {
			t.Errorf("sourceAddr(%d) = %v, want %s", index, got, want)
		}
	}
}

func TestMsgSize(t *testing.T) {
	for line, want := range map[string]int{
		"MSG bench.all 1 9\r\n":          9,
		"MSG bench.all 1 _INBOX.x 0\r\n": 0,
	} {
		if got, err := msgSize([]byte(line)); err != nil || got != want {
			t.Errorf("msgSize(%q) = %d, %v; want %d", line, got, err, want)
		}
	}
	if _, err := msgSize([]byte("MSG bench.all 1 x\r\n")); err == nil {
		t.Error("msgSize accepted a non-numeric size")
	}
}

func TestBusyPercent(t *testing.T) {
	before := cpuTicks{total: 1000, idle: 900}
	after := cpuTicks{total: 1200, idle: 1050} // 200 ticks, 150 of them idle
	if got := busyPercent(before, after); got != 25 {
		t.Fatalf("busyPercent = %v, want 25", got)
	}
	if got := busyPercent(after, after); got >= 0 {
		t.Fatalf("busyPercent over no ticks = %v, want negative", got)
	}
}

func TestReportShowsTLSRowsWithTheirOwnRatio(t *testing.T) {
	row := func(server string, tls bool, perConn int64) Result {
		return Result{Server: server, TLS: tls, N: 1000, Connected: 1000, RSSBefore: 10 << 20,
			RSSAfter: 10<<20 + 1000*perConn, Kernel: KernelMemory{PerSocket: 0, Method: "ss skmem"}}
	}
	rep := Report{Config: Config{Counts: []int{1000}, TLS: true}, Projection: 1_000_000, Results: []Result{
		row("reactor", false, 2048), row("nats-server", false, 49152),
		row("reactor", true, 8192), row("nats-server", true, 81920),
	}}
	md := rep.Markdown()
	for _, want := range []string{
		"| reactor (TLS) | 1000 |",
		"| nats-server (TLS) | 1000 |",
		"- N=1000: 2.00 KiB / 48.00 KiB = **0.042**",
		"- N=1000 over TLS: 8.00 KiB / 80.00 KiB = **0.100** (1/10.0) — target met",
		"- N=1000: reactor +6.00 KiB, nats-server +32.00 KiB",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	rep.Config.TLS = false
	rep.Results = rep.Results[:2]
	if md := rep.Markdown(); strings.Contains(md, "TLS") {
		t.Errorf("a plaintext run mentions TLS:\n%s", md)
	}
}
