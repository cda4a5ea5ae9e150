package stream

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// The publish scenarios: each opens a stream and publishes, expecting the pub-ack byte for byte.
// Every expected ack and state here was produced by nats-server v2.15.2: run
//
//	nats-server -js -sd $(mktemp -d) -p 4333 &
//	STREAM_REFERENCE=nats://127.0.0.1:4333 go test ./stream -run TestPublishScenariosAgainstReference
//
// to replay them against it (the test is skipped without STREAM_REFERENCE). Where several checks
// fail at once the expected error shows nats-server's order of checks.
var publishScenarios = []struct {
	name  string
	cfg   string
	steps []pubStep
}{
	{"expected headers", `{"name":"E","subjects":["e.>"],"storage":"memory"}`, []pubStep{
		pub("e.a", "x", `{"stream":"E","seq":1}`),
		pub("e.a", "x", `{"stream":"E","seq":2}`, "Nats-Msg-Id: 1"),
		pub("e.a", "x", `{"stream":"E","seq":2,"duplicate": true}`, "Nats-Msg-Id: 1"),
		pub("e.a", "x", ok("E", 3), "Nats-Expected-Stream: E"),
		pub("e.a", "x", `{"error":{"code":400,"err_code":10060,"description":"expected stream does not match"},"stream":"E","seq":0}`,
			"Nats-Expected-Stream: F"),
		pub("e.a", "x", ok("E", 4), "Nats-Expected-Last-Sequence: 3"),
		pub("e.a", "x", `{"error":{"code":400,"err_code":10071,"description":"wrong last sequence: 4"},"stream":"E","seq":0}`,
			"Nats-Expected-Last-Sequence: 3"),
		pub("e.a", "x", wrongLast("E", 4), "Nats-Expected-Last-Sequence: abc"),
		pub("e.a", "x", wrongLast("E", 4), "Nats-Expected-Last-Sequence: -1"),
		pub("e.a", "x", ok("E", 5), "Nats-Expected-Last-Sequence: "),
		pub("e.b", "x", ok("E", 6), "Nats-Expected-Last-Subject-Sequence: 0"),
		pub("e.b", "x", wrongLast("E", 6), "Nats-Expected-Last-Subject-Sequence: 0"),
		pub("e.c", "x", ok("E", 7), "Nats-Expected-Last-Subject-Sequence: 6",
			"Nats-Expected-Last-Subject-Sequence-Subject: e.b"),
		pub("e.c", "x", wrongLast("E", 7), "Nats-Expected-Last-Subject-Sequence: 5",
			"Nats-Expected-Last-Subject-Sequence-Subject: e.*"),
		pub("e.c", "x", fail("E", 400, 10193, "missing sequence for expected last sequence per subject"),
			"Nats-Expected-Last-Subject-Sequence-Subject: e.b", "Nats-Expected-Last-Sequence: 1"),
		// Both wrong: the subject's sequence is checked first.
		pub("e.b", "x", wrongLast("E", 6), "Nats-Expected-Last-Sequence: 1", "Nats-Expected-Last-Subject-Sequence: 1"),
		pub("e.a", "x", `{"error":{"code":400,"err_code":10070,"description":"wrong last msg ID: "},"stream":"E","seq":0}`,
			"Nats-Expected-Last-Msg-Id: 1"),
		pub("e.a", "x", ok("E", 8), "Nats-Msg-Id: 2"),
		pub("e.a", "x", ok("E", 9), "Nats-Expected-Last-Msg-Id: 2"),
		pub("e.a", "x", fail("E", 400, 10070, "wrong last msg ID: "), "Nats-Expected-Last-Msg-Id: 2"),
		pub("e.a", "x", ok("E", 10), "Nats-Msg-Id: 3"),
		pub("e.a", "x", dup("E", 10), "Nats-Expected-Last-Msg-Id: 3", "Nats-Msg-Id: 3"),
		pub("e.a", "x", fail("E", 400, 10070, "wrong last msg ID: 3"), "Nats-Expected-Last-Msg-Id: q", "Nats-Msg-Id: 4"),
		pub("e.a", "x", ok("E", 11), "Nats-Msg-Id: 4"),
		pub("e.a", "x", ok("E", 12), "nats-expected-stream: F"), // header names are case-sensitive
		state(12, 1, 12),
	}},
	{"order of checks", `{"name":"O","subjects":["o.>"],"storage":"memory"}`, []pubStep{
		pub("o.a", "x", ok("O", 1), "Nats-Msg-Id: m"),
		pub("o.a", "x", fail("O", 400, 10060, "expected stream does not match"), "Nats-Msg-Id: m", "Nats-Expected-Stream: X"),
		pub("o.a", "x", dup("O", 1), "Nats-Msg-Id: m", "Nats-Expected-Stream: O"),
		pub("o.a", "x", wrongLast("O", 1), "Nats-Msg-Id: m", "Nats-Expected-Last-Sequence: 7"),
		pub("o.a", "x", wrongLast("O", 1), "Nats-Msg-Id: m", "Nats-Expected-Last-Subject-Sequence: 7"),
		pub("o.a", "x", dup("O", 1), "Nats-Msg-Id: m", "Nats-Expected-Last-Msg-Id: zz"),
		pub("o.a", "x", dup("O", 1), "Nats-Msg-Id: m", "Nats-Rollup: sub"),
		pub("o.a", "x", fail("O", 400, 10166, "per-message TTL is disabled"), "Nats-Msg-Id: m", "Nats-TTL: 1s"),
		pub("o.a", "x", dup("O", 1), "Nats-Msg-Id: m", "Nats-TTL: abc"),
		pub("o.a", "x", fail("O", 400, 10060, "expected stream does not match"), "Nats-TTL: 1s", "Nats-Expected-Stream: X"),
		pub("o.a", "x", fail("O", 400, 10166, "per-message TTL is disabled"), "Nats-TTL: 1s", "Nats-Expected-Last-Sequence: 7"),
		pub("o.a", "x", fail("O", 400, 10166, "per-message TTL is disabled"), "Nats-TTL: never"),
		pub("o.a", "x", fail("O", 400, 10165, "invalid per-message TTL"), "Nats-TTL: abc"),
		pub("o.a", "x", fail("O", 400, 10165, "invalid per-message TTL"), "Nats-TTL: 0"),
		pub("o.a", "x", wrongLast("O", 1), "Nats-TTL: abc", "Nats-Expected-Last-Sequence: 7"),
		pub("o.a", "x", fail("O", 400, 10070, "wrong last msg ID: m"), "Nats-Rollup: foo", "Nats-Expected-Last-Msg-Id: zz"),
		pub("o.a", "x", `{"error":{"code":500,"err_code":10111,"description":"rollup not permitted"},"stream":"O","seq":0}`,
			"Nats-Rollup: foo"),
		pub("o.a", "x", fail("O", 500, 10111, "rollup not permitted"), "Nats-Rollup: sub", "Nats-TTL: abc"),
		pub("o.a", "", fail("O", 400, 10168, "message counters is disabled"), "Nats-Incr: 1"),
		pub("o.a", "x", fail("O", 400, 10174, "atomic publish is disabled"), "Nats-Batch-Id: b1", "Nats-Batch-Sequence: 1"),
		pub("o.a", "x", fail("O", 400, 10188, "message schedules is disabled"), "Nats-Schedule: @every 1s"),
		pub("o.a", "", fail("O", 400, 10097, "header size exceeds maximum allowed of 64k"),
			"Nats-Msg-Id: m", "Big: "+strings.Repeat("x", 70000)),
		state(1, 1, 1),
	}},
	{"rollup and ttl", `{"name":"R","subjects":["r.>"],"storage":"memory","allow_rollup_hdrs":true,"allow_msg_ttl":true}`, []pubStep{
		pub("r.a", "x", ok("R", 1)),
		pub("r.a", "x", ok("R", 2)),
		pub("r.b", "x", ok("R", 3)),
		pub("r.a", "x", ok("R", 4), "Nats-Rollup: sub"),
		state(2, 3, 4),
		pub("r.c", "x", ok("R", 5), "Nats-Rollup: all"),
		state(1, 5, 5),
		pub("r.c", "x", `{"error":{"code":500,"err_code":10111,"description":"rollup value invalid: \"foo\""},"stream":"R","seq":0}`,
			"Nats-Rollup: foo"),
		pub("r.c", "x", ok("R", 6), "Nats-Rollup: SUB"),
		pub("r.c", "x", ok("R", 7), "Nats-Rollup: "),
		state(2, 6, 7),
		pub("r.c", "x", fail("R", 500, 10111, `rollup value invalid: "foo"`), "Nats-Rollup: foo", "Nats-TTL: abc"),
		pub("r.c", "x", fail("R", 400, 10165, "invalid per-message TTL"), "Nats-Rollup: all", "Nats-TTL: abc"),
		pub("r.t", "x", ok("R", 8), "Nats-TTL: 1h"),
		pub("r.t", "x", ok("R", 9), "Nats-TTL: 5m"),
		pub("r.t", "x", ok("R", 10), "Nats-TTL: never"),
		pub("r.t", "x", ok("R", 11), "Nats-TTL: Never"),
		pub("r.t", "x", ok("R", 12), "Nats-TTL: 3600"),
		pub("r.t", "x", ok("R", 13), "Nats-TTL: 1h2m"),
		pub("r.t", "x", ok("R", 14), "Nats-TTL: 1.5s"),
		pub("r.t", "x", ok("R", 15), "Nats-TTL: "),
		pub("r.t", "x", fail("R", 400, 10165, "invalid per-message TTL"), "Nats-TTL: 0"),
		pub("r.t", "x", fail("R", 400, 10165, "invalid per-message TTL"), "Nats-TTL: -1"),
		pub("r.t", "x", fail("R", 400, 10165, "invalid per-message TTL"), "Nats-TTL: 500ms"),
		pub("r.t", "x", fail("R", 400, 10165, "invalid per-message TTL"), "Nats-TTL: 0s"),
		pub("r.t", "x", fail("R", 400, 10165, "invalid per-message TTL"), "Nats-TTL: -5s"),
		pub("r.t", "x", fail("R", 400, 10165, "invalid per-message TTL"), "Nats-TTL: 1S"),
	}},
	{"max_msgs discard new", `{"name":"L1","subjects":["l1.>"],"storage":"memory","max_msgs":2,"discard":"new"}`, []pubStep{
		pub("l1.a", "x", ok("L1", 1), "Nats-Msg-Id: m"),
		pub("l1.a", "x", ok("L1", 2)),
		pub("l1.a", "x", `{"error":{"code":503,"err_code":10077,"description":"maximum messages exceeded"},"stream":"L1","seq":0}`),
		pub("l1.a", "x", fail("L1", 503, 10077, "maximum messages exceeded"), "Nats-Msg-Id: n"),
		pub("l1.a", "x", dup("L1", 1), "Nats-Msg-Id: m"),
		pub("l1.a", "x", fail("L1", 400, 10070, "wrong last msg ID: "), "Nats-Expected-Last-Msg-Id: m"),
		state(2, 1, 2),
	}},
	{"max_bytes discard new", `{"name":"L2","subjects":["l2.>"],"storage":"memory","max_bytes":100,"discard":"new"}`, []pubStep{
		pub("l2.a", strings.Repeat("d", 40), ok("L2", 1)),
		pub("l2.a", strings.Repeat("d", 40), fail("L2", 503, 10077, "maximum bytes exceeded")),
		state(1, 1, 1),
	}},
	{"max_msgs before max_bytes", `{"name":"L8","subjects":["l8.>"],"storage":"memory","max_msgs":2,"max_bytes":100,"discard":"new"}`, []pubStep{
		pub("l8.a", "x", ok("L8", 1)),
		pub("l8.a", "x", ok("L8", 2)),
		pub("l8.a", strings.Repeat("y", 200), fail("L8", 503, 10077, "maximum messages exceeded")),
	}},
	{"one message beyond max_bytes, discard new", `{"name":"L7","subjects":["l7.>"],"storage":"memory","max_bytes":100,"discard":"new"}`, []pubStep{
		pub("l7.a", strings.Repeat("y", 200), fail("L7", 503, 10077, "maximum bytes exceeded")),
	}},
	{"max_bytes discard old", `{"name":"L6","subjects":["l6.>"],"storage":"memory","max_bytes":100}`, []pubStep{
		pub("l6.a", strings.Repeat("d", 40), ok("L6", 1)),
		pub("l6.a", strings.Repeat("d", 40), ok("L6", 2)),
		state(1, 2, 2),
		// A message larger than max_bytes is stored and acknowledged, then dropped with everything else.
		pub("l6.a", strings.Repeat("y", 200), ok("L6", 3)),
		state(0, 4, 3),
	}},
	{"per subject, discard new not per subject", `{"name":"L3","subjects":["l3.>"],"storage":"memory","max_msgs_per_subject":1,"discard":"new"}`, []pubStep{
		pub("l3.a", "x", ok("L3", 1)),
		pub("l3.a", "x", ok("L3", 2)),
		state(1, 2, 2),
	}},
	{"discard_new_per_subject", `{"name":"L4","subjects":["l4.>"],"storage":"memory","max_msgs_per_subject":1,"discard":"new","discard_new_per_subject":true}`, []pubStep{
		pub("l4.a", "x", ok("L4", 1)),
		pub("l4.a", "x", fail("L4", 503, 10077, "maximum messages per subject exceeded")),
		pub("l4.b", "x", ok("L4", 2)),
		state(2, 1, 2),
	}},
	{"max_msgs and per subject, discard old", `{"name":"L5","subjects":["l5.>"],"storage":"memory","max_msgs":2,"max_msgs_per_subject":1}`, []pubStep{
		pub("l5.a", "x", ok("L5", 1)),
		pub("l5.a", "x", ok("L5", 2)),
		pub("l5.b", "x", ok("L5", 3)),
		pub("l5.c", "x", ok("L5", 4)),
		state(2, 3, 4),
	}},
	{"rollup does not make room", `{"name":"Q5","subjects":["q5.>"],"storage":"memory","max_msgs":1,"discard":"new","allow_rollup_hdrs":true}`, []pubStep{
		pub("q5.a", "x", ok("Q5", 1)),
		pub("q5.a", "x", fail("Q5", 503, 10077, "maximum messages exceeded"), "Nats-Rollup: sub"),
		pub("q5.b", "x", fail("Q5", 503, 10077, "maximum messages exceeded"), "Nats-Rollup: all"),
		pub("q5.b", "x", fail("Q5", 500, 10111, `rollup value invalid: "x"`), "Nats-Rollup: x"),
	}},
	{"max_msg_size", `{"name":"M","subjects":["m.>"],"storage":"memory","max_msg_size":40}`, []pubStep{
		pub("m.a", strings.Repeat("d", 40), ok("M", 1)),
		pub("m.a", strings.Repeat("d", 41), fail("M", 400, 10054, "message size exceeds maximum allowed")),
		// Headers count (this block is 28 bytes), the subject does not; size comes before anything else.
		pub("m.a", "x", ok("M", 2), "Nats-Msg-Id: m"),
		pub("m.a", strings.Repeat("d", 12), dup("M", 2), "Nats-Msg-Id: m"),
		pub("m.a", strings.Repeat("d", 13), fail("M", 400, 10054, "message size exceeds maximum allowed"), "Nats-Msg-Id: m"),
		pub("m.a", strings.Repeat("d", 41), fail("M", 400, 10054, "message size exceeds maximum allowed"), "Nats-Expected-Stream: X"),
		state(2, 1, 2),
	}},
	{"sealed", `{"name":"SE","subjects":["se.>"],"storage":"memory","max_msg_size":10}`, []pubStep{
		pub("se.a", "x", ok("SE", 1)),
		update(`{"name":"SE","subjects":["se.>"],"storage":"memory","max_msg_size":10,"sealed":true}`),
		pub("se.a", "x", fail("SE", 400, 10109, "invalid operation on sealed stream")),
		pub("se.a", "12345678901", fail("SE", 400, 10109, "invalid operation on sealed stream"), "Nats-Expected-Stream: X"),
		state(1, 1, 1),
	}},
	{"interest without consumers", `{"name":"I","subjects":["i.>"],"storage":"memory","retention":"interest"}`, []pubStep{
		pub("i.a", "x", ok("I", 1)),
		pub("i.a", "x", ok("I", 2), "Nats-Msg-Id: m"),
		pub("i.a", "x", dup("I", 2), "Nats-Msg-Id: m"),
		pub("i.a", "x", ok("I", 3), "Nats-Expected-Last-Sequence: 2"),
		state(0, 4, 3),
	}},
	{"workqueue", `{"name":"W","subjects":["w.>"],"storage":"memory","retention":"workqueue"}`, []pubStep{
		pub("w.a", "x", ok("W", 1)),
		state(1, 1, 1),
	}},
	{"first_seq", `{"name":"F","subjects":["f.>"],"storage":"memory","first_seq":100}`, []pubStep{
		pub("f.a", "x", ok("F", 100), "Nats-Expected-Last-Sequence: 99"),
		state(1, 100, 100),
	}},
}

