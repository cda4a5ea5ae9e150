package reactor

import (
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// quiet is the CONNECT real clients send: without it nats-server's defaults (verbose, pedantic) apply.
const quiet = "CONNECT {\"verbose\":false,\"pedantic\":false}\r\n"

// wireCase is one exchange on a raw connection: what a client sends and exactly what it gets back, taken
// from nats-server v2.15.2 on the wire. For a connection that stays open, reply is what arrives before the
// PONG to a PING sent after the input; for one the server closes, everything until EOF.
type wireCase struct {
	name   string
	send   string
	reply  string
	closed bool
}

var wireCases = []wireCase{
	// Baseline and verbose/pedantic defaults.
	{"ping", quiet + "PING\r\nPING\r\n", "PONG\r\nPONG\r\n", false},
	{"verbose sequence", "CONNECT {\"verbose\":true}\r\nSUB foo 1\r\nPUB foo 2\r\nhi\r\nUNSUB 1\r\n",
		"+OK\r\n+OK\r\n+OK\r\nMSG foo 1 2\r\nhi\r\n+OK\r\n", false},
	{"ops before CONNECT get nats-server's defaults", "SUB foo 1\r\nPUB foo 2\r\nhi\r\n",
		"+OK\r\n+OK\r\nMSG foo 1 2\r\nhi\r\n", false},
	{"CONNECT {} keeps verbose and pedantic on", "CONNECT {}\r\nPUB foo.* 2\r\nhi\r\n",
		"+OK\r\n-ERR 'Invalid Publish Subject'\r\n+OK\r\n", false},
	{"second CONNECT replaces options", "CONNECT {\"verbose\":true}\r\n" + quiet + "SUB x 1\r\n", "+OK\r\n", false},
	{"CONNECT null", "CONNECT null\r\n", "+OK\r\n", false},
	{"unknown CONNECT fields ignored", "CONNECT {\"verbose\":false,\"pedantic\":false,\"future\":[1]}\r\n", "", false},

	// Unknown operations.
	{"unknown op", quiet + "FOO bar\r\n", "-ERR 'Unknown Protocol Operation'\r\n", true},
	{"unknown op before CONNECT", "FOO bar\r\n", "-ERR 'Unknown Protocol Operation'\r\n", true},
	{"NUL byte", "\x00", "-ERR 'Unknown Protocol Operation'\r\n", true},
	{"bare CRLF", quiet + "\r\n", "-ERR 'Unknown Protocol Operation'\r\n", true},
	{"leading blank", quiet + " PING\r\n", "-ERR 'Unknown Protocol Operation'\r\n", true},
	{"garbage without newline", quiet + "xyz", "-ERR 'Unknown Protocol Operation'\r\n", true},
	{"PUBX", quiet + "PUBX foo 1\r\n", "-ERR 'Unknown Protocol Operation'\r\n", true},
	{"PUB without arguments", quiet + "PUB\r\n", "-ERR 'Unknown Protocol Operation'\r\n", true},
	{"valid op then garbage", quiet + "PING\r\nxyz\r\n", "PONG\r\n-ERR 'Unknown Protocol Operation'\r\n", true},
	{"MSG from a client", quiet + "MSG foo 1 2\r\nhi\r\n", "-ERR 'Unknown Protocol Operation'\r\n", true},
	{"-ERR without text", quiet + "-ERR\r\n", "-ERR 'Unknown Protocol Operation'\r\n", true},
	{"PINGX is a PING", quiet + "PINGX\r\n", "PONG\r\n", false},
	{"PONG, +OK and INFO from a client are ignored", quiet + "PONG\r\n+OK\r\nINFO {}\r\n", "", false},

	// Malformed arguments: nats-server closes without a word.
	{"PUB blank only", quiet + "PUB \r\n", "", true},
	{"PUB missing size", quiet + "PUB foo\r\n", "", true},
	{"PUB too many args", quiet + "PUB foo bar baz 5\r\n", "", true},
	{"PUB non-numeric size", quiet + "PUB foo abc\r\n", "", true},
	{"PUB negative size", quiet + "PUB foo -1\r\n", "", true},
	{"HPUB header larger than total", "CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":true}\r\nHPUB foo 14 12\r\n", "", true},
	{"SUB missing sid", quiet + "SUB foo\r\n", "", true},
	{"SUB too many args", quiet + "SUB foo bar baz qux\r\n", "", true},
	{"UNSUB too many args", quiet + "UNSUB 1 2 3\r\n", "", true},
	{"bad CONNECT JSON", "CONNECT {bad\r\n", "", true},
	{"CONNECT wrong field type", "CONNECT {\"verbose\":\"yes\"}\r\n", "", true},
	{"bad INFO JSON", quiet + "INFO {bad\r\n", "", true},
	{"client -ERR", quiet + "-ERR 'x'\r\n", "", true},
	{"HPUB without headers", quiet + "HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n", "", true},

	// Payload framing.
	{"payload longer than size", quiet + "PUB foo 3\r\nhello\r\n", "-ERR 'Unknown Protocol Operation'\r\n", true},
	{"payload bad trailer", quiet + "PUB foo 2\r\nhiXX", "-ERR 'Unknown Protocol Operation'\r\n", true},
	{"payload ends in bare LF", quiet + "PUB foo 2\r\nhi\n", "-ERR 'Unknown Protocol Operation'\r\n", true},
	{"payload with CRLF and op text inside", quiet + "SUB foo 1\r\nPUB foo 12\r\nab\r\nPING\r\ncd\r\n",
		"MSG foo 1 12\r\nab\r\nPING\r\ncd\r\n", false},
	{"empty payload", quiet + "SUB foo 1\r\nPUB foo 0\r\n\r\n", "MSG foo 1 0\r\n\r\n", false},

	// CONNECT options refused.
	{"no_responders needs headers", "CONNECT {\"no_responders\":true,\"headers\":false}\r\n",
		"-ERR 'no responders requires headers support'\r\n", true},
	{"protocol 2", "CONNECT {\"protocol\":2}\r\n", "-ERR 'invalid client protocol'\r\n", true},
	{"protocol -1", "CONNECT {\"protocol\":-1}\r\n", "-ERR 'invalid client protocol'\r\n", true},

	// Subjects.
	{"SUB invalid subject stays open", quiet + "SUB foo..bar 1\r\nSUB .foo 2\r\nSUB foo. 3\r\nSUB foo.>.bar 4\r\nSUB . 5\r\n",
		strings.Repeat("-ERR 'Invalid Subject'\r\n", 5), false},
	{"SUB wildcard characters inside tokens are literal", quiet + "SUB foo* 1\r\nPUB foo* 2\r\nhi\r\n", "MSG foo* 1 2\r\nhi\r\n", false},
	{"pedantic PUB invalid subject warns and still routes", "CONNECT {\"verbose\":false,\"pedantic\":true}\r\nSUB > 1\r\nPUB foo.* 2\r\nhi\r\n",
		"-ERR 'Invalid Publish Subject'\r\nMSG foo.* 1 2\r\nhi\r\n", false},
	{"non-pedantic wildcard PUB is routed silently", quiet + "SUB > 1\r\nPUB foo.> 2\r\nhi\r\n", "MSG foo.> 1 2\r\nhi\r\n", false},
	{"malformed PUB subject matches nothing", quiet + "SUB > 1\r\nPUB foo..bar 2\r\nhi\r\n", "", false},

	// Forms nats-server accepts.
	{"case and tabs", quiet + "sub\tfoo\t1\r\npUb  foo   2\r\nhi\r\n", "MSG foo 1 2\r\nhi\r\n", false},
	{"bare LF line ends", quiet + "SUB foo 1\nPUB foo 2\nhi\r\n", "MSG foo 1 2\r\nhi\r\n", false},
	{"reply subject", quiet + "SUB foo 1\r\nPUB foo bar 2\r\nhi\r\n", "MSG foo 1 bar 2\r\nhi\r\n", false},
	{"UNSUB unknown sid", quiet + "UNSUB 99\r\n", "", false},
	{"UNSUB with max", quiet + "SUB foo 1\r\nUNSUB 1 2\r\nPUB foo 1\r\na\r\nPUB foo 1\r\na\r\nPUB foo 1\r\na\r\n",
		"MSG foo 1 1\r\na\r\nMSG foo 1 1\r\na\r\n", false},
	{"UNSUB non-numeric max is now", quiet + "SUB foo 1\r\nUNSUB 1 abc\r\nPUB foo 1\r\na\r\n", "", false},
	{"UNSUB max already reached is now", quiet + "SUB foo 1\r\nPUB foo 1\r\na\r\nUNSUB 1 1\r\nPUB foo 1\r\na\r\n",
		"MSG foo 1 1\r\na\r\n", false},
	{"repeated sid keeps the first", quiet + "SUB foo 1\r\nSUB bar 1\r\nPUB foo 1\r\na\r\nPUB bar 1\r\nb\r\n", "MSG foo 1 1\r\na\r\n", false},
	{"echo off", "CONNECT {\"verbose\":false,\"pedantic\":false,\"echo\":false}\r\nSUB foo 1\r\nPUB foo 1\r\na\r\n", "", false},

	// Headers.
	{"HPUB to own subscription", "CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":true}\r\nSUB foo 1\r\nHPUB foo rep 18 20\r\nNATS/1.0\r\nA: b\r\n\r\nhi\r\n",
		"HMSG foo 1 rep 18 20\r\nNATS/1.0\r\nA: b\r\n\r\nhi\r\n", false},
	{"HPUB with empty header block is a MSG", "CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":true}\r\nSUB foo 1\r\nHPUB foo 0 2\r\nhi\r\n",
		"MSG foo 1 2\r\nhi\r\n", false},

	// No responders: the 503 names the subject and goes to the requester's first matching subscription.
	{"no responders", "CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":true,\"no_responders\":true}\r\nSUB _INBOX.* 7\r\nPUB req _INBOX.x 0\r\n\r\n",
		"HMSG _INBOX.x 7 35 35\r\nNATS/1.0 503\r\nNats-Subject: req\r\n\r\n\r\n", false},
	{"no responders needs a reply subject", "CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":true,\"no_responders\":true}\r\nSUB _INBOX.* 7\r\nPUB req 0\r\n\r\n",
		"", false},
	{"no responders not asked for", "CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":true}\r\nSUB _INBOX.* 7\r\nPUB req _INBOX.x 0\r\n\r\n",
		"", false},
	{"no responders when own subscription is echo-suppressed", "CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":true,\"no_responders\":true,\"echo\":false}\r\nSUB req 1\r\nSUB _INBOX.x 2\r\nPUB req _INBOX.x 0\r\n\r\n",
		"HMSG _INBOX.x 2 35 35\r\nNATS/1.0 503\r\nNats-Subject: req\r\n\r\n\r\n", false},
}

