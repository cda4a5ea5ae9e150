package codec

import (
	"strconv"
	"strings"
	"testing"
)

// Verbatim lines from /work/shared/ROUTES.md (nats-server v2.15.2 on the
// wire), server ids shortened there as here.
const (
	capturedInfoA      = `{"server_id":"NBM6…","server_name":"A","version":"2.15.2","proto":3,"go":"go1.26.8","host":"127.0.0.1","port":26222,"headers":true,"max_payload":1048576,"nonce":"Gn1vKdWnlLxiJtg","cluster":"C","connect_urls":["127.0.0.1:24222"],"compression":"accept","lnoc":true,"lnocu":true,"ln":true,"route_pool_size":3}`
	capturedInfoB      = `{"server_id":"NCPB…","server_name":"B","version":"2.15.2","proto":3,"go":"go1.26.8","host":"127.0.0.1","port":26223,"headers":true,"max_payload":1048576,"nonce":"0wR0lVqDYMtz0w8","cluster":"C","connect_urls":["127.0.0.1:24223"],"compression":"not supported","lnoc":true,"lnocu":true,"ln":true,"route_pool_size":3}`
	capturedGossipInfo = `{"server_id":"NAUQ…","server_name":"A2","version":"2.15.2","proto":3,"go":"go1.26.8","host":"127.0.0.1","port":26224,"headers":true,"max_payload":1048576,"ip":"nats-route://127.0.0.1:26224/","cluster":"C","connect_urls":["127.0.0.1:24224"],"compression":"off","lnoc":true,"lnocu":true,"ln":true,"route_pool_size":3,"gossip_mode":2}`
	capturedFakeInfo   = `{"server_id": "FAKEID2", "server_name": "F2", "version": "2.15.2", "proto": 1, "host": "127.0.0.1", "port": 26998, "headers": true, "max_payload": 1048576, "cluster": "C", "connect_urls": ["127.0.0.1:24998"]}`
	capturedConnect    = `{"echo":true,"verbose":false,"pedantic":false,"tls_required":false,"headers":true,"name":"NCPB…","cluster":"C","lnoc":true,"ln":true}`
	reactorConnect     = `{"echo":true,"verbose":false,"pedantic":false,"tls_required":false,"headers":true,"name":"NREACTOR","cluster":"C"}`
)

