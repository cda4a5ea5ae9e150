package stream

import (
	"testing"
	"time"
)

// deliveryCalls counts the Send calls with a message to subject, and the messages.
func (e *apiEnv) deliveryCalls(subject string) (calls, msgs int) {
	for _, call := range e.host.sendCalls() {
		n := 0
		for _, m := range call {
			if m.Subject == subject {
				n++
			}
		}
		if n > 0 {
			calls++
			msgs += n
		}
	}
	return calls, msgs
}

// A run of acks (Request.More on all but the last) applies each ack at once but has the consumer deliver
// what they freed once, at the run's end, in one Send; a run whose last request is not an ack of that
// consumer (a malformed subject here) still ends with its deliveries.
func TestAckRunDeliversOnceAtItsEnd(t *testing.T) {
	e := consumerEnv(t, `{"name":"S","subjects":["s.>"]}`, 9)
	e.request("$JS.API.CONSUMER.CREATE.S.P", `{"stream_name":"S","config":{"durable_name":"P","deliver_subject":"d","ack_policy":"explicit","max_ack_pending":3}}`)
	got := e.sentTo("d", 3, 5*time.Second)
	if len(got) != 3 {
		t.Fatalf("before acks: %d deliveries", len(got))
	}
	callsBefore, _ := e.deliveryCalls("d")
	acker := e.host.acker("A")
	var run Run
	for i, m := range got {
		acker(Request{Account: "A", Subject: m.Reply, More: i < len(got)-1, Run: &run})
		if i < len(got)-1 {
			if _, msgs := e.deliveryCalls("d"); msgs != 3 {
				t.Fatalf("after ack %d of the run: %d deliveries, want them put off", i+1, msgs)
			}
		}
	}
	calls, msgs := e.deliveryCalls("d")
	if msgs != 6 || calls != callsBefore+1 {
		t.Fatalf("after the run: %d deliveries in %d more Send calls, want 6 in one", msgs, calls-callsBefore)
	}
	if info := e.request("$JS.API.CONSUMER.INFO.S.P", ""); info["ack_floor"].(map[string]any)["stream_seq"] != 3.0 {
		t.Fatalf("ack floor after the run: %v", info["ack_floor"])
	}

	got = e.sentTo("d", 6, time.Second)[3:]
	acker(Request{Account: "A", Subject: got[0].Reply, More: true, Run: &run})
	acker(Request{Account: "A", Subject: got[1].Reply, More: true, Run: &run})
	acker(Request{Account: "A", Subject: "$JS.ACK.bad", Run: &run})
	if _, msgs := e.deliveryCalls("d"); msgs != 8 {
		t.Fatalf("after a run ending in a malformed ack: %d deliveries, want 8", msgs)
	}
	if len(run.owed) != 0 {
		t.Fatalf("the run still owes %d consumers", len(run.owed))
	}
}
