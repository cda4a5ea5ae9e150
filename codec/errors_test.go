package codec

import (
	"errors"
	"strings"
	"testing"
)

// TestParseErrors: each malformed input fails with exactly this *Error.
// Inputs without a line end show that the error is found as soon as the
// offending byte arrives, not when the line ends.
func TestParseErrors(t *testing.T) {
	small := Limits{MaxControlLine: 8, MaxPayload: 10}
	cases := []struct {
		name   string
		limits Limits
		input  string
		want   *Error
	}{
		// garbage, caught at the first byte that cannot continue an op name
		{"first byte", Limits{}, "X", ErrUnknownOp},
		{"empty line", Limits{}, "\r\n", ErrUnknownOp},
		{"leading blank", Limits{}, " PING\r\n", ErrUnknownOp},
		{"P then garbage", Limits{}, "PX", ErrUnknownOp},
		{"MSG is server-only", Limits{}, "MSG foo 1 5\r\n", ErrUnknownOp},
		{"HPUB misspelt", Limits{}, "HPX", ErrUnknownOp},
		{"SUB misspelt", Limits{}, "SUX", ErrUnknownOp},
		{"UNSUB misspelt", Limits{}, "UNSUX", ErrUnknownOp},
		{"CONNECT misspelt", Limits{}, "CONNEX", ErrUnknownOp},
		{"INFO misspelt", Limits{}, "INFX", ErrUnknownOp},
		{"+OK misspelt", Limits{}, "+OX", ErrUnknownOp},
		{"-ERR misspelt", Limits{}, "-ERX", ErrUnknownOp},
		{"name runs on: PUBX", Limits{}, "PUBX foo 1", ErrUnknownOp},
		{"name runs on: SUBX", Limits{}, "SUBX", ErrUnknownOp},
		{"name runs on: UNSUBX", Limits{}, "UNSUBX", ErrUnknownOp},
		{"name runs on: -ERRX", Limits{}, "-ERRX", ErrUnknownOp},
		{"CR after PUB not a line end", Limits{}, "PUB\rfoo 1\r\n", ErrUnknownOp},

		// payload not followed by CRLF
		{"payload too long", Limits{}, "PUB foo 3\r\nabcX\r\n", ErrUnknownOp},
		{"payload too long, early", Limits{}, "PUB foo 3\r\nabcX", ErrUnknownOp},
		{"payload CR then junk", Limits{}, "PUB foo 3\r\nabc\rX", ErrUnknownOp},
		{"payload ends in bare newline", Limits{}, "PUB foo 3\r\nabc\n", ErrUnknownOp},
		{"hpub payload too long", Limits{}, "HPUB foo 1 3\r\nabcd\r\n", ErrUnknownOp},

		// wrong arguments to a known op
		{"pub no args", Limits{}, "PUB\r\n", ErrUnknownOp}, // nats-server: no blank after the name is a parse error
		{"-ERR no args", Limits{}, "-ERR\r\n", ErrUnknownOp},
		{"endless text after PING", Limits{}, "PING " + strings.Repeat("x", bareLineMax), ErrMaxControlLine},
		{"pub blank only", Limits{}, "PUB  \r\n", ErrBadArgs},
		{"pub one arg", Limits{}, "PUB foo\r\n", ErrBadArgs},
		{"pub four args", Limits{}, "PUB foo bar baz 5\r\n", ErrBadArgs},
		{"pub five args", Limits{}, "PUB a b c d 5\r\n", ErrBadArgs},
		{"pub negative size", Limits{}, "PUB foo -1\r\n", ErrBadArgs},
		{"pub signed size", Limits{}, "PUB foo +1\r\n", ErrBadArgs},
		{"pub non-numeric size", Limits{}, "PUB foo 5x\r\n", ErrBadArgs},
		{"pub size overflows", Limits{}, "PUB foo 9999999999999999999\r\n", ErrBadArgs},
		{"pub size with CR", Limits{}, "PUB foo 5\r \r\n", ErrBadArgs},
		{"hpub one size", Limits{}, "HPUB foo 5\r\n", ErrBadArgs},
		{"hpub five args", Limits{}, "HPUB foo bar baz 1 5\r\n", ErrBadArgs},
		{"hpub header larger than total", Limits{}, "HPUB foo 6 5\r\n", ErrBadArgs},
		{"hpub non-numeric header", Limits{}, "HPUB foo x 5\r\n", ErrBadArgs},
		{"hpub non-numeric total", Limits{}, "HPUB foo 1 x\r\n", ErrBadArgs},
		{"sub no args", Limits{}, "SUB\r\n", ErrUnknownOp},
		{"sub one arg", Limits{}, "SUB foo\r\n", ErrBadArgs},
		{"sub four args", Limits{}, "SUB a b c d\r\n", ErrBadArgs},
		{"unsub no args", Limits{}, "UNSUB\r\n", ErrUnknownOp},
		{"unsub blank only", Limits{}, "UNSUB \r\n", ErrBadArgs},
		{"sub blank only", Limits{}, "SUB \r\n", ErrBadArgs},
		{"unsub three args", Limits{}, "UNSUB 1 2 3\r\n", ErrBadArgs},

		// max payload, decided from the control line alone
		{"pub over max payload", small, "PUB foo 11\r\n", ErrMaxPayload},
		{"hpub over max payload", small, "HPUB foo 1 11\r\n", ErrMaxPayload},
		{"pub over default max payload", Limits{}, "PUB foo 1048577\r\n", ErrMaxPayload},

		// max control line, complete or still arriving
		{"sub line too long", small, "SUB foo 12345\r\n", ErrMaxControlLine},
		{"sub line too long, early", small, "SUB foo 123456", ErrMaxControlLine},
		{"pub line too long, early", small, "PUB foo.bar.baz", ErrMaxControlLine},
		{"hpub line too long, early", small, "HPUB foo.bar.baz", ErrMaxControlLine},
		{"unsub line too long, early", small, "UNSUB 123456789", ErrMaxControlLine},
		{"connect too long, early", small, "CONNECT {\"verbose\"", ErrMaxControlLine},
		{"info too long, early", small, "INFO {\"server_id\"", ErrMaxControlLine},
		{"err too long, early", small, "-ERR 'something'", ErrMaxControlLine},
		{"endless blanks after separator", small, "SUB          ", ErrMaxControlLine},
		{"CR past limit then garbage", small, "SUB 12345678\rx", ErrMaxControlLine},
		{"default control line", Limits{}, "CONNECT " + strings.Repeat("x", 4097), ErrMaxControlLine},
		{"limit checked before args", small, "PUB foo bar baz qux 1\r\n", ErrMaxControlLine},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := Parser{Limits: tc.limits}
			n, err := p.Next([]byte(tc.input))
			if err != tc.want { // the exact value, not just the text, is the contract
				t.Fatalf("Next(%q) = %d, %v; want %q (%p)", tc.input, n, err, tc.want.Text, tc.want)
			}
			if n != 0 || p.Need() != 0 {
				t.Fatalf("Next(%q) = %d with Need %d alongside an error", tc.input, n, p.Need())
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("errors.Is(%v, want) is false", err)
			}
		})
	}
}

