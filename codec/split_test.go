package codec

import (
	"strings"
	"testing"
)

// splitCorpus holds multi-op streams, valid and failing, each parsed at
// every split point by TestParseSplitAnywhere.
var splitCorpus = []struct {
	name    string
	limits  Limits
	stream  string
	wantOps int
	wantErr *Error
}{
	{"pub", Limits{}, "PUB foo 5\r\nhello\r\n", 1, nil},
	{"pub reply then ping", Limits{}, "PUB foo bar 5\r\nhello\r\nPING\r\n", 2, nil},
	{"hpub", Limits{}, "HPUB foo reply 12 17\r\nNATS/1.0\r\n\r\nhello\r\nHPUB x 0 0\r\n\r\n", 2, nil},
	{"subs", Limits{}, "SUB foo 1\r\nSUB foo q 2\r\nUNSUB 1\r\nUNSUB 2 10\r\n", 4, nil},
	{"text ops", Limits{}, "CONNECT {\"verbose\":false}\r\nPING\r\nPONG\r\n+OK\r\n-ERR 'x'\r\nINFO {} \r\n", 6, nil},
	{"crlf in payload", Limits{}, "PUB a 4\r\n\r\n\r\n\r\nPUB a 2\r\n\n\r\r\n", 2, nil},
	{"blanks case bare newlines", Limits{}, "pub\tfoo\t\t3  \nabc\r\nping \nSuB  a\t1\t\n", 3, nil},
	{"empty payloads", Limits{}, "PUB a 0\r\n\r\nPUB a b 0\n\r\n", 2, nil},
	{"at the limits", Limits{MaxControlLine: 8, MaxPayload: 4}, "PUB a 4\r\nabcd\r\nSUB a1 123\r\nPING        \r\n", 3, nil},
	{"bad payload end", Limits{}, "PING\r\nPUB a 3\r\nabcXY\r\n", 1, ErrUnknownOp},
	{"bad args", Limits{}, "SUB a 1\r\nSUB a\r\nPING\r\n", 1, ErrBadArgs},
	{"max payload", Limits{}, "PUB a 5\r\nhello\r\nPUB a 99999999\r\n", 1, ErrMaxPayload},
	{"streamed long line", Limits{MaxControlLine: 8}, "SUB a 1\r\nCONNECT {\"verbose\":true}\r\n", 1, ErrMaxControlLine},
	{"garbage", Limits{}, "PING\r\nPONG\r\nXPONG\r\n", 2, ErrUnknownOp},
}

// TestParseSplitAnywhere feeds each stream one byte at a time, so Next sees
// every prefix of every op, and checks the outcome equals parsing the stream
// in one piece. drive also checks Need at each of those prefixes.
func TestParseSplitAnywhere(t *testing.T) {
	for _, tc := range splitCorpus {
		t.Run(tc.name, func(t *testing.T) {
			stream := []byte(tc.stream)
			whole := parseAll(t, tc.limits, stream)
			if len(whole.ops) != tc.wantOps || !isErr(whole.err, tc.wantErr) {
				t.Fatalf("one piece: got %d ops, err %v; want %d ops, err %v\n%s",
					len(whole.ops), whole.err, tc.wantOps, tc.wantErr, whole)
			}
			if tc.wantErr == nil && whole.rest != 0 {
				t.Fatalf("one piece left %d bytes", whole.rest)
			}

			p := Parser{Limits: tc.limits}
			split := drive(t, &p, stream, func() int { return 1 })
			// rest differs legitimately: an early error leaves fewer
			// bytes buffered than the whole stream did.
			split.rest, whole.rest = 0, 0
			if split.String() != whole.String() {
				t.Fatalf("byte by byte:\n%s\none piece:\n%s", split, whole)
			}
		})
	}
}

// TestParseSplitEveryCut cuts the joined corpus into two pieces at every
// offset: the second Next call sees a buffer that both ends an op and
// starts the next ones.
func TestParseSplitEveryCut(t *testing.T) {
	var joined strings.Builder
	for _, tc := range splitCorpus {
		if tc.wantErr == nil && tc.limits == (Limits{}) {
			joined.WriteString(tc.stream)
		}
	}
	stream := []byte(joined.String())
	whole := parseAll(t, Limits{}, stream)
	if whole.err != nil || whole.rest != 0 {
		t.Fatalf("joined corpus does not parse: %s", whole)
	}
	for cut := 1; cut < len(stream); cut++ {
		chunks := []int{cut, len(stream)}
		var p Parser
		got := drive(t, &p, stream, func() int { c := chunks[0]; chunks = chunks[1:]; return c })
		if got.String() != whole.String() {
			t.Fatalf("cut at %d:\n%s\nwant:\n%s", cut, got, whole)
		}
	}
}
