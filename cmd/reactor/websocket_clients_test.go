package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/reactor-nats/reactor/internal/testref"
)

// Real WebSocket clients against the daemon's websocket listener: nats.ws in Node (over the ws package)
// and in headless Chromium, each running testdata/wsclient/scenario.js and reporting what it observed,
// which must be what it observes against the reference nats-server with the same configuration. `make
// browser-tools` (a dependency of `make test`) installs what they need: the npm packages pinned in
// testdata/wsclient/package-lock.json, and Debian's chromium. Without them the tests skip, saying why.

// wsClientTimeout bounds one run of a client: connecting, every step of the scenario, and closing.
const wsClientTimeout = 30 * time.Second

// wsClientDir is testdata/wsclient, once its npm dependencies are installed.
func wsClientDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("testdata", "wsclient"))
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range []string{"nats.ws", "ws"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg, "package.json")); err != nil {
			t.Skipf("npm package %s not installed in %s/node_modules (make browser-tools)", pkg, dir)
		}
	}
	return dir
}

func nodeBinary(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	return p
}

// chromiumBinary is $CHROMIUM, or the first of Debian's and other distributions' names found on PATH.
func chromiumBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium not installed (make browser-tools installs Debian's chromium)")
	return ""
}

// needClients skips the test unless node and the npm packages, and with browser chromium, are installed.
func needClients(t *testing.T, browser bool) {
	t.Helper()
	nodeBinary(t)
	wsClientDir(t)
	if browser {
		chromiumBinary(t)
	}
}

// startWSServer runs bin (reactor or nats-server) with a websocket block on a free loopback port and
// returns it, once both its ports accept, with the websocket URL.
func startWSServer(t *testing.T, bin string, compression bool) (*daemon, string) {
	t.Helper()
	wsPort := freePort(t)
	conf := filepath.Join(t.TempDir(), "ws.conf")
	text := fmt.Sprintf("websocket { listen: \"127.0.0.1:%d\", no_tls: true, compression: %t }\n", wsPort, compression)
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	d := startDaemonBinary(t, bin, "-c", conf)
	addr := fmt.Sprintf("127.0.0.1:%d", wsPort)
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return d, "ws://" + addr
		}
		if time.Now().After(deadline) {
			t.Fatalf("websocket port never listened: %v\n%s", err, d.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// runNodeClient runs client.mjs against wsURL and returns the JSON after its RESULT line; the test fails
// with the client's output when it reports a failure.
func runNodeClient(t *testing.T, wsURL string, args ...string) string {
	t.Helper()
	dir := wsClientDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), wsClientTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, nodeBinary(t), append([]string{"client.mjs", wsURL}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	result, ok := resultLine(string(out))
	if err != nil || !ok {
		t.Fatalf("node client.mjs %s %v: %v\n%s", wsURL, args, err, out)
	}
	return result
}

// resultLine finds the line RESULT <json> in a client's output.
func resultLine(out string) (string, bool) {
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "RESULT "); ok {
			return rest, true
		}
	}
	return "", false
}

// wantScenario is what scenario.js must observe: the same from every server, client and compression
// setting, but for whether compression was negotiated and, with a nats.go client taking part, the interop
// step.
func wantScenario(compression, interop bool) string {
	const steps = `"info":{"proto":1,"headers":true,"max_payload":1048576},"compression":%t,` +
		`"pubsub":["ws.echo.a:one","ws.echo.b:two"],` +
		`"headers":{"data":"with headers","single":"one value","multi":["first","second"]},` +
		`"request":{"data":"answer to the question","answeredBy":"the service"},` +
		`"noResponders":"503","queued":20,` +
		`"largeSent":["204800:719655416","204800:1733094640"],"large":["204800:719655416","204800:1733094640"],`
	want := "{" + fmt.Sprintf(steps, compression)
	if interop {
		want += `"interop":{"reply":"nats.go got: hello from nats.ws","replyFrom":"nats.go",` +
			`"pushed":{"data":"pushed by nats.go","from":"nats.go"}},`
	}
	return want + `"closedWith":"drained"}`
}