func TestWireExchangesMatchNatsServer(t *testing.T) {
	s := runServer(t, Options{})
	by := newBystander(t, s)
	for _, tc := range wireCases {
		t.Run(tc.name, func(t *testing.T) {
			runWireCase(t, s.Addr(), tc, func(rc *rawConn) { rc.send(tc.send) })
			by.check(t)
		})
	}
	assertHealthy(t, s)
}

// TestWireFramesSplitByteByByte sends every open-connection case one byte per write: the server must
// answer exactly as when the bytes arrive together.
func TestWireFramesSplitByteByByte(t *testing.T) {
	s := runServer(t, Options{})
	by := newBystander(t, s)
	for _, tc := range wireCases {
		t.Run(tc.name, func(t *testing.T) {
			runWireCase(t, s.Addr(), tc, func(rc *rawConn) {
				for i := 0; i < len(tc.send); i++ {
					if _, err := rc.nc.Write([]byte{tc.send[i]}); err != nil {
						if !tc.closed {
							t.Fatalf("write: %v", err)
						}
						return // closed by the server, as expected, before the input ended
					}
				}
			})
		})
	}
	by.check(t)
}

func runWireCase(t *testing.T, addr string, tc wireCase, send func(*rawConn)) {
	t.Helper()
	rc, info := dialRawAddr(t, addr)
	if !strings.HasPrefix(info, "INFO {") {
		t.Fatalf("first line %q", info)
	}
	send(rc)
	if tc.closed {
		// Everything until the close; a reset (the server closed while input was still arriving) is a close too.
		_ = rc.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		got, err := io.ReadAll(rc.r)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatalf("connection not closed (got %q)", got)
		}
		if string(got) != tc.reply {
			t.Fatalf("got %q before close, want %q", got, tc.reply)
		}
		return
	}
	// The server answers in order, so the PONG to this PING comes after everything the case caused.
	rc.send("PING\r\n")
	want := tc.reply + "PONG\r\n"
	got := make([]byte, len(want))
	_ = rc.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := io.ReadFull(rc.r, got); err != nil {
		t.Fatalf("got %q then %v, want %q", got[:n], err, want)
	}
	if string(got) != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// bystander is a connection that exists before a misbehaving client and must not notice it.
