package stream_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Changing an existing consumer, request by request on reactor and on the reference: which fields an
// update may change and nats-server's error for each that it may not; a create with a different
// configuration; an update without an action and through DURABLE.CREATE.
func TestConsumerUpdateRulesMatchReference(t *testing.T) {
	t.Parallel()
	ncOurs, _ := runJetStream(t)
	ncTheirs, _ := referenceJetStream(t)
	ours, theirs := consumerUpdateAnswers(t, ncOurs), consumerUpdateAnswers(t, ncTheirs)
	for i := range ours {
		if ours[i] != theirs[i] {
			t.Errorf("%s\n  reactor:     %s\n  nats-server: %s", consumerUpdateCases[i].what, ours[i], theirs[i])
		}
	}
}

var consumerUpdateCases = []struct {
	what, subject, body string
}{
	{"pull consumer", "CREATE.U.P", `{"durable_name":"P","ack_policy":"explicit"}`},
	{"push consumer", "CREATE.U.Q", `{"durable_name":"Q","ack_policy":"explicit","deliver_subject":"dq.a"}`},
	{"deliver policy", "CREATE.U.P", `{"durable_name":"P","ack_policy":"explicit","deliver_policy":"new"}|update`},
	{"start sequence", "CREATE.U.P", `{"durable_name":"P","ack_policy":"explicit","deliver_policy":"by_start_sequence","opt_start_seq":2}|update`},
	{"ack policy", "CREATE.U.P", `{"durable_name":"P","ack_policy":"all"}|update`},
	{"ack policy none", "CREATE.U.P", `{"durable_name":"P","ack_policy":"none"}|update`},
	{"max waiting", "CREATE.U.P", `{"durable_name":"P","ack_policy":"explicit","max_waiting":10}|update`},
	{"pull to push", "CREATE.U.P", `{"durable_name":"P","ack_policy":"explicit","deliver_subject":"dq.x"}|update`},
	{"storage", "CREATE.U.P", `{"durable_name":"P","ack_policy":"explicit","mem_storage":true}|update`},
	{"description", "CREATE.U.P", `{"durable_name":"P","ack_policy":"explicit","description":"x"}|update`},
	{"ack wait", "CREATE.U.P", `{"durable_name":"P","ack_policy":"explicit","ack_wait":5000000000}|update`},
	{"max deliver", "CREATE.U.P", `{"durable_name":"P","ack_policy":"explicit","max_deliver":3}|update`},
	{"max ack pending", "CREATE.U.P", `{"durable_name":"P","ack_policy":"explicit","max_ack_pending":5}|update`},
	{"headers only", "CREATE.U.P", `{"durable_name":"P","ack_policy":"explicit","headers_only":true}|update`},
	{"filter", "CREATE.U.P", `{"durable_name":"P","ack_policy":"explicit","filter_subject":"u.x"}|update`},
	{"request limits", "CREATE.U.P", `{"durable_name":"P","ack_policy":"explicit","max_batch":5,"max_expires":5000000000,"max_bytes":100}|update`},
	{"inactive threshold", "CREATE.U.P", `{"durable_name":"P","ack_policy":"explicit","inactive_threshold":5000000000}|update`},
	{"metadata", "CREATE.U.P", `{"durable_name":"P","ack_policy":"explicit","metadata":{"a":"b"}}|update`},
	{"sample frequency", "CREATE.U.P", `{"durable_name":"P","ack_policy":"explicit","sample_freq":"50%"}|update`},
	{"create differs", "CREATE.U.P", `{"durable_name":"P","ack_policy":"explicit","description":"y"}|create`},
	{"no action, ack policy", "CREATE.U.P", `{"durable_name":"P","ack_policy":"all"}`},
	{"durable create, ack policy", "DURABLE.CREATE.U.P", `{"durable_name":"P","ack_policy":"all"}`},
	{"deliver subject", "CREATE.U.Q", `{"durable_name":"Q","ack_policy":"explicit","deliver_subject":"dq.b"}|update`},
	{"deliver group", "CREATE.U.Q", `{"durable_name":"Q","ack_policy":"explicit","deliver_subject":"dq.b","deliver_group":"g"}|update`},
	{"heartbeat", "CREATE.U.Q", `{"durable_name":"Q","ack_policy":"explicit","deliver_subject":"dq.b","idle_heartbeat":1000000000}|update`},
	{"flow control", "CREATE.U.Q", `{"durable_name":"Q","ack_policy":"explicit","deliver_subject":"dq.b","idle_heartbeat":1000000000,"flow_control":true}|update`},
	{"push to pull", "CREATE.U.Q", `{"durable_name":"Q","ack_policy":"explicit"}|update`},
	{"update missing", "CREATE.U.NOPE", `{"durable_name":"NOPE","ack_policy":"explicit"}|update`},
}

// consumerUpdateAnswers makes the requests on stream U and returns each answer's error, or what the
// consumer's configuration became.
func consumerUpdateAnswers(t *testing.T, nc *nats.Conn) []string {
	t.Helper()
	js, _ := jetstream.New(nc)
	if _, err := js.CreateStream(t.Context(), jetstream.StreamConfig{Name: "U", Subjects: []string{"u.>"}}); err != nil {
		t.Fatal(err)
	}
	var answers []string
	for _, tc := range consumerUpdateCases {
		cfg, action, _ := cutLast(tc.body, "|")
		body := fmt.Sprintf(`{"stream_name":"U","config":%s,"action":%q}`, cfg, action)
		msg, err := nc.Request("$JS.API.CONSUMER."+tc.subject, []byte(body), 5*time.Second)
		if err != nil {
			t.Fatalf("%s: %v", tc.what, err)
		}
		var resp struct {
			Error  *jetstream.APIError `json:"error"`
			Config map[string]any      `json:"config"`
		}
		if err := json.Unmarshal(msg.Data, &resp); err != nil {
			t.Fatalf("%s: %v in %s", tc.what, err, msg.Data)
		}
		if resp.Error != nil {
			answers = append(answers, fmt.Sprintf("error %d %d %q", resp.Error.Code, resp.Error.ErrorCode, resp.Error.Description))
			continue
		}
		delete(resp.Config, "metadata") // the server's version is in it
		answers = append(answers, fmt.Sprintf("ok %v", resp.Config))
	}
	return answers
}

// cutLast splits s around the last sep; without one, all of s is before.
func cutLast(s, sep string) (before, after string, found bool) {
	for i := len(s) - len(sep); i >= 0; i-- {
		if s[i:i+len(sep)] == sep {
			return s[:i], s[i+len(sep):], true
		}
	}
	return s, "", false
}