// sameJSON fails the test unless got and want are the same JSON value.
func sameJSON(t *testing.T, what, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("%s: not JSON: %v\n%s", what, err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want: %v", err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("%s:\n got %s\nwant %s", what, got, want)
	}
}

// TestNodeNatsWSMatchesNatsServer: nats.ws in Node publishes, subscribes through a wildcard, sends and
// reads headers, makes a request, meets no responders, shares a queue group and sends 200 KB payloads
// (compressible and not) over reactor's websocket listener, with and without compression, and observes
// what it observes over nats-server's.
func TestNodeNatsWSMatchesNatsServer(t *testing.T) {
	needClients(t, false)
	for _, compression := range []bool{true, false} {
		t.Run(fmt.Sprintf("compression=%t", compression), func(t *testing.T) {
			_, wsURL := startWSServer(t, reactorBinary(t), compression)
			got := runNodeClient(t, wsURL)
			sameJSON(t, "reactor", got, wantScenario(compression, false))

			_, refURL := startWSServer(t, natsServerBinary(t), compression)
			sameJSON(t, "nats-server", runNodeClient(t, refURL), got)
		})
	}
}

// interopSeen is what the nats.go side of the interop step received.
type interopSeen struct {
	mu   sync.Mutex
	msgs []string // "<data> (X-From: <header>)"
}

func (s *interopSeen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.msgs, "\n")
}

// serveInterop connects nats.go to the daemon's TCP port and answers on interop.go as scenario.js's
// interop step expects: a message to interop.node first, then the reply, both with the header X-From:
// nats.go.
func serveInterop(t *testing.T, d *daemon) *interopSeen {
	t.Helper()
	nc, err := nats.Connect(d.url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	seen := &interopSeen{}
	_, err = nc.Subscribe("interop.go", func(m *nats.Msg) {
		seen.mu.Lock()
		seen.msgs = append(seen.msgs, fmt.Sprintf("%s (X-From: %s)", m.Data, m.Header.Get("X-From")))
		seen.mu.Unlock()
		push := nats.NewMsg("interop.node")
		push.Header.Set("X-From", "nats.go")
		push.Data = []byte("pushed by nats.go")
		_ = nc.PublishMsg(push)
		reply := nats.NewMsg(m.Reply)
		reply.Header.Set("X-From", "nats.go")
		reply.Data = append([]byte("nats.go got: "), m.Data...)
		_ = m.RespondMsg(reply)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	return seen
}

// TestNodeNatsWSAndNatsGoOverTCP: a request from nats.ws over WebSocket reaches nats.go on the TCP port,
// with its header, and nats.go's message and reply, with theirs, come back; on reactor as on nats-server.
func TestNodeNatsWSAndNatsGoOverTCP(t *testing.T) {
	needClients(t, false)
	for _, server := range []struct{ name, bin string }{
		{"reactor", reactorBinary(t)}, {"nats-server", natsServerBinary(t)},
	} {
		d, wsURL := startWSServer(t, server.bin, true)
		seen := serveInterop(t, d)
		sameJSON(t, server.name, runNodeClient(t, wsURL, "--interop"), wantScenario(true, true))
		if got := seen.String(); got != "hello from nats.ws (X-From: nats.ws)" {
			t.Fatalf("%s: nats.go received %q", server.name, got)
		}
	}
}

// TestNodeLargeCompressedMessageIsDeliveredWithoutFurtherInput: a compressed WebSocket message that
// inflates to more than 32 KiB, with nothing sent after it, is delivered at once, as nats-server delivers
// it. The client first settles past the server's first PING, whose PONG would otherwise be the input that
// delivers it.
func TestNodeLargeCompressedMessageIsDeliveredWithoutFurtherInput(t *testing.T) {
	needClients(t, false)
	_, refURL := startWSServer(t, natsServerBinary(t), true)
	sameJSON(t, "nats-server", runNodeClient(t, refURL, "--settle", "3500"), wantScenario(true, false))
	_, wsURL := startWSServer(t, reactorBinary(t), true)
	sameJSON(t, "reactor", runNodeClient(t, wsURL, "--settle", "3500"), wantScenario(true, false))
}

// browserRun is one load of index.html: the test's HTTP server serves it, scenario.js and nats.ws's
// browser bundle, and receives the page's result.
type browserRun struct {
	posted   chan string // the body of the page's POST /done
	postOnce sync.Once
}

func (b *browserRun) handler(dir string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, filepath.Join(dir, "index.html"))
	})
	mux.HandleFunc("GET /scenario.js", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, filepath.Join(dir, "scenario.js"))
	})
	mux.HandleFunc("GET /nats.js", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, filepath.Join(dir, "node_modules", "nats.ws", "esm", "nats.js"))
	})
	// The page's image: answered once the page has posted its result, so that Chromium's load event,
	// which --dump-dom waits for, comes after the result is in the DOM.
	mux.HandleFunc("GET /until-done", func(w http.ResponseWriter, r *http.Request) {
		select {
		case result := <-b.posted:
			b.posted <- result
		case <-r.Context().Done():
		case <-time.After(wsClientTimeout - 5*time.Second): // Chromium dumps the DOM as it stands
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /done", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		b.postOnce.Do(func() { b.posted <- string(body) })
	})
	return mux
}

