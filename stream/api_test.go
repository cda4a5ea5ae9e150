package stream

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/sys/unix"
)

// errCode returns a response's err_code, 0 when it succeeded.
func errCode(resp map[string]any) int {
	e, _ := resp["error"].(map[string]any)
	code, _ := e["err_code"].(float64)
	return int(code)
}

func errText(resp map[string]any) string {
	e, _ := resp["error"].(map[string]any)
	text, _ := e["description"].(string)
	return text
}

// mustSucceed fails the test when resp carries an error.
func mustSucceed(t testing.TB, resp map[string]any) map[string]any {
	t.Helper()
	if resp["error"] != nil {
		t.Fatalf("request failed: %v", resp["error"])
	}
	return resp
}

func TestDirectGetAnswersTheMessageWithStreamHeaders(t *testing.T) {
	env := newAPIEnv(t)
	mustSucceed(t, env.request("$JS.API.STREAM.CREATE.D", `{"name":"D","subjects":["d.>"],"allow_direct":true,"storage":"memory"}`))
	env.publish("d.a", nil, "one")
	env.publish("d.b", hdrBlock("X-Y: z"), "two")
	stamp := `Nats-Time-Stamp: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\r\n`
	for _, tc := range []struct {
		subject, body string
		header        string // a regexp of the whole header block
		data          string
	}{
		{"$JS.API.DIRECT.GET.D", `{"seq":1}`,
			"NATS/1.0\r\nNats-Stream: D\r\nNats-Subject: d.a\r\nNats-Sequence: 1\r\n" + stamp + "\r\n", "one"},
		{"$JS.API.DIRECT.GET.D", `{"seq":2}`,
			"NATS/1.0\r\nX-Y: z\r\nNats-Stream: D\r\nNats-Subject: d.b\r\nNats-Sequence: 2\r\n" + stamp + "\r\n", "two"},
		{"$JS.API.DIRECT.GET.D.d.a", ``,
			"NATS/1.0\r\nNats-Stream: D\r\nNats-Subject: d.a\r\nNats-Sequence: 1\r\n" + stamp + "\r\n", "one"},
		{"$JS.API.DIRECT.GET.D", `{"seq":3}`, "NATS/1.0 404 Message Not Found\r\n\r\n", ""},
		{"$JS.API.DIRECT.GET.D", `{}`, "NATS/1.0 408 Empty Request\r\n\r\n", ""},
		{"$JS.API.DIRECT.GET.D", `{"seq":`, "NATS/1.0 408 Malformed Request\r\n\r\n", ""},
		{"$JS.API.DIRECT.GET.D.d.a", `{"seq":1}`, "NATS/1.0 408 Bad Request\r\n\r\n", ""},
		{"$JS.API.DIRECT.GET.E", `{"seq":1}`, "NATS/1.0 503\r\n\r\n", ""},
	} {
		out, ok := env.send(tc.subject, tc.body, nil)
		if !ok {
			t.Fatalf("%s %s: no answer", tc.subject, tc.body)
		}
		if !regexp.MustCompile(`^` + tc.header + `$`).Match(out.Hdr) {
			t.Errorf("%s %s: header %q, want %q", tc.subject, tc.body, out.Hdr, tc.header)
		}
		if string(out.Data) != tc.data {
			t.Errorf("%s %s: data %q, want %q", tc.subject, tc.body, out.Data, tc.data)
		}
	}
}

func TestFileStreamsComeBackAfterRestart(t *testing.T) {
	dir := t.TempDir()
	env := newAPIEnvAt(t, dir, Unlimited)
	created := mustSucceed(t, env.request("$JS.API.STREAM.CREATE.F", `{"name":"F","subjects":["f.>"],"max_msgs_per_subject":3}`))
	mustSucceed(t, env.request("$JS.API.STREAM.UPDATE.F", `{"name":"F","subjects":["f.>","g"],"max_msgs_per_subject":3,"description":"kept"}`))
	mustSucceed(t, env.request("$JS.API.STREAM.CREATE.M", `{"name":"M","subjects":["m"],"storage":"memory"}`))
	env.publish("f.a", nil, "1")
	env.publish("g", nil, "2")
	env.mgr.Shutdown()

	again := newAPIEnvAt(t, dir, Unlimited)
	info := mustSucceed(t, again.request("$JS.API.STREAM.INFO.F", ``))
	cfg := info["config"].(map[string]any)
	if cfg["description"] != "kept" || len(cfg["subjects"].([]any)) != 2 {
		t.Errorf("recovered config %v: want the updated one", cfg)
	}
	if info["created"] != created["created"] {
		t.Errorf("created %v, want %v as at creation", info["created"], created["created"])
	}
	if state := info["state"].(map[string]any); state["messages"] != 2.0 || state["last_seq"] != 2.0 {
		t.Errorf("recovered state %v: want 2 messages", state)
	}
	if names := again.request("$JS.API.STREAM.NAMES", ``)["streams"]; len(names.([]any)) != 1 {
		t.Errorf("streams after restart %v: want only F (memory streams are not kept, as nats-server)", names)
	}
	if ack := again.publish("f.b", nil, "3"); ack != `{"stream":"F","seq":3}` {
		t.Errorf("publish after restart: %s", ack)
	}
}

