package codec

import (
	"bytes"
	"strings"
	"testing"
)

// TestParseOps is the specification of what each op and argument form
// parses to. Each input must be consumed completely.
func TestParseOps(t *testing.T) {
	cases := []struct {
		name  string
		input string
		want  []string // show() of each op, in order
	}{
		// PUB
		{"pub", "PUB foo 5\r\nhello\r\n", []string{`PUB subject="foo" reply=<nil> payload="hello"`}},
		{"pub reply", "PUB foo bar 5\r\nhello\r\n", []string{`PUB subject="foo" reply="bar" payload="hello"`}},
		{"pub empty payload", "pub foo 0\r\n\r\n", []string{`PUB subject="foo" reply=<nil> payload=""`}},
		{"pub mixed case", "pUb foo 1\r\nx\r\n", []string{`PUB subject="foo" reply=<nil> payload="x"`}},
		{"pub tabs and blank runs", "Pub\tfoo\t\tbar \t 5 \t\r\nhello\r\n", []string{`PUB subject="foo" reply="bar" payload="hello"`}},
		{"pub bare newline", "PUB foo 5\nhello\r\n", []string{`PUB subject="foo" reply=<nil> payload="hello"`}},
		{"pub crlf inside payload", "PUB foo 6\r\n\r\n\r\n\r\n\r\n", []string{`PUB subject="foo" reply=<nil> payload="\r\n\r\n\r\n"`}},
		{"pub binary payload", "PUB foo 4\r\n\x00\xff\n\r\r\n", []string{`PUB subject="foo" reply=<nil> payload="\x00\xff\n\r"`}},
		{"pub leading zeros", "PUB foo 005\r\nhello\r\n", []string{`PUB subject="foo" reply=<nil> payload="hello"`}},
		// HPUB
		{"hpub", "HPUB foo 12 17\r\nNATS/1.0\r\n\r\nhello\r\n", []string{`HPUB subject="foo" reply=<nil> hdr=12 payload="NATS/1.0\r\n\r\nhello"`}},
		{"hpub reply", "hpub foo bar 12 12\r\nNATS/1.0\r\n\r\n\r\n", []string{`HPUB subject="foo" reply="bar" hdr=12 payload="NATS/1.0\r\n\r\n"`}},
		{"hpub zero", "HPUB foo 0 0\r\n\r\n", []string{`HPUB subject="foo" reply=<nil> hdr=0 payload=""`}},
		{"hpub tabs bare newline", "HPub\tfoo\tbar\t1\t2\t\nab\r\n", []string{`HPUB subject="foo" reply="bar" hdr=1 payload="ab"`}},
		// SUB
		{"sub", "SUB foo 1\r\n", []string{`SUB subject="foo" queue=<nil> sid="1"`}},
		{"sub queue", "sub foo.* q 22\r\n", []string{`SUB subject="foo.*" queue="q" sid="22"`}},
		{"sub tabs trailing blanks", "SuB\tfoo.>\t\tq\t1 \t \r\n", []string{`SUB subject="foo.>" queue="q" sid="1"`}},
		{"sub bare newline", "SUB foo 1\n", []string{`SUB subject="foo" queue=<nil> sid="1"`}},
		// UNSUB
		{"unsub", "UNSUB 1\r\n", []string{`UNSUB sid="1"`}},
		{"unsub max", "unsub 1 10\r\n", []string{`UNSUB sid="1" max=10`}},
		{"unsub max zero", "UNSUB 1 0\r\n", []string{`UNSUB sid="1"`}},
		// Forms nats-server v2.15.2 accepts (observed on the wire), so reactor must too.
		{"unsub non-numeric max means now", "UNSUB 1 abc\r\n", []string{`UNSUB sid="1"`}},
		{"unsub negative max means now", "UNSUB 1 -1\r\n", []string{`UNSUB sid="1"`}},
		{"text after PING is ignored", "PINGX\r\nPING foo\r\n", []string{`PING`, `PING`}},
		{"text after PONG and +OK is ignored", "PONGX\r\n+OKX\r\n", []string{`PONG`, `+OK`}},
		{"connect without blank", "CONNECTX {}\r\n", []string{`CONNECT arg="X {}"`}},
		{"unsub blanks", "UnSuB \t 1 \t 5 \n", []string{`UNSUB sid="1" max=5`}},
		// bare ops
		{"ping", "PING\r\n", []string{`PING`}},
		{"ping lower", "ping\r\n", []string{`PING`}},
		{"ping trailing blanks", "PiNg \t \r\n", []string{`PING`}},
		{"ping bare newline", "PING\n", []string{`PING`}},
		{"pong", "PONG\r\n", []string{`PONG`}},
		{"pong trailing blank bare newline", "pong \n", []string{`PONG`}},
		{"ok", "+OK\r\n", []string{`+OK`}},
		{"ok lower trailing blank", "+ok \r\n", []string{`+OK`}},
		// ops with free text
		{"connect", "CONNECT {\"verbose\":false}\r\n", []string{`CONNECT arg="{\"verbose\":false}"`}},
		{"connect blanks kept inside", "connect\t {\"a\": \"b c\"} \t\n", []string{`CONNECT arg="{\"a\": \"b c\"}"`}},
		{"connect empty", "CONNECT\r\n", []string{`CONNECT`}},
		{"info with nats-server trailing blank", "INFO {\"server_id\":\"x\"} \r\n", []string{`INFO arg="{\"server_id\":\"x\"}"`}},
		{"err", "-ERR 'Unknown Protocol Operation'\r\n", []string{`-ERR arg="'Unknown Protocol Operation'"`}},
		{"err lower", "-err  'x'\n", []string{`-ERR arg="'x'"`}},
		// several ops in one buffer
		{"stream", "PING\r\nSUB a 1\r\nPUB a 2\r\nhi\r\nPONG\r\n", []string{
			`PING`,
			`SUB subject="a" queue=<nil> sid="1"`,
			`PUB subject="a" reply=<nil> payload="hi"`,
			`PONG`,
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := parseAll(t, Limits{}, []byte(tc.input))
			if res.err != nil || res.rest != 0 {
				t.Fatalf("%q: err=%v, %d bytes left", tc.input, res.err, res.rest)
			}
			var got []string
			for i := range res.ops {
				got = append(got, show(&res.ops[i]))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("%q\ngot:\n%s\nwant:\n%s", tc.input, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestParseIncomplete: every proper prefix of a frame is "not yet", with
// Need known exactly when a PUB/HPUB control line is in.
func TestParseIncomplete(t *testing.T) {
	cases := []struct {
		input string
		need  int
	}{
		{"", 0},
		{"P", 0},
		{"PU", 0},
		{"PUB", 0},
		{"PUB ", 0},
		{"PUB foo 5", 0},
		{"PUB foo 5\r", 0},
		{"PUB foo 5\r\n", 18},
		{"PUB foo 5\r\nhel", 18},
		{"PUB foo 5\r\nhello", 18},
		{"PUB foo 5\r\nhello\r", 18},
		{"PUB foo 5\nhello\r", 17},
		{"HPUB foo 2 3\r\nab", 19},
		{"PING", 0},
		{"PING \t", 0},
		{"PING\r", 0},
		{"+", 0},
		{"-ERR 'x'", 0},
		{"CONNECT {}\r", 0},
		{"SUB foo 1", 0},
		{"UNSUB 1\r", 0},
	}
	for _, tc := range cases {
		var p Parser
		n, err := p.Next([]byte(tc.input))
		if n != 0 || err != nil || p.Need() != tc.need {
			t.Errorf("Next(%q) = %d, %v, Need %d; want 0, nil, Need %d", tc.input, n, err, p.Need(), tc.need)
		}
	}
}

// TestParseLimitBoundaries: a limit is a maximum, so exactly the limit passes.
func TestParseLimitBoundaries(t *testing.T) {
	limits := Limits{MaxControlLine: 7, MaxPayload: 10}
	for _, input := range []string{
		"SUB foo 123\r\n",                              // argument "foo 123" is exactly 7
		"SUB foo 123\n",                                // the terminator never counts
		"PUB foo 10\r\n0123456789\r\n",                 // payload exactly MaxPayload
		"HPUB f 2 10\r\nab01234567\r\n",                // HPUB total exactly MaxPayload
		"PING" + strings.Repeat("x", 100) + "\r\n",     // bare ops ignore what follows, whatever its length
		"SUB" + strings.Repeat(" ", 7) + "foo 123\r\n", // blanks before the first argument do not count
	} {
		res := parseAll(t, limits, []byte(input))
		if res.err != nil || res.rest != 0 || len(res.ops) != 1 {
			t.Errorf("%q: %s", input, res)
		}
	}
}

// TestParseZeroCopy: op fields alias the input, and their capacity stops at
// their end so appending to one cannot clobber the next bytes.
func TestParseZeroCopy(t *testing.T) {
	buf := []byte("PUB foo bar 5\r\nhello\r\nPING\r\n")
	var p Parser
	if _, err := p.Next(buf); err != nil {
		t.Fatal(err)
	}
	within := func(name string, b []byte) {
		for i := range buf {
			if &buf[i] == &b[0] {
				return
			}
		}
		t.Errorf("%s does not alias the input", name)
	}
	within("subject", p.Op.Subject)
	within("reply", p.Op.Reply)
	within("payload", p.Op.Payload)

	before := string(buf)
	_ = append(p.Op.Subject, "XXXX"...)
	_ = append(p.Op.Reply, "XXXX"...)
	_ = append(p.Op.Payload, "XXXX"...)
	if string(buf) != before {
		t.Fatalf("append to an op field overwrote the input: %q", buf)
	}
}

// TestParsePubAllocatesNothing keeps the hot path honest outside benchmarks.
func TestParsePubAllocatesNothing(t *testing.T) {
	frames := [][]byte{
		AppendPub(nil, []byte("foo.bar"), []byte("_INBOX.1"), bytes.Repeat([]byte("x"), 128)),
		AppendHPub(nil, []byte("foo.bar"), nil, 12, []byte("NATS/1.0\r\n\r\npayload")),
		[]byte("PUB foo 5\r\nhel"), // incomplete, Need set
		[]byte("SUB foo q 1\r\nUNSUB 1 5\r\nPING\r\nCONNECT {}\r\n"),
	}
	var p Parser
	for _, frame := range frames {
		allocs := testing.AllocsPerRun(100, func() {
			for off := 0; ; {
				n, err := p.Next(frame[off:])
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					break
				}
				off += n
			}
		})
		if allocs != 0 {
			t.Errorf("parsing %q: %v allocs, want 0", frame, allocs)
		}
	}
}

func TestKindString(t *testing.T) {
	for kind, want := range map[Kind]string{
		KindPub: "PUB", KindHPub: "HPUB", KindSub: "SUB", KindUnsub: "UNSUB",
		KindPing: "PING", KindPong: "PONG", KindConnect: "CONNECT", KindInfo: "INFO",
		KindOK: "+OK", KindErr: "-ERR", 0: "Kind(0)", 99: "Kind(99)",
	} {
		if got := kind.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", kind, got, want)
		}
	}
}
