package monitor

import (
	"net"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/reactor-nats/reactor/reactor"
)

func TestVarzCountersMatchTraffic(t *testing.T) {
	f := runFixture(t, reactor.Options{ServerName: "varz-test", MaxSubscriptions: 50, PingInterval: 30 * time.Second})
	pub := connect(t, f.clientURL(), "publisher")
	for _, name := range []string{"s1", "s2"} {
		subscribe(t, connect(t, f.clientURL(), name), "foo", "")
	}
	publish(t, pub, "foo", "12345", 10)

	var v Varz
	waitFor(t, "varz to count the traffic", func() bool {
		getJSON(t, f.base+"/varz", &v)
		return v.OutMsgs == 20 && v.InMsgs == 10 // each loop commits its own counters, in no set order
	})
	if v.InMsgs != 10 || v.InBytes != 50 || v.OutMsgs != 20 || v.OutBytes != 100 {
		t.Errorf("in %d/%dB out %d/%dB; want in 10/50B out 20/100B", v.InMsgs, v.InBytes, v.OutMsgs, v.OutBytes)
	}
	if v.InClientMsgs != v.InMsgs || v.InClientBytes != v.InBytes || v.OutClientMsgs != v.OutMsgs || v.OutClientBytes != v.OutBytes {
		t.Errorf("client totals differ from totals with only clients connected: %+v", v)
	}
	if v.Connections != 3 || v.TotalConnections != 3 || v.Subscriptions != 2 {
		t.Errorf("connections %d total %d subscriptions %d; want 3 3 2", v.Connections, v.TotalConnections, v.Subscriptions)
	}
	opts := f.srv.Options()
	if v.ID != f.srv.ID() || v.Name != "varz-test" || v.Version != reactor.ProtocolVersion || v.Proto != 1 ||
		v.GoVersion != runtime.Version() || v.Host != "127.0.0.1" || v.Port != f.srv.Port() {
		t.Errorf("identity: id %q name %q version %q proto %d go %q host %q port %d",
			v.ID, v.Name, v.Version, v.Proto, v.GoVersion, v.Host, v.Port)
	}
	if v.MaxConnections != opts.MaxConnections || v.MaxSubscriptions != 50 || v.MaxPayload != reactor.DefaultMaxPayload ||
		v.MaxPending != reactor.DefaultMaxPending || v.MaxControlLine != reactor.DefaultMaxControlLine ||
		v.PingInterval != 30*time.Second || v.MaxPingsOut != reactor.DefaultMaxPingsOut ||
		v.WriteDeadline != reactor.DefaultWriteDeadline {
		t.Errorf("limits: %+v", v)
	}
	_, monPort, _ := net.SplitHostPort(f.mon.Addr())
	if v.HTTPHost != "127.0.0.1" || strconv.Itoa(v.HTTPPort) != monPort {
		t.Errorf("http_host %q http_port %d, want 127.0.0.1 and %s", v.HTTPHost, v.HTTPPort, monPort)
	}
	if v.Mem <= 0 || v.Cores != runtime.NumCPU() || v.MaxProcs != runtime.GOMAXPROCS(0) || v.CPU < 0 {
		t.Errorf("process: mem %d cores %d gomaxprocs %d cpu %f", v.Mem, v.Cores, v.MaxProcs, v.CPU)
	}
	if v.SystemAccount != "$SYS" || v.Start != f.srv.StartTime().UTC() || v.ConfigLoadTime != f.srv.ConfigLoadTime().UTC() ||
		v.Now.Before(v.Start) || v.Uptime == "" {
		t.Errorf("times and system account: %+v", v)
	}
	if v.SlowConsumersStats.Clients != v.SlowConsumers || v.StaleConnectionStats.Clients != v.StaleConnections {
		t.Errorf("per-kind stats disagree with totals: %+v %+v", v.SlowConsumersStats, v.StaleConnectionStats)
	}
}

func TestVarzCountsRequestsPerEndpoint(t *testing.T) {
	f := runFixture(t, reactor.Options{})
	var v Varz
	getJSON(t, f.base+"/varz", &v)
	if v.HTTPReqStats["/varz"] != 1 {
		t.Errorf("first /varz counts itself %d times, want 1", v.HTTPReqStats["/varz"])
	}
	get(t, f.base+"/connz")
	get(t, f.base+"/subscriptionsz") // an alias, counted as /subsz as nats-server does
	get(t, f.base+"/subsz")
	getJSON(t, f.base+"/varz", &v)
	want := map[string]uint64{"/varz": 2, "/connz": 1, "/subsz": 2}
	for k, n := range want {
		if v.HTTPReqStats[k] != n {
			t.Errorf("http_req_stats[%s] = %d, want %d (all: %v)", k, v.HTTPReqStats[k], n, v.HTTPReqStats)
		}
	}
	if len(v.HTTPReqStats) != len(want) {
		t.Errorf("http_req_stats %v counts endpoints never asked for", v.HTTPReqStats)
	}
}

func TestVarzReportsTheAdvertisedClientAddress(t *testing.T) {
	f := runFixture(t, reactor.Options{ClientAdvertise: "example.com:4333"})
	var v Varz
	getJSON(t, f.base+"/varz", &v)
	if v.Host != "example.com" || v.Port != 4333 {
		t.Errorf("host %q port %d, want the advertised example.com 4333 as nats-server reports", v.Host, v.Port)
	}
}