func TestUnreadableStreamDirectoriesAreSkipped(t *testing.T) {
	dir := t.TempDir()
	env := newAPIEnvAt(t, dir, Unlimited)
	for _, name := range []string{"GOOD", "GARBAGE", "BADSUM", "MOVED", "OVERLAP"} {
		mustSucceed(t, env.request("$JS.API.STREAM.CREATE."+name, `{"name":"`+name+`","subjects":["`+strings.ToLower(name)+`"]}`))
	}
	env.mgr.Shutdown()
	streams := filepath.Join(dir, "jetstream", "A", "streams")
	meta := func(name string) string { return filepath.Join(streams, name, metaFile) }
	if err := os.WriteFile(meta("GARBAGE"), []byte("not json at all"), 0o600); err != nil {
		t.Fatal(err)
	}
	content, _ := os.ReadFile(meta("BADSUM"))
	if err := os.WriteFile(meta("BADSUM"), []byte(strings.Replace(string(content), "badsum", "BADSUM", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(streams, "MOVED"), filepath.Join(streams, "ELSEWHERE")); err != nil {
		t.Fatal(err)
	}
	overlap, created, err := readMeta(filepath.Join(streams, "OVERLAP"))
	if err != nil {
		t.Fatal(err)
	}
	overlap.Subjects = []string{"good"} // now collides with GOOD, recovered first
	if err := writeMeta(filepath.Join(streams, "OVERLAP"), overlap, created); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(streams, "stray-file"), nil, 0o600); err != nil {
		t.Fatal(err)
	}

	again := newAPIEnvAt(t, dir, Unlimited)
	names := again.request("$JS.API.STREAM.NAMES", ``)["streams"].([]any)
	if len(names) != 1 || names[0] != "GOOD" {
		t.Errorf("recovered %v: want GOOD alone", names)
	}
}

func TestManagerResolvesDefaultsAsNatsServer(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	m, err := NewManager(Options{Logger: zerolog.Nop()}, newTestHost())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Shutdown()
	opts := m.Options()
	if opts.StoreDir != filepath.Join(tmp, "nats") || opts.JetStreamDir() != filepath.Join(tmp, "nats", "jetstream") {
		t.Errorf("store dir %q: want $TMPDIR/nats, streams in $TMPDIR/nats/jetstream", opts.StoreDir)
	}
	if _, err := os.Stat(opts.JetStreamDir()); err != nil {
		t.Errorf("store directory not made: %v", err)
	}
	if opts.SyncInterval != 2*time.Minute {
		t.Errorf("sync interval %v: want 2m", opts.SyncInterval)
	}
	var si unix.Sysinfo_t
	if err := unix.Sysinfo(&si); err != nil {
		t.Fatal(err)
	}
	if want := int64(si.Totalram) * int64(si.Unit) / 4 * 3; opts.MaxMemory != want {
		t.Errorf("max memory %d: want 75%% of %d", opts.MaxMemory, int64(si.Totalram)*int64(si.Unit))
	}
	var fs unix.Statfs_t
	if err := unix.Statfs(tmp, &fs); err != nil {
		t.Fatal(err)
	}
	free := int64(fs.Bavail) * fs.Bsize // moves while other tests write: within 1%
	if want := free / 4 * 3; opts.MaxStore < want-want/100 || opts.MaxStore > want+want/100 {
		t.Errorf("max store %d: want about 75%% of the %d bytes free", opts.MaxStore, free)
	}

	given, err := NewManager(Options{StoreDir: tmp, MaxMemory: 1 << 20, MaxStore: 2 << 20, SyncInterval: time.Second}, newTestHost())
	if err != nil {
		t.Fatal(err)
	}
	if o := given.Options(); o.MaxMemory != 1<<20 || o.MaxStore != 2<<20 || o.SyncInterval != time.Second || o.StoreDir != tmp {
		t.Errorf("given options changed: %+v", o)
	}
}

func TestAccountLimitsRefuseStreams(t *testing.T) {
	limits := Unlimited
	limits.MaxStreams = 2
	limits.StoreMaxStreamBytes = 1000
	limits.MaxMemory = 5000
	env := newAPIEnvAt(t, t.TempDir(), limits)
	mustSucceed(t, env.request("$JS.API.STREAM.CREATE.A", `{"name":"A","max_bytes":1000}`))
	for _, tc := range []struct {
		subject, body string
		code          int
	}{
		{"$JS.API.STREAM.CREATE.B", `{"name":"B","max_bytes":1001}`, 10122},
		{"$JS.API.STREAM.CREATE.B", `{"name":"B","storage":"memory","max_bytes":5001}`, 10028},
	} {
		if resp := env.request(tc.subject, tc.body); errCode(resp) != tc.code {
			t.Errorf("%s: %v, want err_code %d", tc.body, resp["error"], tc.code)
		}
	}
	mustSucceed(t, env.request("$JS.API.STREAM.CREATE.B", `{"name":"B","storage":"memory","max_bytes":5000}`))
	if resp := env.request("$JS.API.STREAM.CREATE.C", `{"name":"C"}`); errCode(resp) != 10027 {
		t.Errorf("third stream: %v, want 10027", resp["error"])
	}
	info := env.request("$JS.API.INFO", ``)
	if info["reserved_storage"] != 1000.0 || info["reserved_memory"] != 5000.0 || info["streams"] != 2.0 {
		t.Errorf("account info %v: want 1000 storage and 5000 memory reserved, 2 streams", info)
	}
	lim := info["limits"].(map[string]any)
	if lim["max_streams"] != 2.0 || lim["storage_max_stream_bytes"] != 1000.0 || lim["max_memory"] != 5000.0 {
		t.Errorf("limits %v", lim)
	}

	required := Unlimited
	required.MaxBytesRequired = true
	env = newAPIEnvAt(t, t.TempDir(), required)
	if resp := env.request("$JS.API.STREAM.CREATE.A", `{"name":"A"}`); errCode(resp) != 10113 {
		t.Errorf("no max_bytes: %v, want 10113", resp["error"])
	}
}

func TestRoomCountsAccountAndServerLimits(t *testing.T) {
	limits := Unlimited
	limits.MaxStore = 100
	env := newAPIEnvAt(t, t.TempDir(), limits)
	a := env.mgr.Account("A")
	if a.room(FileStorage, 100) != nil || a.room(FileStorage, 101) != ErrAccountResources {
		t.Error("account limit of 100 bytes not applied")
	}
	a.used(FileStorage, 60)
	if a.room(FileStorage, 41) != ErrAccountResources || a.room(FileStorage, 40) != nil {
		t.Error("60 bytes used: 40 more fit, 41 do not")
	}
	if st := env.mgr.Stats(); st.Storage != 60 || st.Memory != 0 {
		t.Errorf("server usage %+v: want 60 bytes of storage", st)
	}
	// The server's limit refuses only once usage is past it, as nats-server's does.
	serverMax := env.mgr.opts.MaxMemory
	if a.room(MemoryStorage, uint64(serverMax)+1) != nil {
		t.Error("server's max_memory refused a message while usage was under it")
	}
	a.used(MemoryStorage, serverMax+1)
	if a.room(MemoryStorage, 1) != ErrInsufficientResource {
		t.Error("server's max_memory not applied to an unlimited account once usage passed it")
	}
	a.used(MemoryStorage, -(serverMax + 1))
	a.used(FileStorage, -60)
	if st := env.mgr.Stats(); st.Storage != 0 {
		t.Errorf("usage after release %d", st.Storage)
	}
}

func TestStatsCountStreamsMessagesAndRequests(t *testing.T) {
	env := newAPIEnv(t)
	mustSucceed(t, env.request("$JS.API.STREAM.CREATE.M", `{"name":"M","subjects":["m"],"storage":"memory"}`))
	mustSucceed(t, env.request("$JS.API.STREAM.CREATE.F", `{"name":"F","subjects":["f"]}`))
	env.request("$JS.API.STREAM.INFO.NOPE", ``)
	env.publish("m", nil, "hello")
	env.publish("f", nil, "hello")
	env.publish("f", nil, "world")
	st := env.mgr.Stats()
	if st.Streams != 2 || st.Messages != 3 || st.Accounts != 1 {
		t.Errorf("stats %+v: want 2 streams, 3 messages, 1 account", st)
	}
	if st.Memory != 1+5+16 || st.Storage != 2*(1+5+30) {
		t.Errorf("usage %d memory, %d storage: want nats-server's per-message sizes", st.Memory, st.Storage)
	}
	if st.API != (APIStats{Level: APILevel, Total: 3, Errors: 1}) {
		t.Errorf("api %+v: want 3 requests, 1 error", st.API)
	}
	accounts := env.mgr.AccountStats(true)
	if len(accounts) != 1 || len(accounts[0].Streams) != 2 || accounts[0].Messages != 3 || accounts[0].Streams[0].Cluster.Leader != "srv" {
		t.Errorf("account stats %+v", accounts)
	}
	info := env.request("$JS.API.INFO", ``)
	if info["memory"] != float64(st.Memory) || info["storage"] != float64(st.Storage) {
		t.Errorf("account info %v: want the usage above", info)
	}
}

func TestUnsupportedFeaturesAreRefusedByName(t *testing.T) {
	env := newAPIEnv(t)
	for _, tc := range []struct{ body, text string }{
		{`"mirror":{"name":"X"}`, "stream mirrors are not supported by this server yet"},
		{`"sources":[{"name":"X"}]`, "stream sources are not supported by this server yet"},
		{`"subject_transform":{"src":">","dest":"x.>"}`, "stream subject transforms are not supported by this server yet"},
		{`"republish":{"src":">","dest":"x.>"}`, "stream republish is not supported by this server yet"},
		{`"allow_msg_counter":true`, "message counters are not supported by this server yet"},
		{`"allow_msg_schedules":true`, "message schedules are not supported by this server yet"},
		{`"persist_mode":"async"`, `persist mode "async" is not supported by this server yet`},
	} {
		resp := env.request("$JS.API.STREAM.CREATE.X", `{"name":"X",`+tc.body+`}`)
		if errCode(resp) != 10052 || errText(resp) != tc.text {
			t.Errorf("%s: %v, want 10052 %q", tc.body, resp["error"], tc.text)
		}
	}
	mustSucceed(t, env.request("$JS.API.STREAM.CREATE.X", `{"name":"X","placement":{"cluster":"c"},"mirror":null,"sources":[]}`))
}

// allow_atomic and allow_batched are taken (`nats bench js pub --create` sets both) and reported with the
// API level nats-server stores for them (observed: 2 and 4); a batch publish is refused all the same.
func TestAtomicAndBatchedFlagsAccepted(t *testing.T) {
	env := newAPIEnv(t)
	for _, tc := range []struct{ name, body, level string }{
		{"AT", `"allow_atomic":true`, "2"},
		{"BA", `"allow_batched":true`, "4"},
		{"BOTH", `"allow_atomic":true,"allow_batched":true`, "4"},
	} {
		resp := env.request("$JS.API.STREAM.CREATE."+tc.name, `{"name":"`+tc.name+`","subjects":["`+tc.name+`"],`+tc.body+`}`)
		mustSucceed(t, resp)
		cfg := resp["config"].(map[string]any)
		if md := cfg["metadata"].(map[string]any); md["_nats.req.level"] != tc.level {
			t.Errorf("%s: required level %v, want %s", tc.name, md["_nats.req.level"], tc.level)
		}
	}
	if ack := env.publish("AT", hdrBlock("Nats-Batch-Id: b1", "Nats-Batch-Sequence: 1"), "x"); !strings.Contains(ack, `"err_code":10174`) {
		t.Errorf("batch publish: %s, want it refused", ack)
	}
}

func TestRequestsWithoutReplyAreServedSilently(t *testing.T) {
	env := newAPIEnv(t)
	env.host.listener("A")(Request{Account: "A", Subject: "$JS.API.STREAM.CREATE.Q", Data: []byte(`{"name":"Q"}`)})
	if env.mgr.Account("A").Stream("Q") == nil {
		t.Fatal("create without a reply did not create")
	}
	if sends := env.host.sendCalls(); len(sends) != 0 {
		t.Errorf("sent %v with no reply subject", sends)
	}
}

func TestEnableAccountTwiceChangesOnlyLimits(t *testing.T) {
	env := newAPIEnv(t)
	mustSucceed(t, env.request("$JS.API.STREAM.CREATE.Q", `{"name":"Q"}`))
	limits := Unlimited
	limits.MaxStreams = 7
	if err := env.mgr.EnableAccount("A", limits); err != nil {
		t.Fatal(err)
	}
	a := env.mgr.Account("A")
	if a.Stream("Q") == nil || a.Limits().MaxStreams != 7 {
		t.Errorf("after a second enable: stream %v, limits %+v", a.Stream("Q"), a.Limits())
	}
	for _, bad := range []string{"", "..", "a/b"} {
		if err := env.mgr.EnableAccount(bad, Unlimited); err == nil {
			t.Errorf("account %q enabled: its name is no directory name", bad)
		}
	}
}

func TestShutdownStopsStreamsAndTheAPI(t *testing.T) {
	env := newAPIEnv(t)
	mustSucceed(t, env.request("$JS.API.STREAM.CREATE.Q", `{"name":"Q","subjects":["q"]}`))
	mustSucceed(t, env.request("$JS.API.STREAM.CREATE.R", `{"name":"R","subjects":["r"],"storage":"memory"}`))
	env.publish("q", nil, "x")
	env.mgr.Shutdown()
	env.host.mu.Lock()
	captures, listeners := len(env.host.captures), len(env.host.listeners)
	env.host.mu.Unlock()
	if captures != 0 || listeners != 0 {
		t.Errorf("after shutdown: %d captures, %d listeners left", captures, listeners)
	}
	if err := env.mgr.EnableAccount("B", Unlimited); err == nil {
		t.Error("account enabled after shutdown")
	}
	env.mgr.Shutdown() // twice is harmless
}

func TestSubjectsCollide(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"foo", "foo", true}, {"foo", "bar", false}, {"foo.*", "foo.bar", true}, {"foo.>", "foo", false},
		{"foo.>", "foo.a.b", true}, {"*", "foo", true}, {"*", "foo.bar", false}, {">", "a.b.c", true},
		{"a.*.c", "a.b.*", true}, {"a.*.c", "a.b.d", false}, {"a.b", "a.b.c", false}, {"$JS.API.>", "$JS.>", true},
	} {
		if got := subjectsCollide(tc.a, tc.b); got != tc.want {
			t.Errorf("subjectsCollide(%q, %q) = %v", tc.a, tc.b, got)
		}
		if got := subjectsCollide(tc.b, tc.a); got != tc.want {
			t.Errorf("subjectsCollide(%q, %q) = %v", tc.b, tc.a, got)
		}
	}
}

