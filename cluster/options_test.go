package cluster

import (
	"strings"
	"testing"
)

func TestParseRouteURLs(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    []string // u.String() of each
		wantErr string
	}{
		{"nats-route://a:b@h1:6222", []string{"nats-route://a:b@h1:6222"}, ""},
		{" nats-route://h1:1 , nats://h2:2 ,", []string{"nats-route://h1:1", "nats://h2:2"}, ""},
		{"", nil, ""},
		{"h1:6222", nil, `error parsing route url ["h1:6222"]`},
		{"nats-route://h1", nil, `error parsing route url ["nats-route://h1"]: want host:port`},
		{"nats-route://h1:1,::bad", nil, `error parsing route url ["::bad"]`},
	} {
		got, err := ParseRouteURLs(tc.in)
		if tc.wantErr != "" {
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("%q: err %v, want %s", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		var urls []string
		for _, u := range got {
			urls = append(urls, u.String())
		}
		if strings.Join(urls, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%q: got %v, want %v", tc.in, urls, tc.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestApplyFlagsOverridesConfig(t *testing.T) {
	o := &Options{Name: "fromfile", Host: "0.0.0.0", Port: 6222, ConnectRetries: 1}
	err := ApplyFlags(o, Flags{
		Cluster:        ptr("nats://ru:rp@127.0.0.1:7222"),
		Name:           ptr("C"),
		Routes:         ptr("nats-route://h1:1,nats-route://h2:2"),
		Advertise:      ptr("10.0.0.1:7222"),
		NoAdvertise:    ptr(true),
		ConnectRetries: ptr(4),
	})
	if err != nil {
		t.Fatal(err)
	}
	if o.Name != "C" || o.Host != "127.0.0.1" || o.Port != 7222 || o.Username != "ru" || o.Password != "rp" ||
		len(o.Routes) != 2 || o.Advertise != "10.0.0.1:7222" || !o.NoAdvertise || o.ConnectRetries != 4 {
		t.Fatalf("got %+v", o)
	}
}

func TestApplyFlagsLeavesUnsetAlone(t *testing.T) {
	o := &Options{Name: "fromfile", Port: 6222, NoAdvertise: true}
	if err := ApplyFlags(o, Flags{}); err != nil {
		t.Fatal(err)
	}
	if o.Name != "fromfile" || o.Port != 6222 || !o.NoAdvertise {
		t.Fatalf("got %+v", o)
	}
}

func TestApplyFlagsRefuses(t *testing.T) {
	for _, tc := range []struct {
		flags Flags
		want  string
	}{
		{Flags{Cluster: ptr("nats://nohost")}, `--cluster: invalid cluster URL "nats://nohost": want nats://host:port`},
		{Flags{Cluster: ptr("nats://h:x")}, `--cluster: invalid cluster URL "nats://h:x"`},
		{Flags{Cluster: ptr("nats://h:70000")}, `--cluster: invalid cluster URL "nats://h:70000"`},
		{Flags{Name: ptr("a b")}, `--cluster_name: cluster name cannot contain spaces`},
		{Flags{Routes: ptr("h:1")}, `--routes: error parsing route url ["h:1"]`},
	} {
		err := ApplyFlags(&Options{}, tc.flags)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("got %v, want %s…", err, tc.want)
		}
	}
}

func TestClusterFlagRandomPortAndPasswordlessUser(t *testing.T) {
	var o Options
	url := "nats://127.0.0.1:-1"
	if err := ApplyFlags(&o, Flags{Cluster: &url}); err != nil || o.Port != -1 || o.Host != "127.0.0.1" {
		t.Fatalf("--cluster %s: %+v %v", url, o, err)
	}
	noPass := "nats://ruser@127.0.0.1:6222"
	if err := ApplyFlags(&o, Flags{Cluster: &noPass}); err == nil || !strings.Contains(err.Error(), "expected cluster password to be set") {
		t.Fatalf("--cluster %s: %v, want the password refusal", noPass, err)
	}
}
