package monitor

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reactor-nats/reactor/reactor"
)

func TestConnzCountsEachConnectionsTraffic(t *testing.T) {
	f := runFixture(t, reactor.Options{})
	subNC := connect(t, f.clientURL(), "subscriber")
	pubNC := connect(t, f.clientURL(), "publisher")
	sub := subscribe(t, subNC, "foo", "")
	publish(t, pubNC, "foo", "hello", 7)
	receive(t, sub, 7)

	var cz Connz
	getJSON(t, f.base+"/connz", &cz)
	if cz.NumConns != 2 || cz.Total != 2 || len(cz.Conns) != 2 || cz.Limit != 1024 || cz.Offset != 0 {
		t.Fatalf("num_connections %d total %d len %d limit %d offset %d; want 2 2 2 1024 0",
			cz.NumConns, cz.Total, len(cz.Conns), cz.Limit, cz.Offset)
	}
	if cz.ID != f.srv.ID() {
		t.Errorf("server_id %q, want %q", cz.ID, f.srv.ID())
	}
	s, p := connByName(&cz, "subscriber"), connByName(&cz, "publisher")
	if s == nil || p == nil {
		t.Fatalf("connections by name: subscriber %v publisher %v", s, p)
	}
	if s.OutMsgs != 7 || s.OutBytes != 35 || s.InMsgs != 0 || s.NumSubs != 1 {
		t.Errorf("subscriber out %d/%dB in %d subs %d; want out 7/35B in 0 subs 1", s.OutMsgs, s.OutBytes, s.InMsgs, s.NumSubs)
	}
	if p.InMsgs != 7 || p.InBytes != 35 || p.OutMsgs != 0 || p.NumSubs != 0 {
		t.Errorf("publisher in %d/%dB out %d subs %d; want in 7/35B out 0 subs 0", p.InMsgs, p.InBytes, p.OutMsgs, p.NumSubs)
	}
	for _, c := range cz.Conns {
		if c.Kind != "Client" || c.Type != "nats" || c.IP != "127.0.0.1" || c.Port == 0 || c.Lang != "go" || c.Version == "" {
			t.Errorf("cid %d: kind %q type %q ip %q port %d lang %q version %q", c.Cid, c.Kind, c.Type, c.IP, c.Port, c.Lang, c.Version)
		}
		if c.Stop != nil || c.Reason != "" {
			t.Errorf("open cid %d has stop %v reason %q", c.Cid, c.Stop, c.Reason)
		}
		if !regexp.MustCompile(`^\d+s$`).MatchString(c.Uptime) || !regexp.MustCompile(`^\d+s$`).MatchString(c.Idle) {
			t.Errorf("cid %d: uptime %q idle %q, want whole seconds", c.Cid, c.Uptime, c.Idle)
		}
		if _, err := time.ParseDuration(c.RTT); err != nil {
			t.Errorf("cid %d: rtt %q: %v", c.Cid, c.RTT, err)
		}
		if c.Start.IsZero() || c.LastActivity.Before(c.Start) {
			t.Errorf("cid %d: start %v last_activity %v", c.Cid, c.Start, c.LastActivity)
		}
		if c.Subs != nil || c.SubsDetail != nil || c.NameTag != "" {
			t.Errorf("cid %d: subscriptions or name_tag listed without being asked for", c.Cid)
		}
	}
}

