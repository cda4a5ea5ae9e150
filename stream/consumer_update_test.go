package stream_test

import (
	"testing"
)

// Changing an existing consumer, request by request on reactor and on the reference: which fields an
// update may change and nats-server's error for each that it may not; a create with a different
// configuration; an update without an action and through DURABLE.CREATE.
func TestConsumerUpdateRulesMatchReference(t *testing.T) {
	t.Parallel()
	compareConsumerAnswers(t, nil, consumerUpdateCases)
}

var consumerUpdateCases = []consumerConfigCase{
	{"pull consumer", "CREATE.F.P", `{"durable_name":"P","ack_policy":"explicit"}`},
	{"push consumer", "CREATE.F.Q", `{"durable_name":"Q","ack_policy":"explicit","deliver_subject":"dq.a"}`},
	{"deliver policy", "CREATE.F.P", `{"durable_name":"P","ack_policy":"explicit","deliver_policy":"new"}|update`},
	{"start sequence", "CREATE.F.P", `{"durable_name":"P","ack_policy":"explicit","deliver_policy":"by_start_sequence","opt_start_seq":2}|update`},
	{"ack policy", "CREATE.F.P", `{"durable_name":"P","ack_policy":"all"}|update`},
	{"ack policy none", "CREATE.F.P", `{"durable_name":"P","ack_policy":"none"}|update`},
	{"max waiting", "CREATE.F.P", `{"durable_name":"P","ack_policy":"explicit","max_waiting":10}|update`},
	{"pull to push", "CREATE.F.P", `{"durable_name":"P","ack_policy":"explicit","deliver_subject":"dq.x"}|update`},
	{"storage", "CREATE.F.P", `{"durable_name":"P","ack_policy":"explicit","mem_storage":true}|update`},
	{"description", "CREATE.F.P", `{"durable_name":"P","ack_policy":"explicit","description":"x"}|update`},
	{"ack wait", "CREATE.F.P", `{"durable_name":"P","ack_policy":"explicit","ack_wait":5000000000}|update`},
	{"max deliver", "CREATE.F.P", `{"durable_name":"P","ack_policy":"explicit","max_deliver":3}|update`},
	{"max ack pending", "CREATE.F.P", `{"durable_name":"P","ack_policy":"explicit","max_ack_pending":5}|update`},
	{"headers only", "CREATE.F.P", `{"durable_name":"P","ack_policy":"explicit","headers_only":true}|update`},
	{"filter", "CREATE.F.P", `{"durable_name":"P","ack_policy":"explicit","filter_subject":"f.x"}|update`},
	{"request limits", "CREATE.F.P", `{"durable_name":"P","ack_policy":"explicit","max_batch":5,"max_expires":5000000000,"max_bytes":100}|update`},
	{"inactive threshold", "CREATE.F.P", `{"durable_name":"P","ack_policy":"explicit","inactive_threshold":5000000000}|update`},
	{"metadata", "CREATE.F.P", `{"durable_name":"P","ack_policy":"explicit","metadata":{"a":"b"}}|update`},
	{"sample frequency", "CREATE.F.P", `{"durable_name":"P","ack_policy":"explicit","sample_freq":"50%"}|update`},
	{"create differs", "CREATE.F.P", `{"durable_name":"P","ack_policy":"explicit","description":"y"}|create`},
	{"no action, ack policy", "CREATE.F.P", `{"durable_name":"P","ack_policy":"all"}`},
	{"durable create, ack policy", "DURABLE.CREATE.F.P", `{"durable_name":"P","ack_policy":"all"}`},
	{"deliver subject", "CREATE.F.Q", `{"durable_name":"Q","ack_policy":"explicit","deliver_subject":"dq.b"}|update`},
	{"deliver group", "CREATE.F.Q", `{"durable_name":"Q","ack_policy":"explicit","deliver_subject":"dq.b","deliver_group":"g"}|update`},
	{"heartbeat", "CREATE.F.Q", `{"durable_name":"Q","ack_policy":"explicit","deliver_subject":"dq.b","idle_heartbeat":1000000000}|update`},
	{"flow control", "CREATE.F.Q", `{"durable_name":"Q","ack_policy":"explicit","deliver_subject":"dq.b","idle_heartbeat":1000000000,"flow_control":true}|update`},
	{"push to pull", "CREATE.F.Q", `{"durable_name":"Q","ack_policy":"explicit"}|update`},
	{"update missing", "CREATE.F.NOPE", `{"durable_name":"NOPE","ack_policy":"explicit"}|update`},
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
