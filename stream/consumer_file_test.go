package stream

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fileConsumerEnv is an apiEnv over dir with file stream S on s.> holding n messages m1..mn on s.a.
func fileConsumerEnv(t *testing.T, dir string, n int) *apiEnv {
	t.Helper()
	e := newAPIEnvAt(t, dir, Unlimited)
	mustSucceed(t, e.request("$JS.API.STREAM.CREATE.S", `{"name":"S","subjects":["s.>"]}`))
	for i := 1; i <= n; i++ {
		e.publish("s.a", nil, "m"+strconv.Itoa(i))
	}
	return e
}

func consumerStateDir(storeDir, consumer string) string {
	return filepath.Join(storeDir, "jetstream", "A", "streams", "S", obsDir, consumer)
}

// ackTokensOf returns a delivery's deliveries, stream and consumer sequence from its ack subject.
func ackTokensOf(t *testing.T, m Outbound) (deliveries, sseq, cseq string) {
	t.Helper()
	tokens := strings.Split(m.Reply, ".")
	if len(tokens) != 9 {
		t.Fatalf("ack subject %q", m.Reply)
	}
	return tokens[4], tokens[5], tokens[6]
}

// consumerProgress is what must survive a restart of a consumer's info.
func consumerProgress(info map[string]any) []any {
	return []any{info["config"], info["created"], info["delivered"], info["ack_floor"], info["num_ack_pending"], info["num_redelivered"]}
}

func TestDurableConsumerResumesAfterRestart(t *testing.T) {
	dir := t.TempDir()
	e := fileConsumerEnv(t, dir, 5)
	mustSucceed(t, e.request("$JS.API.CONSUMER.DURABLE.CREATE.S.D", `{"stream_name":"S","config":{"durable_name":"D","ack_policy":"explicit","ack_wait":1000000000}}`))
	mustSucceed(t, e.request("$JS.API.CONSUMER.CREATE.S.GONE", `{"stream_name":"S","config":{"durable_name":"GONE"}}`))
	got := e.sentTo(e.next("D", `{"batch":5}`), 5, 5*time.Second)
	if len(got) != 5 {
		t.Fatalf("delivered %d, want 5", len(got))
	}
	e.ack(got[2], "+ACK") // out of order: the floor stays at 0
	e.ack(got[0], "+ACK")
	before := mustSucceed(t, e.request("$JS.API.CONSUMER.INFO.S.D", ``))
	if af := before["ack_floor"].(map[string]any); af["stream_seq"] != 1.0 || before["num_ack_pending"] != 3.0 {
		t.Fatalf("before restart: %v", before)
	}
	mustSucceed(t, e.request("$JS.API.CONSUMER.DELETE.S.GONE", ``))
	e.mgr.Shutdown()

	again := newAPIEnvAt(t, dir, Unlimited)
	after := mustSucceed(t, again.request("$JS.API.CONSUMER.INFO.S.D", ``))
	if b, a := consumerProgress(before), consumerProgress(after); !reflect.DeepEqual(b, a) {
		t.Fatalf("after restart %v\nwant %v", a, b)
	}
	if names := again.request("$JS.API.CONSUMER.NAMES.S", ``)["consumers"].([]any); len(names) != 1 || names[0] != "D" {
		t.Fatalf("consumers after restart %v: want D alone (GONE was deleted)", names)
	}
	if _, err := os.Stat(consumerStateDir(dir, "GONE")); !os.IsNotExist(err) {
		t.Fatalf("a deleted consumer's directory remains: %v", err)
	}
	again.publish("s.a", nil, "m6")
	got = again.sentTo(again.next("D", `{"batch":4,"expires":10000000000}`), 4, 10*time.Second)
	if len(got) != 4 {
		t.Fatalf("after restart delivered %d, want 4", len(got))
	}
	want := [][3]string{{"1", "6", "6"}, {"2", "2", "7"}, {"2", "4", "8"}, {"2", "5", "9"}}
	for i, m := range got {
		d, s, c := ackTokensOf(t, m)
		if [3]string{d, s, c} != want[i] {
			t.Errorf("delivery %d: deliveries %s stream seq %s consumer seq %s, want %v", i, d, s, c, want[i])
		}
	}
}