var routeParseCases = []struct {
	name   string
	stream string
	want   []string // showRoute of each op
	err    *Error
	limits Limits
}{
	// Interest, as captured.
	{"rs+ plain", "RS+ $G foo.*\r\n", []string{`RS+ account="$G" subject="foo.*" queue=<nil>`}, nil, Limits{}},
	{"rs+ sys", "RS+ $SYS $SYS.REQ.SERVER.PING.CONNZ\r\n", []string{`RS+ account="$SYS" subject="$SYS.REQ.SERVER.PING.CONNZ" queue=<nil>`}, nil, Limits{}},
	{"rs+ queue weights then rs-", "RS+ $G wq W 1\r\nRS+ $G wq W 2\r\nRS+ $G wq W 1\r\nRS- $G wq W\r\n", []string{
		`RS+ account="$G" subject="wq" queue="W" weight=1`,
		`RS+ account="$G" subject="wq" queue="W" weight=2`,
		`RS+ account="$G" subject="wq" queue="W" weight=1`,
		`RS- account="$G" subject="wq" queue="W"`,
	}, nil, Limits{}},
	{"rs- plain", "RS- $G foo.*\r\n", []string{`RS- account="$G" subject="foo.*" queue=<nil>`}, nil, Limits{}},
	// "A missing or malformed weight counts as 1."
	{"rs+ weight missing or malformed", "RS+ $G q W\r\nRS+ $G q W x\r\nRS+ $G q W 0\r\nRS+ $G q W 99999999999\r\n", []string{
		`RS+ account="$G" subject="q" queue="W" weight=1`,
		`RS+ account="$G" subject="q" queue="W" weight=1`,
		`RS+ account="$G" subject="q" queue="W" weight=1`,
		`RS+ account="$G" subject="q" queue="W" weight=1`,
	}, nil, Limits{}},
	{"leaf interest", "LS+ hub $G foo\r\nLS+ _ $G foo q 3\r\nLS- hub $G foo\r\nLS- _ $G foo q\r\n", []string{
		`LS+ origin="hub" account="$G" subject="foo" queue=<nil>`,
		`LS+ origin="_" account="$G" subject="foo" queue="q" weight=3`,
		`LS- origin="hub" account="$G" subject="foo" queue=<nil>`,
		`LS- origin="_" account="$G" subject="foo" queue="q"`,
	}, nil, Limits{}},

	// Messages, as captured.
	{"rmsg", "RMSG $G foo.bar 5\r\nhello\r\n", []string{`RMSG account="$G" subject="foo.bar" reply=<nil> queues=[] payload="hello"`}, nil, Limits{}},
	{"rmsg reply", "RMSG $G client.sub reply.x 3\r\nabc\r\n", []string{`RMSG account="$G" subject="client.sub" reply="reply.x" queues=[] payload="abc"`}, nil, Limits{}},
	{"rmsg queue no reply", "RMSG $G q.x | grp 4\r\nwork\r\n", []string{`RMSG account="$G" subject="q.x" reply=<nil> queues=["grp",] payload="work"`}, nil, Limits{}},
	{"rmsg queue reply", "RMSG $G svc.echo + _INBOX.dJG2Z30P9mOs9vpDuRh4Gd.qAdJckNu NATS-RPLY-22 4\r\nping\r\n",
		[]string{`RMSG account="$G" subject="svc.echo" reply="_INBOX.dJG2Z30P9mOs9vpDuRh4Gd.qAdJckNu" queues=["NATS-RPLY-22",] payload="ping"`}, nil, Limits{}},
	{"rmsg many queues", "RMSG $G s + r q1 q2\tq3 2\r\nhi\r\nRMSG $G s | a b 0\r\n\r\n", []string{
		`RMSG account="$G" subject="s" reply="r" queues=["q1","q2","q3",] payload="hi"`,
		`RMSG account="$G" subject="s" reply=<nil> queues=["a","b",] payload=""`,
	}, nil, Limits{}},
	{"rmsg plus reply no queues", "RMSG $G s + r 2\r\nhi\r\n", []string{`RMSG account="$G" subject="s" reply="r" queues=[] payload="hi"`}, nil, Limits{}},
	{"hmsg", "HMSG $G foo.hdr 25 32\r\nNATS/1.0\r\nK: v1\r\nX: y\r\n\r\nwithhdr\r\n",
		[]string{`HMSG account="$G" subject="foo.hdr" reply=<nil> queues=[] hdr=25 payload="NATS/1.0\r\nK: v1\r\nX: y\r\n\r\nwithhdr"`}, nil, Limits{}},
	{"hmsg queues", "HMSG $G s + r g 12 14\r\nNATS/1.0\r\n\r\nhi\r\n",
		[]string{`HMSG account="$G" subject="s" reply="r" queues=["g",] hdr=12 payload="NATS/1.0\r\n\r\nhi"`}, nil, Limits{}},
	{"lmsg", "LMSG hub $G s | g 0 2\r\nhi\r\n", []string{`LMSG origin="hub" account="$G" subject="s" reply=<nil> queues=["g",] hdr=0 payload="hi"`}, nil, Limits{}},

	// Control ops.
	{"ping pong ok", "PING\r\nPONG\r\nping \r\n+OK\r\n", []string{"PING", "PONG", "PING", "+OK"}, nil, Limits{}},
	{"info", "INFO " + capturedInfoA + " \r\n", []string{"INFO arg=" + strconv.Quote(capturedInfoA)}, nil, Limits{}},
	{"connect", "CONNECT " + capturedConnect + "\r\n", []string{"CONNECT arg=" + strconv.Quote(capturedConnect)}, nil, Limits{}},
	{"err", "-ERR 'Not possible to have a dedicated route for account \"$SYS\" between those servers'\r\n",
		[]string{`-ERR arg="'Not possible to have a dedicated route for account \"$SYS\" between those servers'"`}, nil, Limits{}},

	// Malformed.
	{"garbage", "PING\r\nRSX\r\n", []string{"PING"}, ErrUnknownOp, Limits{}},
	{"exact plus", "RS\x0b $G foo\r\n", nil, ErrUnknownOp, Limits{}},
	{"client pub", "PUB foo 1\r\nx\r\n", nil, ErrUnknownOp, Limits{}},
	{"pingx", "PINGX\r\n", nil, ErrUnknownOp, Limits{}},
	{"rs+ pinned form", "RS+ $SYS.REQ.SERVER.PING.EXPVARZ\r\n", nil, ErrBadArgs, Limits{}},
	{"rs+ too many", "RS+ a b c d e\r\n", nil, ErrBadArgs, Limits{}},
	{"rs- weight", "RS- $G wq W 1\r\n", nil, ErrBadArgs, Limits{}},
	{"rs+ no args", "RS+\r\n", nil, ErrUnknownOp, Limits{}},
	{"rmsg no size", "RMSG $G foo\r\n", nil, ErrBadArgs, Limits{}},
	{"rmsg bad size", "RMSG $G foo -1\r\n", nil, ErrBadArgs, Limits{}},
	{"rmsg bad marker", "RMSG $G foo r q 1\r\nx\r\n", nil, ErrBadArgs, Limits{}},
	{"hmsg hdr over total", "HMSG $G foo 5 4\r\n", nil, ErrBadArgs, Limits{}},
	{"hmsg one size", "HMSG $G foo 4\r\n", nil, ErrBadArgs, Limits{}},
	{"bad payload end", "RMSG $G foo 1\r\nxY\r\n", nil, ErrUnknownOp, Limits{}},
	{"max payload", "RMSG $G foo 5\r\nhello\r\nRMSG $G foo 6\r\n", []string{`RMSG account="$G" subject="foo" reply=<nil> queues=[] payload="hello"`}, ErrMaxPayload, Limits{MaxPayload: 5}},
	{"max control line", "RS+ $G foo\r\nRS+ $G " + strings.Repeat("x", 20), []string{`RS+ account="$G" subject="foo" queue=<nil>`}, ErrMaxControlLine, Limits{MaxControlLine: 16}},
}

