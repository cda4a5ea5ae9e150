package stream

import (
	"strings"
	"testing"
	"time"
)

// Push configurations are checked as nats-server checks them (codes and texts from the reference).
func TestPushConsumerConfigErrors(t *testing.T) {
	e := consumerEnv(t, `{"name":"S","subjects":["s.>"]}`, 0)
	create := func(cfg string) map[string]any {
		return e.request("$JS.API.CONSUMER.CREATE.S", `{"stream_name":"S","config":`+cfg+`}`)
	}
	wantErr(t, "max waiting", create(`{"deliver_subject":"d","max_waiting":5}`), 400, 10080, "consumer in push mode can not set max waiting")
	wantErr(t, "fc without hb", create(`{"deliver_subject":"d","flow_control":true}`), 400, 10108, "consumer with flow control also needs heartbeats")
	wantErr(t, "small hb", create(`{"deliver_subject":"d","idle_heartbeat":50000000}`), 400, 10083, "consumer idle heartbeat needs to be >= 100ms")
	wantErr(t, "pull hb", create(`{"idle_heartbeat":50000000}`), 400, 10088, "consumer idle heartbeat requires a push based consumer")
	wantErr(t, "wildcard", create(`{"deliver_subject":"d.*"}`), 400, 10079, "consumer deliver subject has wildcards")
	wantErr(t, "cycle", create(`{"deliver_subject":"s.x"}`), 400, 10081, "consumer deliver subject forms a cycle")
	wantErr(t, "durable on the ephemeral subject", create(`{"deliver_subject":"d","durable_name":"D"}`), 400, 10020,
		"consumer expected to be ephemeral but a durable name was set in request")
	wantErr(t, "last per subject without filter", create(`{"deliver_subject":"d","deliver_policy":"last_per_subject"}`), 400, 10094,
		"consumer delivery policy is deliver last per subject, but optional filter subject is not set")
	ok := create(`{"deliver_subject":"d","deliver_group":"g","flow_control":true,"idle_heartbeat":1000000000}`)
	if ok["error"] != nil {
		t.Fatalf("push consumer: %v", ok["error"])
	}
	if cfg := ok["config"].(map[string]any); cfg["max_waiting"] != nil || cfg["deliver_group"] != "g" {
		t.Fatalf("push consumer config %v", cfg)
	}
}

// A push consumer delivers what is stored and what comes later to its deliver subject, showing the
// stored subject with its ack subject; last_per_subject delivers each subject's last message first;
// headers_only leaves the payload out and says its size.
func TestPushConsumerDelivers(t *testing.T) {
	e := consumerEnv(t, `{"name":"S","subjects":["s.>"]}`, 0)
	e.publish("s.a", nil, "a1")
	e.publish("s.b", []byte("NATS/1.0\r\nFoo: bar\r\n\r\n"), "b1")
	e.publish("s.a", nil, "a2")
	resp := e.request("$JS.API.CONSUMER.CREATE.S", `{"stream_name":"S","config":{"deliver_subject":"d1","deliver_policy":"last_per_subject","filter_subject":"s.>"}}`)
	if resp["num_pending"] != 2.0 || resp["delivered"].(map[string]any)["stream_seq"] != 1.0 {
		t.Fatalf("last per subject consumer: %v", resp)
	}
	name := resp["name"].(string)
	e.publish("s.c", nil, "c1")
	got := e.sentTo("d1", 3, 5*time.Second)
	var seen []string
	for _, m := range got {
		seen = append(seen, m.MsgSubject+"="+string(m.Data)+" "+strings.TrimPrefix(m.Reply, "$JS.ACK.S."+name+"."))
	}
	if len(got) != 3 || !strings.HasPrefix(seen[0], "s.b=b1 1.2.1.") || !strings.HasPrefix(seen[1], "s.a=a2 1.3.2.") ||
		!strings.HasPrefix(seen[2], "s.c=c1 1.4.3.") || !strings.HasSuffix(seen[2], ".0") {
		t.Fatalf("delivered %q", seen)
	}

	e.request("$JS.API.CONSUMER.CREATE.S", `{"stream_name":"S","config":{"deliver_subject":"d2","headers_only":true}}`)
	got = e.sentTo("d2", 4, 5*time.Second)
	if len(got) != 4 || string(got[0].Hdr) != "NATS/1.0\r\nNats-Msg-Size: 2\r\n\r\n" || len(got[0].Data) != 0 ||
		string(got[1].Hdr) != "NATS/1.0\r\nFoo: bar\r\nNats-Msg-Size: 2\r\n\r\n" {
		t.Fatalf("headers only: %+v", got)
	}
}

