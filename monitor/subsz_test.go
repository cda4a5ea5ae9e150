package monitor

import (
	"math"
	"slices"
	"testing"

	"github.com/reactor-nats/reactor/reactor"
)

func subjectsOf(sz *Subsz) []string {
	var out []string
	for _, s := range sz.Subs {
		out = append(out, s.Subject)
	}
	slices.Sort(out)
	return out
}

func TestSubszListsAndMatchesSubscriptions(t *testing.T) {
	f := runFixture(t, reactor.Options{})
	nc := connect(t, f.clientURL(), "subscriber")
	pub := connect(t, f.clientURL(), "publisher")
	for _, s := range []string{"foo", "foo.*", "foo.>", "bar"} {
		subscribe(t, nc, s, "")
	}
	q := subscribe(t, nc, "foo.bar", "workers")
	publish(t, pub, "foo.bar", "x", 3)
	receive(t, q, 3)

	var sz Subsz
	waitFor(t, "three lookups counted", func() bool {
		getJSON(t, f.base+"/subsz", &sz)
		return sz.NumMatches == 3
	})
	if sz.NumSubs != 5 || sz.NumInserts != 5 || sz.NumRemoves != 0 || sz.NumCache != 1 || sz.MaxFanout != 3 {
		t.Errorf("stats %+v; want 5 subscriptions, 5 inserts, 1 cached subject reaching 3", sz.SublistStats)
	}
	// The first two lookups of foo.bar walk the trie (a subject is cached on its second miss, subtrie's
	// seen-once filter); the third hits the cache.
	if math.Abs(sz.CacheHitRate-1.0/3) > 1e-9 || sz.AvgFanout != 3 {
		t.Errorf("cache_hit_rate %v avg_fanout %v; want 1/3 and 3", sz.CacheHitRate, sz.AvgFanout)
	}
	if sz.Total != 0 || sz.Subs != nil || sz.Limit != 1024 {
		t.Errorf("without subs=1: total %d list %v limit %d; want 0, none, 1024", sz.Total, sz.Subs, sz.Limit)
	}

	getJSON(t, f.base+"/subsz?subs=1", &sz)
	if got := subjectsOf(&sz); sz.Total != 5 || !slices.Equal(got, []string{"bar", "foo", "foo.*", "foo.>", "foo.bar"}) {
		t.Errorf("subs=1: total %d %q", sz.Total, got)
	}
	for _, d := range sz.Subs {
		if d.Account != "$G" || d.AccountTag != "$G" || d.Sid == "" || d.Cid == 0 {
			t.Errorf("detail %+v lacks its account, sid or cid", d)
		}
		if d.Subject == "foo.bar" && (d.Queue != "workers" || d.Msgs != 3) {
			t.Errorf("queue subscription %+v, want qgroup workers and 3 msgs", d)
		}
	}

	getJSON(t, f.base+"/subsz?subs=1&test=foo.bar", &sz)
	if got := subjectsOf(&sz); sz.Total != 3 || !slices.Equal(got, []string{"foo.*", "foo.>", "foo.bar"}) {
		t.Errorf("test=foo.bar: total %d %q; want the three that receive it", sz.Total, got)
	}
	getJSON(t, f.base+"/subsz?subs=1&test=foo", &sz)
	if got := subjectsOf(&sz); !slices.Equal(got, []string{"foo"}) {
		t.Errorf("test=foo: %q; foo.> needs at least one more token", got)
	}
	getJSON(t, f.base+"/subsz?subs=1&limit=2&offset=1", &sz)
	if len(sz.Subs) != 2 || sz.Total != 5 || sz.Offset != 1 || sz.Limit != 2 {
		t.Errorf("paging: %d listed total %d offset %d limit %d; want 2 5 1 2", len(sz.Subs), sz.Total, sz.Offset, sz.Limit)
	}
	getJSON(t, f.base+"/subsz?subs=1&offset=10", &sz)
	if sz.Subs != nil || sz.Total != 5 {
		t.Errorf("past the end: %d listed total %d; want none and 5", len(sz.Subs), sz.Total)
	}

	getJSON(t, f.base+"/subsz?subs=1&acc=$G", &sz)
	if sz.NumSubs != 5 || sz.Total != 5 || sz.NumMatches != 3 {
		t.Errorf("acc=$G: subscriptions %d total %d matches %d; want 5 5 3", sz.NumSubs, sz.Total, sz.NumMatches)
	}
	getJSON(t, f.base+"/subsz?subs=1&acc=$SYS", &sz)
	if sz.NumSubs != 0 || sz.Total != 0 || sz.NumMatches != 0 {
		t.Errorf("acc=$SYS: %+v, want nothing", sz)
	}
	getJSON(t, f.base+"/subscriptionsz?subs=1", &sz)
	if sz.Total != 5 {
		t.Errorf("/subscriptionsz total %d, want 5", sz.Total)
	}
}

func TestSubjectMatches(t *testing.T) {
	for _, tc := range []struct {
		filter, subject string
		want            bool
	}{
		{"foo", "foo", true},
		{"foo", "bar", false},
		{"foo", "foo.bar", false},
		{"foo.bar", "foo", false},
		{"foo.*", "foo.bar", true},
		{"foo.*", "foo", false},
		{"foo.*", "foo.bar.baz", false},
		{"*.bar", "foo.bar", true},
		{"foo.>", "foo.bar.baz", true},
		{"foo.>", "foo", false},
		{">", "foo", true},
		{"*.*.baz", "foo.bar.baz", true},
		{"*.*.baz", "foo.bar.qux", false},
	} {
		if got := subjectMatches(tc.filter, tc.subject); got != tc.want {
			t.Errorf("subjectMatches(%q, %q) = %v, want %v", tc.filter, tc.subject, got, tc.want)
		}
	}
}
