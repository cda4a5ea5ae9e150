package monitor

import (
	"strings"
	"testing"
	"time"

	"github.com/reactor-nats/reactor/reactor"
)

func TestHealthzIsOKWhileServing(t *testing.T) {
	f := runFixture(t, reactor.Options{})
	for _, path := range []string{"/healthz", "/healthz?js-enabled-only=true", "/healthz?js-server-only=true",
		"/healthz?details=true", "/healthz?account=$G&stream=s"} {
		if status, body := get(t, f.base+path); status != 200 || body != `{"status":"ok"}` {
			t.Errorf("%s: %d %s, want 200 {\"status\":\"ok\"} (JetStream checks pass with JetStream off)", path, status, body)
		}
	}
}

func TestHealthzFailsInLameDuckModeAndAfterShutdown(t *testing.T) {
	f := runFixture(t, reactor.Options{LameDuckGracePeriod: time.Minute})
	ldmDone := make(chan struct{})
	go func() { f.srv.LameDuck(); close(ldmDone) }()
	waitFor(t, "lame duck mode", f.srv.InLameDuckMode)

	want := `{"status":"error","error":"failed to be ready for connections after 1ms: server"}`
	if status, body := get(t, f.base+"/healthz"); status != 500 || body != want {
		t.Errorf("lame duck: %d %s, want 500 %s", status, body, want)
	}
	wantDetail := `{"status":"error","errors":[{"type":"CONNECTION","error":"failed to be ready for connections after 1ms: server"}]}`
	if status, body := get(t, f.base+"/healthz?details=true"); status != 500 || body != wantDetail {
		t.Errorf("lame duck with details: %d %s, want 500 %s", status, body, wantDetail)
	}
	f.srv.Shutdown()
	<-ldmDone
	if status, body := get(t, f.base+"/healthz"); status != 500 || body != want {
		t.Errorf("after shutdown: %d %s, want 500 %s", status, body, want)
	}
}

func TestJszReportsJetStreamDisabled(t *testing.T) {
	f := runFixture(t, reactor.Options{})
	var js JSInfo
	getJSON(t, f.base+"/jsz?accounts=true", &js)
	if !js.Disabled || js.ID != f.srv.ID() || js.Now.IsZero() || js.Streams != 0 || js.Config != (JSConfig{}) {
		t.Errorf("jsz: %+v, want disabled with this server's id and nothing else", js)
	}
}

func TestRoutezListsNoRoutes(t *testing.T) {
	f := runFixture(t, reactor.Options{ServerName: "solo"})
	status, body := get(t, f.base+"/routez")
	if status != 200 || !strings.Contains(body, `"routes": []`) || !strings.Contains(body, `"num_routes": 0`) ||
		!strings.Contains(body, `"server_name": "solo"`) {
		t.Errorf("routez: %d %s", status, body)
	}
}

func TestIndexPageLinksTheEndpoints(t *testing.T) {
	f := runFixture(t, reactor.Options{})
	status, body := get(t, f.base+"/")
	if status != 200 {
		t.Fatalf("/: %d", status)
	}
	for _, link := range []string{"./varz", "./connz", "./subsz", "./routez", "./accountz", "./jsz", "./healthz", "./metrics"} {
		if !strings.Contains(body, "href="+link+">") {
			t.Errorf("index page lacks a link to %s", link)
		}
	}
	if status, _ := get(t, f.base+"/nothing"); status != 404 {
		t.Errorf("/nothing: %d, want 404 as nats-server", status)
	}
}

func TestJSONRepliesAreOpenToAnyOrigin(t *testing.T) {
	f := runFixture(t, reactor.Options{})
	for _, path := range []string{"/varz", "/connz", "/subsz", "/routez", "/accountz", "/jsz", "/healthz"} {
		resp, err := httpClient.Get(f.base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: headers %v", path, resp.Header)
		}
	}
}