func TestConnzListsSubscriptionsAndTheirDetail(t *testing.T) {
	f := runFixture(t, reactor.Options{})
	nc := connect(t, f.clientURL(), "subscriber")
	pub := connect(t, f.clientURL(), "publisher")
	plain := subscribe(t, nc, "foo", "")
	queued := subscribe(t, nc, "bar.>", "workers")
	if err := queued.AutoUnsubscribe(100); err != nil {
		t.Fatal(err)
	}
	publish(t, pub, "foo", "x", 2)
	publish(t, pub, "bar.baz", "y", 3)
	receive(t, plain, 2)
	receive(t, queued, 3)

	var list Connz
	getJSON(t, f.base+"/connz?subs=1", &list)
	s := connByName(&list, "subscriber")
	if s == nil {
		t.Fatal("subscriber not listed")
	}
	subjects := slices.Sorted(slices.Values(s.Subs))
	if !slices.Equal(subjects, []string{"bar.>", "foo"}) || s.SubsDetail != nil {
		t.Errorf("subscriptions_list %q detail %v; want [bar.> foo] and no detail", s.Subs, s.SubsDetail)
	}
	if p := connByName(&list, "publisher"); p.Subs != nil {
		t.Errorf("publisher without subscriptions lists %q; nats-server omits the list", p.Subs)
	}

	var detail Connz
	getJSON(t, f.base+"/connz?subs=detail", &detail)
	s = connByName(&detail, "subscriber")
	if s == nil || s.Subs != nil || len(s.SubsDetail) != 2 {
		t.Fatalf("subs=detail: %+v", s)
	}
	want := map[string]SubDetail{
		"foo":   {Subject: "foo", Msgs: 2, Cid: s.Cid},
		"bar.>": {Subject: "bar.>", Queue: "workers", Msgs: 3, Max: 100, Cid: s.Cid},
	}
	sids := map[string]bool{}
	for _, d := range s.SubsDetail {
		sids[d.Sid] = true
		d.Sid = ""
		if d != want[d.Subject] {
			t.Errorf("detail %+v, want %+v (open connections name no account, as nats-server)", d, want[d.Subject])
		}
	}
	if !sids["1"] || !sids["2"] {
		t.Errorf("sids %v, want nats.go's 1 and 2", sids)
	}
	// subs=DETAIL is accepted in any case, as nats-server does.
	getJSON(t, f.base+"/connz?subs=DETAIL", &detail)
	if s := connByName(&detail, "subscriber"); s == nil || len(s.SubsDetail) != 2 {
		t.Errorf("subs=DETAIL gave %+v", s)
	}
}

// sortFixture connects a publisher and three subscribers whose counters differ, in cid order: publisher
// (6 in), a (1 sub, 1 out), b (2 subs, 2 out), c (3 subs, 3 out).
func sortFixture(t *testing.T) (*fixture, map[string]uint64) {
	f := runFixture(t, reactor.Options{})
	pub := connect(t, f.clientURL(), "publisher")
	for i, name := range []string{"a", "b", "c"} {
		nc := connect(t, f.clientURL(), name)
		for j := 0; j <= i; j++ {
			subscribe(t, nc, fmt.Sprintf("%s.%d", name, j), "")
		}
	}
	for i, name := range []string{"a", "b", "c"} {
		publish(t, pub, name+".0", "abcd", i+1)
	}
	waitFor(t, "deliveries counted", func() bool {
		var cz Connz
		getJSON(t, f.base+"/connz", &cz)
		return connByName(&cz, "c") != nil && connByName(&cz, "c").OutMsgs == 3 &&
			connByName(&cz, "b").OutMsgs == 2 && connByName(&cz, "a").OutMsgs == 1
	})
	var cz Connz
	getJSON(t, f.base+"/connz", &cz)
	cids := map[string]uint64{}
	for _, c := range cz.Conns {
		cids[c.Name] = c.Cid
	}
	return f, cids
}

func names(cz *Connz) string {
	var out []string
	for _, c := range cz.Conns {
		out = append(out, c.Name)
	}
	return strings.Join(out, ",")
}