// The page's outcome in the DOM Chromium dumps.
var (
	domResult = regexp.MustCompile(`(?s)<pre id="result">(.*?)</pre>`)
	domTitle  = regexp.MustCompile(`(?s)<title>(.*?)</title>`)
)

// runBrowserClient loads index.html in headless Chromium against wsURL and returns the JSON after RESULT
// in the dumped DOM, which must also be what the page posted.
func runBrowserClient(t *testing.T, wsURL string, interop bool) string {
	t.Helper()
	dir := wsClientDir(t)
	chromium := chromiumBinary(t)
	run := &browserRun{posted: make(chan string, 1)}
	site := httptest.NewServer(run.handler(dir)) // on 127.0.0.1
	defer site.Close()
	page := site.URL + "/?ws=" + wsURL
	if interop {
		page += "&interop"
	}

	ctx, cancel := context.WithTimeout(context.Background(), wsClientTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
		"--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
		"--disable-background-networking", "--user-data-dir="+t.TempDir(), "--dump-dom", page)
	// Chromium's helper processes share its process group, which goes whole when it is done.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var dom, logs testref.Buffer
	cmd.Stdout, cmd.Stderr = &dom, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	if err != nil {
		t.Fatalf("chromium: %v\nDOM:\n%s\nlogs:\n%s", err, dom.String(), logs.String())
	}

	var posted string
	select {
	case posted = <-run.posted:
	default:
		t.Fatalf("the page posted no result\nDOM:\n%s\nlogs:\n%s", dom.String(), logs.String())
	}
	m := domResult.FindStringSubmatch(dom.String())
	title := domTitle.FindStringSubmatch(dom.String())
	if m == nil || title == nil {
		t.Fatalf("no result in the DOM:\n%s", dom.String())
	}
	shown := html.UnescapeString(m[1])
	result, ok := strings.CutPrefix(shown, "RESULT ")
	if !ok || title[1] != "done" {
		t.Fatalf("the page failed (title %q): %s", title[1], shown)
	}
	if shown != posted {
		t.Fatalf("the DOM shows\n%s\nbut the page posted\n%s", shown, posted)
	}
	return result
}

// TestChromiumNatsWSMatchesNatsServer: headless Chromium runs the same scenario with nats.ws's browser
// bundle, talking to nats.go on the TCP port too, over reactor's websocket listener with and without
// compression, and observes what it observes over nats-server's.
func TestChromiumNatsWSMatchesNatsServer(t *testing.T) {
	needClients(t, true)
	for _, compression := range []bool{true, false} {
		t.Run(fmt.Sprintf("compression=%t", compression), func(t *testing.T) {
			d, wsURL := startWSServer(t, reactorBinary(t), compression)
			seen := serveInterop(t, d)
			got := runBrowserClient(t, wsURL, true)
			sameJSON(t, "reactor", got, wantScenario(compression, true))
			if got := seen.String(); got != "hello from nats.ws (X-From: nats.ws)" {
				t.Fatalf("nats.go received %q", got)
			}

			ref, refURL := startWSServer(t, natsServerBinary(t), compression)
			serveInterop(t, ref)
			sameJSON(t, "nats-server", runBrowserClient(t, refURL, true), got)
		})
	}
}