// pubStep is a publish and its pub-ack, or a check of the stream's state, or a configuration update.
type pubStep struct {
	subject, data string
	hdrs          []string
	want          string
	state         *[3]uint64 // messages, first_seq, last_seq
	update        string
}

func pub(subject, data, want string, hdrs ...string) pubStep {
	return pubStep{subject: subject, data: data, want: want, hdrs: hdrs}
}
func state(msgs, first, last uint64) pubStep { return pubStep{state: &[3]uint64{msgs, first, last}} }
func update(cfg string) pubStep              { return pubStep{update: cfg} }

func ok(stream string, seq uint64) string {
	return `{"stream":"` + stream + `","seq":` + strconv.FormatUint(seq, 10) + `}`
}
func dup(stream string, seq uint64) string {
	return `{"stream":"` + stream + `","seq":` + strconv.FormatUint(seq, 10) + `,"duplicate": true}`
}
func fail(stream string, code, errCode int, desc string) string {
	d, _ := json.Marshal(desc)
	return fmt.Sprintf(`{"error":{"code":%d,"err_code":%d,"description":%s},"stream":"%s","seq":0}`, code, errCode, d, stream)
}
func wrongLast(stream string, seq uint64) string {
	return fail(stream, 400, 10071, "wrong last sequence: "+strconv.FormatUint(seq, 10))
}

