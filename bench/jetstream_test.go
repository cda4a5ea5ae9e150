package bench

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// jsStarters are the servers the JetStream harness tests run against: nats-server always, and reactor too
// once it serves the JetStream API (a stream can be created on it).
func jsStarters(t *testing.T) []Starter {
	reactorBin, natsBin := testBinaries(t)
	starters := Starters(reactorBin, natsBin)
	if err := servesJetStream(starters[0], t.TempDir()); err != nil {
		first, _, _ := strings.Cut(err.Error(), "\n")
		t.Logf("reactor left out: it does not serve JetStream yet: %s", first)
		return starters[1:]
	}
	return starters
}

// servesJetStream reports whether st, started with JetStream, creates a stream.
func servesJetStream(st Starter, dir string) error {
	srv, err := StartJetStream(st, dir)
	if err != nil {
		return err
	}
	defer srv.Stop()
	cs := newClients()
	defer cs.close()
	js, err := jsPublisher(cs, srv)
	if err != nil {
		return err
	}
	_, err = createStream(context.Background(), js, "PROBE", "probe", false)
	return err
}

// TestJetStreamRowsRunOnce runs every JetStream row once with small counts: each stores and acknowledges
// every message (runJetStreamPublish fails otherwise), each consumer row reads and acknowledges its
// messages (runConsume fails otherwise), and the round-trip rows have their percentiles.
func TestJetStreamRowsRunOnce(t *testing.T) {
	for _, st := range jsStarters(t) {
		srv, err := StartJetStream(st, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Stop()
		rows := 0
		for i, row := range Rows(0.01) {
			if !row.Kind.JetStream() {
				continue
			}
			rows++
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			sample, err := Run(ctx, []*Server{srv}, row, "bench.jstest.row"+strconv.Itoa(i))
			cancel()
			if err != nil {
				t.Fatalf("%s, %s: %v", row.Name, st.Name, err)
			}
			if sample.Msgs != row.Msgs || sample.Rate() <= 0 {
				t.Errorf("%s, %s: %d msgs at %.0f/s, want %d", row.Name, st.Name, sample.Msgs, sample.Rate(), row.Msgs)
			}
			if row.Kind.RoundTrips() && (sample.P50 <= 0 || sample.P99 < sample.P50) {
				t.Errorf("%s, %s: p50 %v p99 %v", row.Name, st.Name, sample.P50, sample.P99)
			}
		}
		if rows != 9 {
			t.Fatalf("%d JetStream rows, want 9", rows)
		}
	}
}

// TestJetStreamRowWithoutJetStreamServersFails: a JetStream row the matrix has no JetStream servers for
// fails with a reason instead of running against the plain servers.
func TestJetStreamRowWithoutJetStreamServersFails(t *testing.T) {
	row := Row{Name: "js", Kind: JSAsyncPublish, Payload: 16, Pubs: 1, Msgs: 10}
	_, err := MatrixConfig{}.targets([]*Server{{Name: "reactor"}, {Name: "nats-server"}}, row)
	if err != errNoJetStream {
		t.Fatalf("targets: %v, want %v", err, errNoJetStream)
	}
}

// TestJetStreamRecoveryMeasures fills a small store, restarts on it and measures: every restart finds
// every message, takes a positive time and has an RSS; the report's table gives both servers' figures.
func TestJetStreamRecoveryMeasures(t *testing.T) {
	starters := jsStarters(t)
	cfg := RecoveryConfig{Msgs: 5000, Payload: 128, Reps: 2, Timeout: 30 * time.Second, StoreDir: t.TempDir(),
		Progress: io.Discard}
	report := RunRecovery(context.Background(), starters, cfg)
	if len(report.Servers) != len(starters) {
		t.Fatalf("%d results for %d servers", len(report.Servers), len(starters))
	}
	for _, res := range report.Servers {
		if len(res.Errors) > 0 || res.Runs != cfg.Reps {
			t.Fatalf("%s: %d runs, errors %q", res.Server, res.Runs, res.Errors)
		}
		if res.Time <= 0 || res.Time > cfg.Timeout || res.RSS < 1<<20 || res.FillRate <= 0 {
			t.Fatalf("%s: recovered in %v with %d B RSS after a fill at %.0f msgs/s", res.Server, res.Time, res.RSS, res.FillRate)
		}
		// The store is a real one, left for the caller: the server wrote files under its directory.
		if entries, err := os.ReadDir(filepath.Join(cfg.StoreDir, "recovery-"+res.Server)); err != nil || len(entries) == 0 {
			t.Fatalf("%s: store directory: %v entries, %v", res.Server, len(entries), err)
		}
	}
	table := report.Table("reactor", "nats-server", cfg.Reps)
	if !strings.Contains(table, "recovery time") || !strings.Contains(table, "RSS after recovery") {
		t.Fatalf("table lacks its rows:\n%s", table)
	}
}

// TestJetStreamSectionGivesRatiosAndTargets: the section has the publish rows with their ratios and
// target, p99 only for the sync row, and the recovery table with ratios over the two servers.
func TestJetStreamSectionGivesRatiosAndTargets(t *testing.T) {
	async := Row{Name: "JetStream async publish, file, 128 B", Kind: JSAsyncPublish, Payload: 128, Pubs: 1, Msgs: 100}
	sync := Row{Name: "JetStream sync publish, file, 128 B", Kind: JSSyncPublish, Payload: 128, Pubs: 1, Msgs: 100}
	r := Report{Reps: 3, Subject: "reactor", Baseline: "nats-server",
		Rows: []RowResult{
			{Row: async, Servers: map[string]Summary{"reactor": {Rate: 300_000, Runs: 3}, "nats-server": {Rate: 200_000, Runs: 3}}},
			{Row: sync, Servers: map[string]Summary{
				"reactor":     {Rate: 9_000, P99: 200 * time.Microsecond, Runs: 3},
				"nats-server": {Rate: 10_000, P99: 400 * time.Microsecond, Runs: 3},
			}},
		},
		Recovery: &RecoveryReport{Msgs: 1_000_000, Payload: 128, Servers: []RecoveryResult{
			{Server: "reactor", Time: 300 * time.Millisecond, RSS: 100 << 20, FillRate: 250_000, Runs: 3},
			{Server: "nats-server", Time: 1500 * time.Millisecond, RSS: 50 << 20, FillRate: 200_000, Runs: 2,
				Errors: []string{"timed out"}},
		}},
	}
	// Compared with runs of spaces collapsed: the columns' padding is the table's business.
	section := strings.Join(strings.Fields(r.JetStreamSection()), " ")
	for _, want := range []string{
		"## JetStream",
		"| JetStream async publish, file, 128 B | 300,000 |",
		"| 1.50× | ≥ 1.0 | — |",
		"| 0.90× | ≥ 1.0 |",
		"| 0.50× |", // the sync row's p99 ratio
		"### Recovery of a stream of 1,000,000 messages of 128 B",
		"| recovery time | 300 ms | 1.50 s (2/3 runs) | 0.20× | ≤ 1.0 |",
		"| RSS after recovery | 100 MiB | 50 MiB (2/3 runs) | 2.00× | ≤ 1.0 |",
		"250,000 msgs/s",
	} {
		if !strings.Contains(section, want) {
			t.Errorf("section lacks %q:\n%s", want, section)
		}
	}
	if notes := strings.Join(r.notes(), "\n"); !strings.Contains(notes, "JetStream recovery, nats-server: a repetition failed: timed out") {
		t.Errorf("notes lack the failed restart:\n%s", notes)
	}
	if strings.Contains(r.ThroughputTable(), "JetStream") || r.LatencyTable() != "" {
		t.Errorf("JetStream rows leaked into the core tables:\n%s\n%s", r.ThroughputTable(), r.LatencyTable())
	}
}