func TestEmptyRequest(t *testing.T) {
	for body, want := range map[string]bool{"": true, "  ": true, "{}": true, " { } ": true, `{"seq":0}`: false,
		"[]": false, "{": false, "null": false} {
		if got := emptyRequest([]byte(body)); got != want {
			t.Errorf("emptyRequest(%q) = %v", body, got)
		}
	}
}

func TestMetaFileRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "S")
	cfg, e := checkConfig(Config{Name: "S", Description: "d"}, true)
	if e != nil {
		t.Fatal(e)
	}
	created := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	if err := writeMeta(dir, cfg, created); err != nil {
		t.Fatal(err)
	}
	got, gotCreated, err := readMeta(dir)
	if err != nil {
		t.Fatal(err)
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(cfg)
	if string(gotJSON) != string(wantJSON) || !gotCreated.Equal(created) {
		t.Errorf("read back %s %v, want %s %v", gotJSON, gotCreated, wantJSON, created)
	}
	if _, err := os.Stat(filepath.Join(dir, metaFile+".tmp")); !os.IsNotExist(err) {
		t.Errorf("temporary meta file left: %v", err)
	}
	for _, broken := range []string{"", "{}", "{}\n00000000\n", string(gotJSON)} {
		if err := os.WriteFile(filepath.Join(dir, metaFile), []byte(broken), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, _, err := readMeta(dir); err == nil {
			t.Errorf("meta %q accepted", broken)
		}
	}
}