func TestPublishScenarios(t *testing.T) {
	for _, sc := range publishScenarios {
		t.Run(sc.name, func(t *testing.T) {
			ts := openTestStream(t, sc.cfg, nil)
			for i, step := range sc.steps {
				switch {
				case step.update != "":
					var cfg Config
					if err := json.Unmarshal([]byte(step.update), &cfg); err != nil {
						t.Fatal(err)
					}
					if err := ts.Update(cfg); err != nil {
						t.Fatalf("step %d: update: %v", i, err)
					}
				case step.state != nil:
					st := ts.store.State()
					if got := [3]uint64{st.Msgs, st.FirstSeq, st.LastSeq}; got != *step.state {
						t.Fatalf("step %d: state (msgs, first, last) %v, want %v", i, got, *step.state)
					}
				default:
					if got := ts.publish(t, step.subject, step.data, step.hdrs...); got != step.want {
						t.Fatalf("step %d: publish %s %q:\n got %s\nwant %s", i, step.subject, step.hdrs, got, step.want)
					}
				}
			}
		})
	}
}

// TestPublishScenariosAgainstReference replays the scenarios against a running nats-server, to show
// that what they expect is what nats-server answers.
func TestPublishScenariosAgainstReference(t *testing.T) {
	url := os.Getenv("STREAM_REFERENCE")
	if url == "" {
		t.Skip("STREAM_REFERENCE (the URL of a nats-server -js) not set")
	}
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	api := func(subject string, body string) []byte {
		t.Helper()
		m, err := nc.Request(subject, []byte(body), 5*time.Second)
		if err != nil {
			t.Fatalf("%s: %v", subject, err)
		}
		return m.Data
	}
	for _, sc := range publishScenarios {
		t.Run(sc.name, func(t *testing.T) {
			var cfg Config
			if err := json.Unmarshal([]byte(sc.cfg), &cfg); err != nil {
				t.Fatal(err)
			}
			api("$JS.API.STREAM.DELETE."+cfg.Name, "")
			defer api("$JS.API.STREAM.DELETE."+cfg.Name, "")
			if resp := api("$JS.API.STREAM.CREATE."+cfg.Name, sc.cfg); strings.Contains(string(resp), `"error"`) {
				t.Fatalf("create: %s", resp)
			}
			for i, step := range sc.steps {
				switch {
				case step.update != "":
					if resp := api("$JS.API.STREAM.UPDATE."+cfg.Name, step.update); strings.Contains(string(resp), `"error"`) {
						t.Fatalf("step %d: update: %s", i, resp)
					}
				case step.state != nil:
					var info struct {
						State struct {
							Msgs  uint64 `json:"messages"`
							First uint64 `json:"first_seq"`
							Last  uint64 `json:"last_seq"`
						} `json:"state"`
					}
					if err := json.Unmarshal(api("$JS.API.STREAM.INFO."+cfg.Name, ""), &info); err != nil {
						t.Fatal(err)
					}
					if got := [3]uint64{info.State.Msgs, info.State.First, info.State.Last}; got != *step.state {
						t.Fatalf("step %d: state (msgs, first, last) %v, want %v", i, got, *step.state)
					}
				default:
					m := nats.NewMsg(step.subject)
					m.Data = []byte(step.data)
					for _, h := range step.hdrs {
						k, v, _ := strings.Cut(h, ": ")
						m.Header[k] = append(m.Header[k], v)
					}
					resp, err := nc.RequestMsg(m, 5*time.Second)
					if err != nil {
						t.Fatalf("step %d: %v", i, err)
					}
					if got := string(resp.Data); got != step.want {
						t.Fatalf("step %d: publish %s %q:\n got %s\nwant %s", i, step.subject, step.hdrs, got, step.want)
					}
				}
			}
		})
	}
}
