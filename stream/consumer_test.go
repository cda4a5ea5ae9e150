package stream

import (
	"strings"
	"testing"
	"time"
)

// consumerEnv is an apiEnv with stream S on s.> holding n messages m1..mn on s.a.
func consumerEnv(t *testing.T, streamJSON string, n int) *apiEnv {
	t.Helper()
	e := newAPIEnv(t)
	if resp := e.request("$JS.API.STREAM.CREATE.S", streamJSON); resp["error"] != nil {
		t.Fatalf("create stream: %v", resp["error"])
	}
	for i := 1; i <= n; i++ {
		e.publish("s.a", nil, "m"+string(rune('0'+i)))
	}
	return e
}

// sentTo returns every message sent to subject so far, waiting up to wait until there are at least want.
func (e *apiEnv) sentTo(subject string, want int, wait time.Duration) []Outbound {
	deadline := time.Now().Add(wait)
	for {
		var got []Outbound
		for _, call := range e.host.sendCalls() {
			for _, m := range call {
				if m.Subject == subject {
					got = append(got, m)
				}
			}
		}
		if len(got) >= want || time.Now().After(deadline) {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// next sends a MSG.NEXT request and returns its reply subject.
func (e *apiEnv) next(consumer, body string) string {
	e.n++
	reply := "_INBOX.next" + string(rune('a'+e.n%26)) + strings.Repeat("x", e.n/26)
	e.host.listener("A")(Request{Account: "A", Subject: "$JS.API.CONSUMER.MSG.NEXT.S." + consumer, Reply: reply, Data: []byte(body)})
	return reply
}

// ack sends body to a delivery's ack subject.
func (e *apiEnv) ack(m Outbound, body string) {
	e.host.acker("A")(Request{Account: "A", Subject: m.Reply, Data: []byte(body)})
}

func wantErr(t *testing.T, what string, resp map[string]any, code int, errCode int, desc string) {
	t.Helper()
	got, _ := resp["error"].(map[string]any)
	if got == nil || int(got["code"].(float64)) != code || int(got["err_code"].(float64)) != errCode || got["description"] != desc {
		t.Fatalf("%s: error %v, want %d %d %q", what, resp["error"], code, errCode, desc)
	}
}

func TestConsumerCreateAsReference(t *testing.T) {
	e := consumerEnv(t, `{"name":"S","subjects":["s.>"]}`, 3)
	resp := e.request("$JS.API.CONSUMER.CREATE.S.D", `{"stream_name":"S","config":{"durable_name":"D","ack_policy":"explicit"},"action":"create"}`)
	if resp["type"] != "io.nats.jetstream.api.v1.consumer_create_response" || resp["error"] != nil {
		t.Fatalf("create: %v", resp)
	}
	cfg := resp["config"].(map[string]any)
	want := map[string]any{"durable_name": "D", "name": "D", "deliver_policy": "all", "ack_policy": "explicit",
		"ack_wait": 30e9, "max_deliver": -1.0, "replay_policy": "instant", "max_waiting": 512.0, "max_ack_pending": 1000.0, "num_replicas": 0.0}
	for k, v := range want {
		if cfg[k] != v {
			t.Errorf("config %s = %v, want %v", k, cfg[k], v)
		}
	}
	if resp["num_pending"] != 3.0 || resp["stream_name"] != "S" || resp["name"] != "D" {
		t.Fatalf("create: %v", resp)
	}
	if r := e.request("$JS.API.CONSUMER.CREATE.S.D", `{"stream_name":"S","config":{"durable_name":"D","ack_policy":"explicit"},"action":"create"}`); r["error"] != nil {
		t.Fatalf("same create again: %v", r["error"])
	}
	wantErr(t, "different create", e.request("$JS.API.CONSUMER.CREATE.S.D", `{"stream_name":"S","config":{"durable_name":"D","ack_policy":"none"},"action":"create"}`), 400, 10148, "consumer already exists")
	wantErr(t, "update missing", e.request("$JS.API.CONSUMER.CREATE.S.X", `{"stream_name":"S","config":{"durable_name":"X"},"action":"update"}`), 400, 10149, "consumer does not exist")
	wantErr(t, "name mismatch", e.request("$JS.API.CONSUMER.CREATE.S.D", `{"stream_name":"S","config":{"durable_name":"E"}}`), 400, 10017, "consumer name in subject does not match durable name in request")
	wantErr(t, "stream mismatch", e.request("$JS.API.CONSUMER.CREATE.S.D", `{"stream_name":"T","config":{"durable_name":"D"}}`), 400, 10056, "stream name in subject does not match request")
	wantErr(t, "no body", e.request("$JS.API.CONSUMER.CREATE.S", ``), 400, 10056, "stream name in subject does not match request")
	wantErr(t, "bad json", e.request("$JS.API.CONSUMER.CREATE.S", `{`), 400, 10025, "invalid JSON: unexpected EOF")
	wantErr(t, "filter mismatch", e.request("$JS.API.CONSUMER.CREATE.S.F.s.b", `{"stream_name":"S","config":{"name":"F","filter_subject":"s.c"}}`), 400, 10131, "Consumer create request did not match filtered subject from create subject")
	wantErr(t, "info missing", e.request("$JS.API.CONSUMER.INFO.S.nope", ``), 404, 10014, "consumer not found")
	wantErr(t, "stream missing", e.request("$JS.API.CONSUMER.INFO.Q.nope", ``), 404, 10059, "stream not found")

	eph := e.request("$JS.API.CONSUMER.CREATE.S", `{"stream_name":"S","config":{"ack_policy":"explicit"}}`)
	name, _ := eph["name"].(string)
	if len(name) != 8 || eph["config"].(map[string]any)["inactive_threshold"] != 5e9 {
		t.Fatalf("ephemeral: %v", eph)
	}
	if r := e.request("$JS.API.CONSUMER.DURABLE.CREATE.S.DD", `{"stream_name":"S","config":{"durable_name":"DD","ack_policy":"explicit"}}`); r["name"] != "DD" {
		t.Fatalf("durable create: %v", r)
	}
	g := e.request("$JS.API.CONSUMER.CREATE.S.G", `{"stream_name":"S","config":{"name":"G","filter_subject":"x.c"}}`)
	if gc := g["config"].(map[string]any); gc["ack_policy"] != "none" || gc["ack_wait"] != nil || gc["max_ack_pending"] != nil || g["num_pending"] != 0.0 {
		t.Fatalf("ack none: %v", g)
	}
	names := e.request("$JS.API.CONSUMER.NAMES.S", ``)
	if names["total"] != 4.0 || len(names["consumers"].([]any)) != 4 {
		t.Fatalf("names: %v", names)
	}
	if list := e.request("$JS.API.CONSUMER.LIST.S", ``); list["total"] != 4.0 || len(list["consumers"].([]any)) != 4 {
		t.Fatalf("list: %v", list)
	}
	if info := e.request("$JS.API.STREAM.INFO.S", ``); info["state"].(map[string]any)["consumer_count"] != 4.0 {
		t.Fatalf("stream info: %v", info["state"])
	}
	if info := e.request("$JS.API.INFO", ``); info["consumers"] != 4.0 {
		t.Fatalf("account info: %v", info)
	}
	if r := e.request("$JS.API.CONSUMER.DELETE.S.G", ``); r["success"] != true || r["type"] != "io.nats.jetstream.api.v1.consumer_delete_response" {
		t.Fatalf("delete: %v", r)
	}
	wantErr(t, "delete again", e.request("$JS.API.CONSUMER.DELETE.S.G", ``), 404, 10014, "consumer not found")
}

func TestConsumerPullDelivery(t *testing.T) {
	e := consumerEnv(t, `{"name":"S","subjects":["s.>"]}`, 3)
	e.request("$JS.API.CONSUMER.CREATE.S.D", `{"stream_name":"S","config":{"durable_name":"D","ack_policy":"explicit"}}`)
	before := len(e.host.sendCalls())
	reply := e.next("D", `{"batch":2}`)
	got := e.sentTo(reply, 2, 5*time.Second)
	if len(got) != 2 || len(e.host.sendCalls()) != before+1 {
		t.Fatalf("batch 2: %d messages in %d sends", len(got), len(e.host.sendCalls())-before)
	}
	for i, m := range got {
		want := "$JS.ACK.S.D.1." + string(rune('1'+i)) + "." + string(rune('1'+i)) + "."
		if !strings.HasPrefix(m.Reply, want) || m.MsgSubject != "s.a" || string(m.Data) != "m"+string(rune('1'+i)) {
			t.Fatalf("delivery %d: %+v", i, m)
		}
	}
	if !strings.HasSuffix(got[0].Reply, ".2") || !strings.HasSuffix(got[1].Reply, ".1") {
		t.Fatalf("pending tokens: %s, %s", got[0].Reply, got[1].Reply)
	}

	reply = e.next("D", `{"batch":5,"no_wait":true}`)
	got = e.sentTo(reply, 2, 5*time.Second)
	if len(got) != 2 || string(got[0].Data) != "m3" || string(got[1].Hdr) != statusNoMessages {
		t.Fatalf("no_wait: %+v", got)
	}
	reply = e.next("D", `{"batch":5,"expires":50000000}`)
	got = e.sentTo(reply, 1, 5*time.Second)
	if len(got) != 1 || string(got[0].Hdr) != "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 5\r\nNats-Pending-Bytes: 0\r\n\r\n" {
		t.Fatalf("expires: %+v", got)
	}
	if got := e.sentTo(e.next("D", `{bad`), 1, 5*time.Second); len(got) != 1 ||
		string(got[0].Hdr) != "NATS/1.0 400 Bad Request - invalid character 'b' looking for beginning of object key string\r\n\r\n" {
		t.Fatalf("bad request: %+v", got)
	}

	// A waiting request is served when the writer stores a new message.
	reply = e.next("D", `{"batch":1}`)
	e.publish("s.b", nil, "m4")
	got = e.sentTo(reply, 1, 5*time.Second)
	if len(got) != 1 || string(got[0].Data) != "m4" || got[0].MsgSubject != "s.b" {
		t.Fatalf("waiting request: %+v", got)
	}
}

func TestConsumerPullLimits(t *testing.T) {
	e := consumerEnv(t, `{"name":"S","subjects":["s.>"]}`, 1)
	e.request("$JS.API.CONSUMER.CREATE.S.W", `{"stream_name":"S","config":{"durable_name":"W","ack_policy":"explicit","max_waiting":1,"max_batch":2,"max_expires":1000000000,"max_bytes":100}}`)
	for _, c := range []struct{ body, hdr string }{
		{`{"batch":3}`, "NATS/1.0 409 Exceeded MaxRequestBatch of 2\r\n\r\n"},
		{`{"batch":1,"expires":2000000000}`, "NATS/1.0 409 Exceeded MaxRequestExpires of 1s\r\n\r\n"},
		{`{"batch":1,"max_bytes":1000}`, "NATS/1.0 409 Exceeded MaxRequestMaxBytes of 100\r\n\r\n"},
	} {
		got := e.sentTo(e.next("W", c.body), 1, 5*time.Second)
		if len(got) != 1 || string(got[0].Hdr) != c.hdr {
			t.Fatalf("%s: %+v, want %q", c.body, got, c.hdr)
		}
	}
	e.sentTo(e.next("W", `{"batch":1}`), 1, 5*time.Second) // takes the one message
	e.next("W", `{"batch":1}`)                             // waits
	if got := e.sentTo(e.next("W", `{"batch":1}`), 1, 5*time.Second); len(got) != 1 || string(got[0].Hdr) != statusMaxWaiting {
		t.Fatalf("max waiting: %+v", got)
	}
}

func TestConsumerAcks(t *testing.T) {
	e := consumerEnv(t, `{"name":"S","subjects":["s.>"]}`, 3)
	e.request("$JS.API.CONSUMER.CREATE.S.D", `{"stream_name":"S","config":{"durable_name":"D","ack_policy":"explicit"}}`)
	got := e.sentTo(e.next("D", `{"batch":3}`), 3, 5*time.Second)
	info := func() map[string]any { return e.request("$JS.API.CONSUMER.INFO.S.D", ``) }
	floor := func(i map[string]any) (float64, float64) {
		f := i["ack_floor"].(map[string]any)
		return f["consumer_seq"].(float64), f["stream_seq"].(float64)
	}
	e.ack(got[1], "")
	if i := info(); i["num_ack_pending"] != 2.0 {
		t.Fatalf("after ack of 2: %v", i)
	} else if c, s := floor(i); c != 0 || s != 0 {
		t.Fatalf("floor after ack of 2: %v %v", c, s)
	}
	e.ack(got[0], "+ACK")
	if c, s := floor(info()); c != 2 || s != 2 {
		t.Fatalf("floor after ack of 1: %v %v", c, s)
	}
	e.ack(got[2], "-NAK")
	again := e.sentTo(e.next("D", `{"batch":1}`), 1, 5*time.Second)
	if len(again) != 1 || string(again[0].Data) != "m3" || !strings.HasPrefix(again[0].Reply, "$JS.ACK.S.D.2.3.4.") {
		t.Fatalf("redelivery after nak: %+v", again)
	}
	if i := info(); i["num_redelivered"] != 1.0 || i["num_ack_pending"] != 1.0 {
		t.Fatalf("after redelivery: %v", i)
	}
	e.ack(again[0], "+TERM")
	if i := info(); i["num_ack_pending"] != 0.0 {
		t.Fatalf("after term: %v", i)
	} else if c, s := floor(i); c != 4 || s != 3 { // the redelivery took consumer sequence 4
		t.Fatalf("floor after term: %v %v", c, s)
	}
}

func TestConsumerAckWaitRedeliversUpToMaxDeliver(t *testing.T) {
	e := consumerEnv(t, `{"name":"S","subjects":["s.>"]}`, 1)
	e.request("$JS.API.CONSUMER.CREATE.S.R", `{"stream_name":"S","config":{"durable_name":"R","ack_policy":"explicit","ack_wait":50000000,"max_deliver":2}}`)
	if got := e.sentTo(e.next("R", `{"batch":1}`), 1, 5*time.Second); len(got) != 1 {
		t.Fatal("first delivery missing")
	}
	reply := e.next("R", `{"batch":1}`)
	got := e.sentTo(reply, 1, 10*time.Second)
	if len(got) != 1 || !strings.HasPrefix(got[0].Reply, "$JS.ACK.S.R.2.1.2.") {
		t.Fatalf("redelivery after ack_wait: %+v", got)
	}
	reply = e.next("R", `{"batch":1,"expires":300000000}`)
	got = e.sentTo(reply, 1, 10*time.Second)
	if len(got) != 1 || got[0].Hdr == nil {
		t.Fatalf("a third delivery past max_deliver 2: %+v", got)
	}
}

func TestConsumerWorkQueueAckRemoves(t *testing.T) {
	e := consumerEnv(t, `{"name":"S","subjects":["s.>"],"retention":"workqueue"}`, 2)
	e.request("$JS.API.CONSUMER.CREATE.S.Q", `{"stream_name":"S","config":{"durable_name":"Q","ack_policy":"explicit"}}`)
	got := e.sentTo(e.next("Q", `{"batch":2}`), 2, 5*time.Second)
	e.ack(got[0], "+ACK")
	st := e.request("$JS.API.STREAM.INFO.S", ``)["state"].(map[string]any)
	if st["messages"] != 1.0 || st["first_seq"] != 2.0 {
		t.Fatalf("after the ack: %v", st)
	}
	wantErr(t, "deliver last on a workqueue", e.request("$JS.API.CONSUMER.CREATE.S.L", `{"stream_name":"S","config":{"durable_name":"L","deliver_policy":"last"}}`), 400, 10101, "consumer must be deliver all on workqueue stream")
}

func TestConsumerInterestStreamKeepsWhileConsumerExists(t *testing.T) {
	e := consumerEnv(t, `{"name":"S","subjects":["s.>"],"retention":"interest"}`, 1)
	e.request("$JS.API.CONSUMER.CREATE.S.I", `{"stream_name":"S","config":{"durable_name":"I","ack_policy":"explicit","filter_subject":"s.a"}}`)
	e.publish("s.a", nil, "kept")
	e.publish("s.b", nil, "nobody")
	st := e.request("$JS.API.STREAM.INFO.S", ``)["state"].(map[string]any)
	if st["messages"] != 1.0 || st["last_seq"] != 3.0 {
		t.Fatalf("interest: %v", st)
	}
}

func TestConsumerDeleteAnswersWaiting(t *testing.T) {
	e := consumerEnv(t, `{"name":"S","subjects":["s.>"]}`, 0)
	e.request("$JS.API.CONSUMER.CREATE.S.D", `{"stream_name":"S","config":{"durable_name":"D"}}`)
	reply := e.next("D", `{"batch":1}`)
	e.request("$JS.API.CONSUMER.DELETE.S.D", ``)
	if got := e.sentTo(reply, 1, 5*time.Second); len(got) != 1 || string(got[0].Hdr) != statusConsumerDeleted {
		t.Fatalf("waiting request at delete: %+v", got)
	}
}

func TestConsumerEphemeralGoesAfterInactivity(t *testing.T) {
	e := consumerEnv(t, `{"name":"S","subjects":["s.>"]}`, 0)
	name := e.request("$JS.API.CONSUMER.CREATE.S", `{"stream_name":"S","config":{"inactive_threshold":50000000}}`)["name"].(string)
	if e.request("$JS.API.CONSUMER.INFO.S."+name, ``)["error"] != nil {
		t.Fatal("ephemeral missing at once")
	}
	deadline := time.Now().Add(10 * time.Second)
	for e.mgr.Account("A").Stream("S").consumer(name) != nil {
		if time.Now().After(deadline) {
			t.Fatal("ephemeral still there 10 s after a 50 ms inactive_threshold")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestConsumerMaxAckPendingHoldsBack(t *testing.T) {
	e := consumerEnv(t, `{"name":"S","subjects":["s.>"]}`, 3)
	e.request("$JS.API.CONSUMER.CREATE.S.M", `{"stream_name":"S","config":{"durable_name":"M","ack_policy":"explicit","max_ack_pending":1}}`)
	// nats-server answers nothing more to this no_wait request once max_ack_pending holds it back; we
	// answer 404 (a known difference, not asserted here).
	first := e.sentTo(e.next("M", `{"batch":3,"no_wait":true}`), 1, 5*time.Second)
	if len(first) < 1 || string(first[0].Data) != "m1" || (len(first) > 1 && first[1].Hdr == nil) {
		t.Fatalf("max_ack_pending 1: %+v", first)
	}
	reply := e.next("M", `{"batch":1}`)
	e.ack(first[0], "+NXT") // not a request here: no reply, so an ack that frees room for the waiting one
	if got := e.sentTo(reply, 1, 5*time.Second); len(got) != 1 || string(got[0].Data) != "m2" {
		t.Fatalf("after the ack: %+v", got)
	}
}