// An explicit-ack push consumer stops at max_ack_pending and goes on when an ack frees room.
func TestPushConsumerMaxAckPending(t *testing.T) {
	e := consumerEnv(t, `{"name":"S","subjects":["s.>"]}`, 5)
	e.request("$JS.API.CONSUMER.CREATE.S", `{"stream_name":"S","config":{"deliver_subject":"d","ack_policy":"explicit","max_ack_pending":2}}`)
	got := e.sentTo("d", 2, 5*time.Second)
	if more := e.sentTo("d", 3, 200*time.Millisecond); len(got) != 2 || len(more) != 2 {
		t.Fatalf("before an ack: %d then %d deliveries", len(got), len(more))
	}
	e.ack(got[0], "")
	if got = e.sentTo("d", 3, 5*time.Second); len(got) != 3 || string(got[2].Data) != "m3" {
		t.Fatalf("after an ack: %+v", got)
	}
}

// Idle heartbeats carry the last delivered sequences; flow control asks after a window of bytes, stops
// a window later until answered (a stalled heartbeat names the request), and goes on when answered.
func TestPushConsumerHeartbeatsAndFlowControl(t *testing.T) {
	e := consumerEnv(t, `{"name":"S","subjects":["s.>"]}`, 1)
	e.request("$JS.API.CONSUMER.CREATE.S", `{"stream_name":"S","config":{"deliver_subject":"d","flow_control":true,"idle_heartbeat":100000000}}`)
	var hb Outbound
	for _, m := range e.sentTo("d", 2, 5*time.Second) {
		if m.Hdr != nil {
			hb = m
		}
	}
	if string(hb.Hdr) != "NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 1\r\nNats-Last-Stream: 1\r\n\r\n" || hb.Reply != "" {
		t.Fatalf("heartbeat %+v", hb)
	}
	big := strings.Repeat("x", 100_000)
	for range 25 {
		e.publish("s.big", nil, big)
	}
	var fc Outbound
	data := 0
	deadline := time.Now().Add(5 * time.Second)
	for stalled := false; !stalled; {
		if time.Now().After(deadline) {
			t.Fatalf("never stalled: %d deliveries, flow request %+v", data, fc)
		}
		data = 0
		for _, m := range e.sentTo("d", 0, 0) {
			switch {
			case strings.HasPrefix(string(m.Hdr), "NATS/1.0 100 FlowControl Request"):
				fc = m
			case strings.Contains(string(m.Hdr), "Nats-Consumer-Stalled: "):
				stalled = fc.Reply != "" && strings.Contains(string(m.Hdr), "Nats-Consumer-Stalled: "+fc.Reply+"\r\n")
			case m.Hdr == nil:
				data++
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.HasPrefix(fc.Reply, "$JS.FC.S.") || data >= 26 {
		t.Fatalf("flow request %+v after %d deliveries", fc, data)
	}
	e.host.flow("A")(Request{Account: "A", Subject: fc.Reply})
	deadline = time.Now().Add(5 * time.Second)
	for n := data; n < 26; {
		if time.Now().After(deadline) {
			t.Fatalf("after the answer %d deliveries, want 26", n)
		}
		n = 0
		for _, m := range e.sentTo("d", 0, 0) {
			if m.Hdr == nil {
				n++
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
}