func TestConnzSortsAsNatsServer(t *testing.T) {
	f, _ := sortFixture(t)
	for _, tc := range []struct{ sort, want string }{
		{"", "publisher,a,b,c"},
		{"cid", "publisher,a,b,c"},
		{"start", "publisher,a,b,c"},
		{"subs", "c,b,a,publisher"},
		{"msgs_to", "c,b,a,publisher"},
		{"bytes_to", "c,b,a,publisher"},
		{"msgs_from", "publisher,a,b,c"},  // the publisher, then ties in cid order
		{"bytes_from", "publisher,a,b,c"}, // likewise
		{"pending", "publisher,a,b,c"},    // all zero: cid order
		{"uptime", "c,b,a,publisher"},     // shortest first
	} {
		var cz Connz
		getJSON(t, f.base+"/connz?sort="+tc.sort, &cz)
		if got := names(&cz); got != tc.want {
			t.Errorf("sort=%s: %s, want %s", tc.sort, got, tc.want)
		}
	}
	// Orders that depend on timing: check the property rather than a fixed order.
	monotone := []struct {
		sort string
		ok   func(a, b *ConnInfo) bool
	}{
		{"last", func(a, b *ConnInfo) bool { return !a.LastActivity.Before(b.LastActivity) }},
		{"idle", func(a, b *ConnInfo) bool { return !a.LastActivity.After(b.LastActivity) }},
		{"rtt", func(a, b *ConnInfo) bool {
			ra, _ := time.ParseDuration(a.RTT)
			rb, _ := time.ParseDuration(b.RTT)
			return ra >= rb
		}},
	}
	for _, tc := range monotone {
		var cz Connz
		getJSON(t, f.base+"/connz?sort="+tc.sort, &cz)
		if len(cz.Conns) != 4 {
			t.Fatalf("sort=%s: %d connections", tc.sort, len(cz.Conns))
		}
		for i := 1; i < len(cz.Conns); i++ {
			if !tc.ok(cz.Conns[i-1], cz.Conns[i]) {
				t.Errorf("sort=%s: %s before %s out of order", tc.sort, cz.Conns[i-1].Name, cz.Conns[i].Name)
			}
		}
	}
}

func TestConnzPagesWithLimitAndOffset(t *testing.T) {
	f, _ := sortFixture(t)
	var cz Connz
	getJSON(t, f.base+"/connz?limit=2&offset=1", &cz)
	if names(&cz) != "a,b" || cz.NumConns != 2 || cz.Total != 4 || cz.Limit != 2 || cz.Offset != 1 {
		t.Errorf("limit=2&offset=1: %s num %d total %d limit %d offset %d; want a,b 2 4 2 1",
			names(&cz), cz.NumConns, cz.Total, cz.Limit, cz.Offset)
	}
	getJSON(t, f.base+"/connz?sort=msgs_to&limit=1&offset=1", &cz)
	if names(&cz) != "b" {
		t.Errorf("sorted page: %s, want b (the page is cut after sorting)", names(&cz))
	}
	// Past the end: an empty array, not null; nats-server echoes the offset.
	status, body := get(t, f.base+"/connz?offset=10")
	if status != 200 || !strings.Contains(body, `"connections": []`) || !strings.Contains(body, `"offset": 10`) {
		t.Errorf("offset=10: %d %s", status, body)
	}
	// Out-of-range values fall back as nats-server's do.
	getJSON(t, f.base+"/connz?limit=0&offset=-3", &cz)
	if cz.Limit != 1024 || cz.Offset != 0 || cz.NumConns != 4 {
		t.Errorf("limit=0&offset=-3: limit %d offset %d num %d; want 1024 0 4", cz.Limit, cz.Offset, cz.NumConns)
	}
}

func TestConnzPicksOneConnectionByCid(t *testing.T) {
	f, cids := sortFixture(t)
	var cz Connz
	getJSON(t, fmt.Sprintf("%s/connz?cid=%d", f.base, cids["b"]), &cz)
	if names(&cz) != "b" || cz.Limit != 1 || cz.Total != 4 || cz.NumConns != 1 {
		t.Errorf("cid=b: %s limit %d total %d num %d; want b 1 4 1", names(&cz), cz.Limit, cz.Total, cz.NumConns)
	}
	getJSON(t, f.base+"/connz?cid=999999", &cz)
	if cz.NumConns != 0 || len(cz.Conns) != 0 {
		t.Errorf("unknown cid listed %s", names(&cz))
	}
	// An MQTT client id narrows the same way; reactor has no MQTT clients.
	getJSON(t, f.base+"/connz?mqtt_client=x", &cz)
	if cz.NumConns != 0 || cz.Total != 4 || cz.Limit != 1024 {
		t.Errorf("mqtt_client=x: num %d total %d limit %d; want 0 4 1024", cz.NumConns, cz.Total, cz.Limit)
	}
}

