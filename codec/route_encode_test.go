package codec

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"testing"
)

func bs(s string) []byte { return []byte(s) }

// TestRouteEncodeExact checks the encoders produce the lines nats-server
// was observed sending (ROUTES.md §5).
func TestRouteEncodeExact(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{string(AppendRSPlus(nil, bs("$G"), bs("foo.*"), nil, 0)), "RS+ $G foo.*\r\n"},
		{string(AppendRSPlus(nil, bs("$G"), bs("wq"), bs("W"), 2)), "RS+ $G wq W 2\r\n"},
		{string(AppendRSMinus(nil, bs("$G"), bs("wq"), bs("W"))), "RS- $G wq W\r\n"},
		{string(AppendRSMinus(nil, bs("$G"), bs("foo.*"), nil)), "RS- $G foo.*\r\n"},
		{string(AppendRMsg(nil, bs("$G"), bs("foo.bar"), nil, nil, bs("hello"))), "RMSG $G foo.bar 5\r\nhello\r\n"},
		{string(AppendRMsg(nil, bs("$G"), bs("client.sub"), bs("reply.x"), nil, bs("abc"))), "RMSG $G client.sub reply.x 3\r\nabc\r\n"},
		{string(AppendRMsg(nil, bs("$G"), bs("q.x"), nil, [][]byte{bs("grp")}, bs("work"))), "RMSG $G q.x | grp 4\r\nwork\r\n"},
		{
			string(AppendRMsg(nil, bs("$G"), bs("svc.echo"), bs("_INBOX.dJG2Z30P9mOs9vpDuRh4Gd.qAdJckNu"), [][]byte{bs("NATS-RPLY-22")}, bs("ping"))),
			"RMSG $G svc.echo + _INBOX.dJG2Z30P9mOs9vpDuRh4Gd.qAdJckNu NATS-RPLY-22 4\r\nping\r\n",
		},
		{
			string(AppendHRMsg(nil, bs("$G"), bs("foo.hdr"), nil, nil, 25, bs("NATS/1.0\r\nK: v1\r\nX: y\r\n\r\nwithhdr"))),
			"HMSG $G foo.hdr 25 32\r\nNATS/1.0\r\nK: v1\r\nX: y\r\n\r\nwithhdr\r\n",
		},
		{string(AppendRouteConnect(nil, bs(reactorConnect))), "CONNECT " + reactorConnect + "\r\n"},
	} {
		if tc.got != tc.want {
			t.Errorf("got  %q\nwant %q", tc.got, tc.want)
		}
	}
}

// TestRouteEncodeParseRoundTrip encodes ops and parses them back.
func TestRouteEncodeParseRoundTrip(t *testing.T) {
	headers := bs("NATS/1.0\r\nA: b\r\n\r\n")
	msg := append(bytes.Clone(headers), "body"...)
	queues := [][]byte{bs("q1"), bs("q2"), bs("q3")}
	for _, tc := range []struct {
		frame []byte
		want  string
	}{
		{AppendRSPlus(nil, bs("acc"), bs("a.>"), nil, 7), `RS+ account="acc" subject="a.>" queue=<nil>`},
		{AppendRSPlus(nil, bs("acc"), bs("a"), bs("g"), 7), `RS+ account="acc" subject="a" queue="g" weight=7`},
		{AppendRSMinus(nil, bs("acc"), bs("a"), bs("g")), `RS- account="acc" subject="a" queue="g"`},
		{AppendRMsg(nil, bs("acc"), bs("s"), nil, queues, bs("x")), `RMSG account="acc" subject="s" reply=<nil> queues=["q1","q2","q3",] payload="x"`},
		{AppendRMsg(nil, bs("acc"), bs("s"), bs("r"), queues, nil), `RMSG account="acc" subject="s" reply="r" queues=["q1","q2","q3",] payload=""`},
		{AppendHRMsg(nil, bs("acc"), bs("s"), bs("r"), queues[:1], len(headers), msg), `HMSG account="acc" subject="s" reply="r" queues=["q1",] hdr=18 payload="NATS/1.0\r\nA: b\r\n\r\nbody"`},
		{AppendHRMsg(nil, bs("acc"), bs("s"), nil, nil, len(headers), msg), `HMSG account="acc" subject="s" reply=<nil> queues=[] hdr=18 payload="NATS/1.0\r\nA: b\r\n\r\nbody"`},
		{AppendInfo(nil, bs(capturedGossipInfo)), "INFO arg=" + strconv.Quote(capturedGossipInfo)},
	} {
		var p RouteParser
		n, err := p.Next(tc.frame)
		if err != nil || n != len(tc.frame) {
			t.Fatalf("%q: Next = %d, %v", tc.frame, n, err)
		}
		if got := showRoute(&p.Op); got != tc.want {
			t.Errorf("%q parsed as\n%s\nwant\n%s", tc.frame, got, tc.want)
		}
	}
}