type bystander struct {
	pub, sub *nats.Conn
	got      atomic.Int64
	sent     int64
}

func newBystander(t *testing.T, s *Server) *bystander {
	b := &bystander{pub: connect(t, s), sub: connect(t, s)}
	if _, err := b.sub.Subscribe("bystander", func(*nats.Msg) { b.got.Add(1) }); err != nil {
		t.Fatal(err)
	}
	if err := b.sub.Flush(); err != nil {
		t.Fatal(err)
	}
	return b
}

// check publishes one message and fails unless the bystander's subscription receives it.
func (b *bystander) check(t *testing.T) {
	t.Helper()
	b.sent++
	if err := b.pub.Publish("bystander", []byte(fmt.Sprint(b.sent))); err != nil {
		t.Fatalf("bystander publish: %v", err)
	}
	waitFor(t, "bystander delivery", 5*time.Second, func() bool { return b.got.Load() == b.sent })
	if !b.pub.IsConnected() || !b.sub.IsConnected() {
		t.Fatal("bystander lost its connection")
	}
}

// TestQueueMembersOfOneConnectionGetOneCopy: two members of one group on one connection share the
// group's single delivery.
func TestQueueMembersOfOneConnectionGetOneCopy(t *testing.T) {
	s := runServer(t, Options{})
	rc, _ := dialRaw(t, s)
	rc.send(quiet + "SUB foo q 1\r\nSUB foo q 2\r\n")
	for i := 0; i < 20; i++ {
		rc.send("PUB foo 2\r\nhi\r\n")
	}
	lines := rc.ping()
	if len(lines) != 40 {
		t.Fatalf("got %d lines, want 20 messages: %q", len(lines), lines)
	}
	for i := 0; i < len(lines); i += 2 {
		if (lines[i] != "MSG foo 1 2" && lines[i] != "MSG foo 2 2") || lines[i+1] != "hi" {
			t.Fatalf("unexpected %q %q", lines[i], lines[i+1])
		}
	}
}