// TestRouteParse checks each case in one piece and byte by byte.
func TestRouteParse(t *testing.T) {
	for _, tc := range routeParseCases {
		t.Run(tc.name, func(t *testing.T) {
			stream := []byte(tc.stream)
			whole := parseRouteAll(t, tc.limits, stream)
			if strings.Join(whole.ops, "\n") != strings.Join(tc.want, "\n") || !isErr(whole.err, tc.err) {
				t.Fatalf("got\n%s\nwant\n%s\nerr=%v", whole, strings.Join(tc.want, "\n"), tc.err)
			}
			if tc.err == nil && whole.rest != 0 {
				t.Fatalf("left %d bytes", whole.rest)
			}
			checkRouteSplit(t, tc.limits, stream, whole)
		})
	}
}

// TestRouteParseAliasesInput checks that op slices point into the buffer
// and cannot be appended over the bytes that follow them.
func TestRouteParseAliasesInput(t *testing.T) {
	buf := []byte("RMSG $G s + r q1 q2 2\r\nhi\r\nPING\r\n")
	var p RouteParser
	n, err := p.Next(buf)
	if err != nil || n != len(buf)-len("PING\r\n") {
		t.Fatalf("Next = %d, %v", n, err)
	}
	buf[5] = 'X' // first byte of the account
	if string(p.Op.Account) != "XG" {
		t.Fatalf("account %q does not alias the input", p.Op.Account)
	}
	for _, field := range [][]byte{p.Op.Account, p.Op.Subject, p.Op.Reply, p.Op.Queues, p.Op.Payload} {
		if cap(field) != len(field) {
			t.Fatalf("field %q has spare capacity %d", field, cap(field)-len(field))
		}
	}
}

func TestRouteParseNeed(t *testing.T) {
	frame := []byte("RMSG $G foo 5\r\nhello\r\n")
	var p RouteParser
	if n, err := p.Next(frame[:16]); n != 0 || err != nil || p.Need() != len(frame) {
		t.Fatalf("Next(partial) = %d, %v, Need %d; want 0, nil, %d", n, err, p.Need(), len(frame))
	}
	if n, err := p.Next(frame); n != len(frame) || err != nil || p.Need() != 0 {
		t.Fatalf("Next(whole) = %d, %v, Need %d", n, err, p.Need())
	}
}

func TestRouteParseAllocatesNothing(t *testing.T) {
	stream := []byte("RS+ $G wq W 2\r\nRMSG $G s + r q1 q2 2\r\nhi\r\nHMSG $G foo.hdr 25 32\r\nNATS/1.0\r\nK: v1\r\nX: y\r\n\r\nwithhdr\r\nPING\r\nINFO {} \r\n")
	var p RouteParser
	allocs := testing.AllocsPerRun(100, func() {
		for off := 0; off < len(stream); {
			n, err := p.Next(stream[off:])
			if err != nil || n == 0 {
				t.Fatalf("Next at %d = %d, %v", off, n, err)
			}
			off += n
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per stream", allocs)
	}
}

func TestNextQueueAndErrText(t *testing.T) {
	var got []string
	for q, rest := NextQueue([]byte(" a\t\tbb  c ")); q != nil; q, rest = NextQueue(rest) {
		got = append(got, string(q))
	}
	if strings.Join(got, ",") != "a,bb,c" {
		t.Fatalf("NextQueue walked %q", got)
	}
	if q, _ := NextQueue(nil); q != nil {
		t.Fatalf("NextQueue(nil) = %q", q)
	}
	if s := string(ErrText([]byte("'Stale Connection'"))); s != "Stale Connection" {
		t.Fatalf("ErrText = %q", s)
	}
}

// TestRouteParseSplitEveryCut cuts the joined valid cases into two pieces
// at every offset, so one Next call sees a buffer that ends an op and
// starts the next ones.
func TestRouteParseSplitEveryCut(t *testing.T) {
	var joined strings.Builder
	for _, tc := range routeParseCases {
		if tc.err == nil && tc.limits == (Limits{}) {
			joined.WriteString(tc.stream)
		}
	}
	stream := []byte(joined.String())
	whole := parseRouteAll(t, Limits{}, stream)
	if whole.err != nil || whole.rest != 0 {
		t.Fatalf("joined cases do not parse: %s", whole)
	}
	for cut := 1; cut < len(stream); cut++ {
		chunks := []int{cut, len(stream)}
		var p RouteParser
		got := driveRoute(t, &p, stream, func() int { c := chunks[0]; chunks = chunks[1:]; return c })
		if got.String() != whole.String() {
			t.Fatalf("cut at %d:\n%s\nwant:\n%s", cut, got, whole)
		}
	}
}