func TestConnzFiltersByAccount(t *testing.T) {
	f, _ := sortFixture(t)
	var cz Connz
	getJSON(t, f.base+"/connz?acc=$G", &cz)
	if cz.NumConns != 4 {
		t.Errorf("acc=$G: %d connections, want 4", cz.NumConns)
	}
	getJSON(t, f.base+"/connz?acc=$SYS", &cz)
	if cz.NumConns != 0 || cz.Total != 0 || cz.ID != f.srv.ID() {
		t.Errorf("acc=$SYS: num %d total %d id %q; want 0 0 and the server id", cz.NumConns, cz.Total, cz.ID)
	}
	// An unknown account gets nats-server's bare reply.
	status, body := get(t, f.base+"/connz?acc=nope")
	if status != 200 || !strings.Contains(body, `"server_id": ""`) || !strings.Contains(body, `"connections": null`) {
		t.Errorf("acc=nope: %d %s", status, body)
	}
	getJSON(t, f.base+"/connz?auth=1", &cz)
	for _, c := range cz.Conns {
		if c.NameTag != "$G" {
			t.Errorf("auth=1: cid %d name_tag %q, want $G", c.Cid, c.NameTag)
		}
	}
}

func TestConnzRemembersClosedConnections(t *testing.T) {
	f := runFixture(t, reactor.Options{})
	stays := connect(t, f.clientURL(), "stays")
	leaves := connect(t, f.clientURL(), "leaves")
	sub := subscribe(t, stays, "foo", "")
	publish(t, leaves, "foo", "bye", 3)
	receive(t, sub, 3)
	leaves.Close()

	var closed Connz
	waitFor(t, "the closed client in state=closed", func() bool {
		getJSON(t, f.base+"/connz?state=closed", &closed)
		return connByName(&closed, "leaves") != nil
	})
	c := connByName(&closed, "leaves")
	if c.Reason != "Client Closed" || c.Stop == nil || c.Stop.Before(c.Start) {
		t.Errorf("closed: reason %q stop %v start %v; want Client Closed and a stop after the start", c.Reason, c.Stop, c.Start)
	}
	if c.InMsgs != 3 || c.InBytes != 9 {
		t.Errorf("closed: in %d/%dB, want the 3/9B it sent", c.InMsgs, c.InBytes)
	}
	if closed.NumConns != 1 || closed.Total != 1 || connByName(&closed, "stays") != nil {
		t.Errorf("state=closed lists %s (total %d), want only leaves", names(&closed), closed.Total)
	}

	var open Connz
	getJSON(t, f.base+"/connz", &open)
	if names(&open) != "stays" {
		t.Errorf("state=open lists %s, want stays", names(&open))
	}
	var anyState Connz
	getJSON(t, f.base+"/connz?state=any", &anyState)
	if names(&anyState) != "stays,leaves" || anyState.Total != 2 {
		t.Errorf("state=any lists %s total %d, want stays,leaves 2", names(&anyState), anyState.Total)
	}
	getJSON(t, f.base+"/connz?state=ALL&sort=msgs_from", &anyState)
	if names(&anyState) != "leaves,stays" {
		t.Errorf("state=ALL&sort=msgs_from lists %s, want leaves,stays", names(&anyState))
	}
	for _, s := range []string{"stop", "reason"} {
		var cz Connz
		getJSON(t, f.base+"/connz?state=closed&sort="+s, &cz)
		if names(&cz) != "leaves" {
			t.Errorf("state=closed&sort=%s lists %s", s, names(&cz))
		}
	}
}
