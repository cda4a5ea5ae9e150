package tlsconn

import (
	"runtime"
	"testing"
)

// idleSessionBytes measures the Go heap held per idle server session: n sessions after their handshake,
// their clients dropped, after a GC. With record set, each server first reads one full 16 KiB record from
// its client, which sizes crypto/tls's rawInput for good. The handshakes run in batches of linked pairs,
// in memory (no sockets), TLS 1.3 with crypto/tls's defaults and an ECDSA P-256 certificate.
func idleSessionBytes(tb testing.TB, n int, record bool) float64 {
	p := getPKI(tb)
	serverPool, clientPool := NewPool(0), NewPool(0)
	defer serverPool.Close()
	defer clientPool.Close()
	serverCfg := &Config{TLS: p.serverTLS(0)}
	clientTLS := p.clientTLS()
	clientTLS.DynamicRecordSizingDisabled = true // one 16 KiB record, not a train of small ones
	clientCfg := &Config{TLS: clientTLS}
	payload := randomBytes(16 << 10)

	servers := make([]*Session, 0, n)
	before := heapInUse()
	notified := make(chan struct{}, 1)
	for len(servers) < n {
		links := make([]*link, min(200, n-len(servers)))
		for i := range links {
			links[i] = newLinkOn(notified, tb, serverCfg, clientCfg, serverPool, clientPool, whole)
			if record {
				links[i].client.unsent = payload
			}
		}
		runLinksUntil(tb, "handshakes", links, func() bool {
			for _, l := range links {
				if !l.handshakeDone() || (record && len(l.server.received) < len(payload)) {
					return false
				}
			}
			return true
		})
		for _, l := range links {
			if l.server.s.in != nil || l.server.s.out != nil {
				tb.Fatal("an idle session holds a buffer of ours")
			}
			servers = append(servers, l.server.s)
		}
	}
	after := heapInUse()
	runtime.KeepAlive(servers)
	return float64(after-before) / float64(n)
}

func heapInUse() uint64 {
	var ms runtime.MemStats
	for range 2 { // the second GC empties sync.Pool's victim cache
		runtime.GC()
	}
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestIdleSessionMemory keeps the cost of an idle session in check; BenchmarkIdleSessions measures it at
// 10,000 sessions.
func TestIdleSessionMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("handshakes 200 sessions")
	}
	idle := idleSessionBytes(t, 100, false)
	afterRecord := idleSessionBytes(t, 100, true)
	t.Logf("heap per idle server session: %.0f B after the handshake, %.0f B after one 16 KiB record", idle, afterRecord)
	if idle > 12<<10 || afterRecord > idle+24<<10 {
		t.Fatalf("idle sessions cost %.0f B, %.0f B after a 16 KiB record", idle, afterRecord)
	}
}

// BenchmarkIdleSessions reports the heap per idle server session for 10,000 sessions (run with
// -benchtime=1x; each iteration handshakes 20,000 pairs).
func BenchmarkIdleSessions(b *testing.B) {
	for range b.N {
		b.ReportMetric(idleSessionBytes(b, 10000, false), "B/idle-session")
		b.ReportMetric(idleSessionBytes(b, 10000, true), "B/session-after-16KiB-record")
	}
}