// TestRouteInfoRoundTrip decodes nats-server's captured INFOs and encodes
// them again byte for byte; the Python peer's INFO (other spacing) must
// survive decode → encode → decode.
func TestRouteInfoRoundTrip(t *testing.T) {
	for _, captured := range []string{capturedInfoA, capturedInfoB, capturedGossipInfo} {
		info, err := ParseRouteInfo([]byte(captured))
		if err != nil {
			t.Fatal(err)
		}
		encoded, err := info.JSON()
		if err != nil {
			t.Fatal(err)
		}
		if string(encoded) != captured {
			t.Errorf("re-encoded\n%s\nwant\n%s", encoded, captured)
		}
	}
	gossip, _ := ParseRouteInfo([]byte(capturedGossipInfo))
	if gossip.IP != "nats-route://127.0.0.1:26224/" || gossip.GossipMode != 2 || gossip.RoutePoolSize != 3 || gossip.Nonce != "" {
		t.Errorf("gossip INFO decoded as %+v", gossip)
	}

	fake, err := ParseRouteInfo([]byte(capturedFakeInfo))
	if err != nil {
		t.Fatal(err)
	}
	encoded, _ := fake.JSON()
	var want, got map[string]any
	if err := json.Unmarshal([]byte(capturedFakeInfo), &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(encoded, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fake peer INFO re-encoded as %s", encoded)
	}
}

// TestRouteInfoReactorStance checks what reactor's INFO leaves out: no pool
// size, no nonce, no leaf-origin flags, no JetStream (ROUTES.md §3, §4).
func TestRouteInfoReactorStance(t *testing.T) {
	info := RouteInfo{
		ServerID: "NREACTOR", ServerName: "r1", Version: "0.1.0", Proto: 2,
		Host: "127.0.0.1", Port: 6222, Headers: true, MaxPayload: 1 << 20,
		Cluster: "C", ConnectURLs: []string{"127.0.0.1:4222"},
	}
	encoded, err := info.JSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"server_id":"NREACTOR","server_name":"r1","version":"0.1.0","proto":2,"host":"127.0.0.1","port":6222,"headers":true,"max_payload":1048576,"cluster":"C","connect_urls":["127.0.0.1:4222"]}`
	if string(encoded) != want {
		t.Errorf("got  %s\nwant %s", encoded, want)
	}
}

func TestRouteConnectRoundTrip(t *testing.T) {
	connect, err := ParseRouteConnect([]byte(capturedConnect))
	if err != nil {
		t.Fatal(err)
	}
	if encoded, _ := connect.JSON(); string(encoded) != capturedConnect {
		t.Errorf("re-encoded\n%s\nwant\n%s", encoded, capturedConnect)
	}
	mine := RouteConnect{Echo: true, Headers: true, Name: "NREACTOR", Cluster: "C"}
	if encoded, _ := mine.JSON(); string(encoded) != reactorConnect {
		t.Errorf("reactor CONNECT\n%s\nwant\n%s", encoded, reactorConnect)
	}
	withCreds, _ := ParseRouteConnect([]byte(`{"user":"u","pass":"p","cluster":"C","lang":"go"}`))
	if withCreds.User != "u" || withCreds.Pass != "p" || withCreds.Lang != "go" {
		t.Errorf("decoded %+v", withCreds)
	}
	if _, err := ParseRouteConnect([]byte(`{"echo":`)); err == nil {
		t.Error("truncated CONNECT decoded without error")
	}
	if _, err := ParseRouteInfo([]byte(`not json`)); err == nil {
		t.Error("bad INFO decoded without error")
	}
}
