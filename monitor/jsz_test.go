package monitor

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/reactor-nats/reactor/reactor"
)

// runJetStreamFixture is runFixture with JetStream on a fresh store directory.
func runJetStreamFixture(t *testing.T) *fixture {
	t.Helper()
	return runFixture(t, reactor.Options{JetStream: &reactor.JetStreamOptions{StoreDir: t.TempDir()}})
}

// driveJetStream gives a server the same stream whichever it is: a memory stream S1 on foo.> holding
// three messages.
func driveJetStream(t *testing.T, clientURL string) {
	t.Helper()
	js, err := jetstream.New(connect(t, clientURL, "jetstream"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "S1", Subjects: []string{"foo.>"},
		Storage: jetstream.MemoryStorage}); err != nil {
		t.Fatalf("create stream: %v", err)
	}
	for range 3 {
		if _, err := js.Publish(ctx, "foo.a", []byte("hello")); err != nil {
			t.Fatalf("publish: %v", err)
		}
	}
}

func TestJetStreamShapesMatchReferenceServer(t *testing.T) {
	refClient, refBase := referenceServer(t, "-js", "-sd", t.TempDir())
	f := runJetStreamFixture(t)
	driveJetStream(t, refClient)
	driveJetStream(t, f.clientURL())
	for _, path := range []string{"/varz", "/jsz", "/jsz?accounts=true", "/jsz?accounts=true&streams=true", "/jsz?accounts=true&streams=true&config=true",
		"/accountz?acc=$G"} {
		t.Run(path, func(t *testing.T) {
			ref, ours := fetchShape(t, refBase+path), fetchShape(t, f.base+path)
			for _, problem := range compareShapes("$", ref, ours) {
				t.Error(problem)
			}
		})
	}
}

func TestJszReportsJetStreamUsage(t *testing.T) {
	f := runJetStreamFixture(t)
	driveJetStream(t, f.clientURL())
	var js JSInfo
	getJSON(t, f.base+"/jsz?accounts=true&streams=true&config=true", &js)
	opts := f.srv.JetStream().Options()
	if js.Disabled || js.ID != f.srv.ID() || js.Accounts != 1 || js.Streams != 1 || js.Messages != 3 || js.Bytes == 0 ||
		js.Config.StoreDir != opts.JetStreamDir() || js.Config.MaxMemory != opts.MaxMemory || js.Config.SyncInterval != 2*time.Minute {
		t.Fatalf("jsz: %+v", js)
	}
	if js.API.Total < 1 || js.API.Level == 0 {
		t.Errorf("api: %+v, want the stream create counted", js.API)
	}
	if len(js.AccountDetails) != 1 || js.TotalAccountsJS != 1 {
		t.Fatalf("account details: %+v", js.AccountDetails)
	}
	acct := js.AccountDetails[0]
	if acct.Name != "$G" || acct.ReservedMemory != ^uint64(0) || len(acct.Streams) != 1 {
		t.Fatalf("account $G: %+v", acct)
	}
	if s := acct.Streams[0]; s.Name != "S1" || s.State.Msgs != 3 || s.Config == nil || s.Config.Subjects[0] != "foo.>" {
		t.Fatalf("stream detail: %+v", s)
	}

	var v Varz
	getJSON(t, f.base+"/varz", &v)
	if v.JetStream.Config == nil || v.JetStream.Stats == nil || v.JetStream.Config.StoreDir != opts.JetStreamDir() ||
		v.JetStream.Stats.Accounts != 1 || v.JetStream.Stats.API.Total < 1 {
		t.Fatalf("varz jetstream: %+v", v.JetStream)
	}
	var az Accountz
	getJSON(t, f.base+"/accountz?acc=$G", &az)
	if az.Account == nil || !az.Account.JetStream {
		t.Fatalf("accountz $G: %+v, want jetstream_enabled", az.Account)
	}
}

func TestVarzJetStreamIsEmptyWhenOff(t *testing.T) {
	f := runFixture(t, reactor.Options{})
	status, body := get(t, f.base+"/varz")
	if status != 200 || !strings.Contains(body, `"jetstream": {}`) {
		t.Fatalf("varz: %d, want \"jetstream\": {} in %s", status, body)
	}
}

func TestMetricsExposeJetStreamUsage(t *testing.T) {
	f := runJetStreamFixture(t)
	if _, ok := scrape(t, runFixture(t, reactor.Options{}))["reactor_jetstream_streams"]; ok {
		t.Error("JetStream metrics from a server without JetStream")
	}
	driveJetStream(t, f.clientURL())
	families := scrape(t, f)
	for name, want := range map[string]float64{
		"reactor_jetstream_accounts": 1,
		"reactor_jetstream_streams":  1,
		"reactor_jetstream_messages": 3,
	} {
		if got := value(t, families, name); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	for _, name := range []string{"reactor_jetstream_bytes", "reactor_jetstream_memory_bytes", "reactor_jetstream_api_requests_total"} {
		if got := value(t, families, name); got <= 0 {
			t.Errorf("%s = %v, want more than 0", name, got)
		}
	}
	if got := value(t, families, "reactor_jetstream_storage_bytes"); got != 0 {
		t.Errorf("reactor_jetstream_storage_bytes = %v with only a memory stream", got)
	}
}