// TestParseDefaultControlLineBoundary: the zero Limits allow exactly 4096.
func TestParseDefaultControlLineBoundary(t *testing.T) {
	arg := strings.Repeat("x", DefaultMaxControlLine)
	res := parseAll(t, Limits{}, []byte("CONNECT "+arg+"\r\n"))
	if res.err != nil || len(res.ops) != 1 || string(res.ops[0].Arg) != arg {
		t.Fatalf("4096-byte CONNECT argument: %v", res.err)
	}
}

// TestErrorWireForm: an *Error's text goes on the wire verbatim in quotes.
func TestErrorWireForm(t *testing.T) {
	cases := []struct {
		err  *Error
		wire string
	}{
		{ErrUnknownOp, "-ERR 'Unknown Protocol Operation'\r\n"},
		{ErrMaxControlLine, "-ERR 'maximum control line exceeded'\r\n"},
		{ErrMaxPayload, "-ERR 'Maximum Payload Violation'\r\n"},
		{ErrInvalidSubject, "-ERR 'Invalid Subject'\r\n"},
		{ErrAuthViolation, "-ERR 'Authorization Violation'\r\n"},
		{ErrMaxConnections, "-ERR 'maximum connections exceeded'\r\n"},
	}
	for _, tc := range cases {
		if got := string(AppendErr(nil, tc.err.Text)); got != tc.wire {
			t.Errorf("AppendErr(%q) = %q, want %q", tc.err.Text, got, tc.wire)
		}
		if tc.err.Error() != tc.err.Text {
			t.Errorf("Error() = %q, want %q", tc.err.Error(), tc.err.Text)
		}
	}
	// Same text, different values: the engine can tell them apart.
	if ErrBadArgs == ErrUnknownOp {
		t.Fatal("ErrBadArgs and ErrUnknownOp must be distinct values")
	}
}