func TestUnreadableConsumerIsSkipped(t *testing.T) {
	dir := t.TempDir()
	e := fileConsumerEnv(t, dir, 2)
	for _, name := range []string{"GOOD", "BADSTATE", "BADMETA", "NOSTATE"} {
		mustSucceed(t, e.request("$JS.API.CONSUMER.CREATE.S."+name, `{"stream_name":"S","config":{"durable_name":"`+name+`","ack_policy":"explicit"}}`))
	}
	e.mgr.Shutdown()
	if err := os.WriteFile(filepath.Join(consumerStateDir(dir, "BADSTATE"), consumerStateFile), []byte("{\"next_seq\":1}\n0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(consumerStateDir(dir, "BADMETA"), metaFile), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(consumerStateDir(dir, "NOSTATE"), consumerStateFile)); err != nil {
		t.Fatal(err)
	}

	again := newAPIEnvAt(t, dir, Unlimited)
	if names := again.request("$JS.API.CONSUMER.NAMES.S", ``)["consumers"].([]any); len(names) != 1 || names[0] != "GOOD" {
		t.Fatalf("consumers after restart %v: want GOOD alone", names)
	}
	if ack := again.publish("s.a", nil, "m3"); ack != `{"stream":"S","seq":3}` {
		t.Fatalf("publish after restart: %s", ack)
	}
	if got := again.sentTo(again.next("GOOD", `{"batch":3}`), 3, 5*time.Second); len(got) != 3 {
		t.Fatalf("GOOD delivered %d after restart, want 3", len(got))
	}
}

func TestConsumerStateSurvivesAKill(t *testing.T) {
	dir := t.TempDir()
	e := fileConsumerEnv(t, dir, 3)
	mustSucceed(t, e.request("$JS.API.CONSUMER.CREATE.S.D", `{"stream_name":"S","config":{"durable_name":"D","ack_policy":"explicit"}}`))
	got := e.sentTo(e.next("D", `{"batch":3}`), 3, 5*time.Second)
	if len(got) != 3 {
		t.Fatalf("delivered %d, want 3", len(got))
	}
	e.ack(got[0], "+ACK")
	e.ack(got[1], "+ACK")
	// Without Stop, the clock writes the state within stateWriteDelay.
	deadline := time.Now().Add(5 * time.Second)
	for {
		var st consumerState
		err := readChecked(consumerStateDir(dir, "D"), consumerStateFile, &st)
		if err == nil && st.AckFloor.Stream == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("state never written: %+v, %v", st, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	killed := t.TempDir()
	copyTree(t, dir, killed)

	again := newAPIEnvAt(t, killed, Unlimited)
	info := mustSucceed(t, again.request("$JS.API.CONSUMER.INFO.S.D", ``))
	delivered, floor := info["delivered"].(map[string]any), info["ack_floor"].(map[string]any)
	if delivered["stream_seq"] != 3.0 || delivered["consumer_seq"] != 3.0 || floor["stream_seq"] != 2.0 || floor["consumer_seq"] != 2.0 || info["num_ack_pending"] != 1.0 {
		t.Fatalf("after a kill: %v", info)
	}
}

// copyTree copies the files under from to to, as a kill -9 would leave them.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o750)
		}
		content, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, content, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A pause is part of the configuration: it holds across a restart, and the consumer delivers once it ends.
func TestConsumerPauseSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	e := fileConsumerEnv(t, dir, 1)
	mustSucceed(t, e.request("$JS.API.CONSUMER.DURABLE.CREATE.S.D", `{"stream_name":"S","config":{"durable_name":"D","ack_policy":"explicit"}}`))
	until := time.Now().Add(1500 * time.Millisecond).UTC()
	resp := mustSucceed(t, e.request("$JS.API.CONSUMER.PAUSE.S.D", `{"pause_until":"`+until.Format(time.RFC3339Nano)+`"}`))
	if resp["type"] != "io.nats.jetstream.api.v1.consumer_pause_response" || resp["paused"] != true {
		t.Fatalf("pause: %v", resp)
	}
	e.mgr.Shutdown()

	again := newAPIEnvAt(t, dir, Unlimited)
	info := mustSucceed(t, again.request("$JS.API.CONSUMER.INFO.S.D", ``))
	if info["paused"] != true || info["config"].(map[string]any)["pause_until"] != until.Format(time.RFC3339Nano) {
		t.Fatalf("after restart: paused %v, pause_until %v, want %s", info["paused"], info["config"].(map[string]any)["pause_until"], until)
	}
	reply := again.next("D", `{"batch":1,"expires":10000000000}`)
	got := again.sentTo(reply, 1, 10*time.Second)
	if len(got) != 1 || string(got[0].Data) != "m1" {
		t.Fatalf("after the pause: %d messages", len(got))
	}
	if time.Now().Before(until.Add(-100 * time.Millisecond)) {
		t.Fatalf("delivered before the pause ended (%v)", until)
	}
}

// A pending delivery keeps its ack_wait across a restart, counted from the delivery as on nats-server:
// one whose ack_wait ran out while the server was down is due at once, one still inside it is not.
func TestPendingDeliveryKeepsItsDeadlineAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	e := fileConsumerEnv(t, dir, 2)
	mustSucceed(t, e.request("$JS.API.CONSUMER.DURABLE.CREATE.S.SHORT", `{"stream_name":"S","config":{"durable_name":"SHORT","ack_policy":"explicit","ack_wait":1000000000}}`))
	mustSucceed(t, e.request("$JS.API.CONSUMER.DURABLE.CREATE.S.LONG", `{"stream_name":"S","config":{"durable_name":"LONG","ack_policy":"explicit","ack_wait":60000000000}}`))
	for _, name := range []string{"SHORT", "LONG"} {
		if got := e.sentTo(e.next(name, `{"batch":1}`), 1, 5*time.Second); len(got) != 1 {
			t.Fatalf("%s delivered %d, want 1", name, len(got))
		}
	}
	e.mgr.Shutdown()
	time.Sleep(1200 * time.Millisecond) // SHORT's ack_wait ends while the server is down

	again := newAPIEnvAt(t, dir, Unlimited)
	got := again.sentTo(again.next("SHORT", `{"batch":1,"no_wait":true}`), 1, 5*time.Second)
	if len(got) != 1 || got[0].Reply == "" {
		t.Fatalf("SHORT after restart: %+v, want message 1 again at once", got)
	}
	if d, s, _ := ackTokensOf(t, got[0]); d != "2" || s != "1" {
		t.Fatalf("SHORT redelivered deliveries %s stream seq %s, want 2 and 1", d, s)
	}
	got = again.sentTo(again.next("LONG", `{"batch":1,"no_wait":true}`), 1, 5*time.Second)
	if len(got) != 1 || got[0].Reply == "" {
		t.Fatalf("LONG after restart: %+v, want message 2 (1 is inside its ack_wait)", got)
	}
	if d, s, _ := ackTokensOf(t, got[0]); d != "1" || s != "2" {
		t.Fatalf("LONG delivered deliveries %s stream seq %s, want 1 and 2", d, s)
	}
}
