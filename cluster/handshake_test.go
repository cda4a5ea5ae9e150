package cluster

import (
	"net/url"
	"testing"
)

func TestLocalConnectJSON(t *testing.T) {
	route, _ := url.Parse("nats-route://ru:rp@127.0.0.1:6222")
	for _, tc := range []struct {
		route            *url.URL
		user, pass, want string
	}{
		// ROUTES.md §2: what reactor should send.
		{nil, "", "", `{"echo":true,"verbose":false,"pedantic":false,"tls_required":false,"headers":true,"name":"NSELF","cluster":"C"}`},
		{route, "cu", "cp", `{"echo":true,"verbose":false,"pedantic":false,"user":"ru","pass":"rp","tls_required":false,"headers":true,"name":"NSELF","cluster":"C"}`},
		{nil, "cu", "cp", `{"echo":true,"verbose":false,"pedantic":false,"user":"cu","pass":"cp","tls_required":false,"headers":true,"name":"NSELF","cluster":"C"}`},
	} {
		c := LocalConnect(self, tc.route, tc.user, tc.pass)
		got, err := c.JSON()
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}

func TestLocalInfoJSON(t *testing.T) {
	params := InfoParams{Version: "0.1.0", MaxPayload: 1048576, ListenHost: "127.0.0.1", ListenPort: 26998,
		ClientURLs: []string{"127.0.0.1:24998"}}
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"plain", Options{Name: "C"},
			`{"server_id":"NSELF","server_name":"R1","version":"0.1.0","proto":2,"host":"127.0.0.1","port":26998,"headers":true,"max_payload":1048576,"cluster":"C","connect_urls":["127.0.0.1:24998"],"compression":"off"}`},
		{"advertise, auth, no_advertise", Options{Name: "C", Advertise: "10.0.0.1:7222", Username: "u", NoAdvertise: true},
			`{"server_id":"NSELF","server_name":"R1","version":"0.1.0","proto":2,"host":"10.0.0.1","port":7222,"headers":true,"auth_required":true,"max_payload":1048576,"ip":"nats-route://10.0.0.1:7222/","cluster":"C","compression":"off"}`},
	} {
		info := LocalInfo(self, &tc.opts, params)
		got, err := info.JSON()
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
	noName := LocalInfo(Identity{ServerID: "NID", Cluster: "C"}, &Options{}, params)
	if noName.ServerName != "NID" {
		t.Fatalf("server_name defaults to the id, got %q", noName.ServerName)
	}
}

func TestCheckCompressionKnowsNatsServerModes(t *testing.T) {
	for _, mode := range []string{"", "off", "not supported", "accept", "s2_fast", "s2_auto"} {
		if r := CheckCompression(mode); r != nil {
			t.Errorf("%q refused: %s", mode, r.Text)
		}
	}
	if r := CheckCompression("zstd"); r == nil || r.Text != `unsupported route compression mode "zstd"` {
		t.Errorf("zstd: %v", r)
	}
}
