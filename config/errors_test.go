package config

import (
	"errors"
	"strings"
	"testing"
)

// TestErrors pins the exact "file:line:col: msg" of every kind of error.
// Cases with a file parse it from disk (includes); the rest parse src as
// t.conf.
func TestErrors(t *testing.T) {
	t.Setenv("REACTOR_CONF_SELF", "[$REACTOR_CONF_SELF]")
	t.Setenv("REACTOR_CONF_BAD", `"open`)
	cases := []struct {
		name string
		src  string
		file string
		want string
	}{
		{name: "unterminated double-quoted string", src: "a: 1\nb: \"abc\nc: 2\n",
			want: `t.conf:2:4: unterminated string: missing closing "`},
		{name: "unterminated single-quoted string", src: "a: 'abc",
			want: `t.conf:1:4: unterminated string: missing closing '`},
		{name: "unterminated quoted key", src: "\"abc: 1",
			want: `t.conf:1:1: unterminated string: missing closing "`},
		{name: "unterminated block", src: "a {\n  b: 1\n",
			want: `t.conf:1:3: unterminated block: missing '}'`},
		{name: "unterminated nested block", src: "a {\n  b {\n  }\n",
			want: `t.conf:1:3: unterminated block: missing '}'`},
		{name: "unterminated array", src: "a: [1, 2\n  3\n",
			want: `t.conf:1:4: unterminated array: missing ']'`},
		{name: "bad escape", src: `a: "x\qy"`,
			want: `t.conf:1:6: invalid escape: backslash before 'q'; allowed: \t \n \r \" \\ \xXX \uXXXX`},
		{name: "short hex escape", src: `a: "\x4"`,
			want: `t.conf:1:5: invalid escape: \x needs 2 hex digits`},
		{name: "bad unicode escape", src: `a: "\uD800"`,
			want: `t.conf:1:5: invalid escape: \uD800 is not a valid character`},
		{name: "missing value at newline", src: "a: 1\nport:\nb: 2\n",
			want: `t.conf:2:1: missing value for key "port"`},
		{name: "missing value at end of file", src: "port =",
			want: `t.conf:1:1: missing value for key "port"`},
		{name: "missing value before comment", src: "  port: # none\n",
			want: `t.conf:1:3: missing value for key "port"`},
		{name: "missing value at block end", src: "a { b }",
			want: `t.conf:1:5: missing value for key "b"`},
		{name: "unexpected token after value", src: "a: 1 2\n",
			want: `t.conf:1:6: unexpected '2' after the value of key "a"; want a newline, ',' or ';'`},
		{name: "unexpected close brace at top", src: "a: 1\n}\n",
			want: `t.conf:2:1: unexpected '}' outside a block`},
		{name: "unexpected token for key", src: "a: 1\n= 2\n",
			want: `t.conf:2:1: unexpected '='; want a key`},
		{name: "unexpected token in array", src: "a: [1 2]",
			want: `t.conf:1:7: unexpected '2' in array; want ',', a newline or ']'`},
		{name: "empty array element", src: "a: [1,,2]",
			want: `t.conf:1:7: unexpected ','; want a value`},
		{name: "close brace in array", src: "a: [1, }",
			want: `t.conf:1:8: unexpected '}'; want a value`},
		{name: "undefined variable", src: "a {\n  b: [1, $REACTOR_CONF_UNDEFINED]\n}\n",
			want: `t.conf:2:10: undefined variable "REACTOR_CONF_UNDEFINED": not a key in scope nor an environment variable`},
		{name: "variable used before definition", src: "a: $B\nB: 1\n",
			want: `t.conf:1:4: undefined variable "B": not a key in scope nor an environment variable`},
		{name: "variable in a sibling block", src: "x { V: 1 }\ny { v: $V }\n",
			want: `t.conf:2:8: undefined variable "V": not a key in scope nor an environment variable`},
		{name: "empty variable name", src: "a: $\n",
			want: `t.conf:1:4: missing variable name after '$'`},
		{name: "self-referencing environment variable", src: "a: $REACTOR_CONF_SELF",
			want: `t.conf:1:4: environment variable "REACTOR_CONF_SELF": $REACTOR_CONF_SELF:1:2: environment variable "REACTOR_CONF_SELF" refers to itself`},
		{name: "unparsable environment variable", src: "a: $REACTOR_CONF_BAD",
			want: `t.conf:1:4: environment variable "REACTOR_CONF_BAD": $REACTOR_CONF_BAD:1:1: unterminated string: missing closing "`},
		{name: "include cycle", file: "testdata/include_cycle.conf",
			want: `testdata/includes/cycle_b.conf:2:9: include cycle: testdata/includes/cycle_a.conf -> testdata/includes/cycle_b.conf -> testdata/includes/cycle_a.conf`},
		{name: "include of itself", src: "a: 1\ninclude t.conf\n",
			want: `t.conf:2:9: include cycle: t.conf -> t.conf`},
		{name: "include file missing", src: "a: 1\ninclude   \"nope.conf\"\n",
			want: `t.conf:2:11: include file nope.conf not found`},
		{name: "include without a file", src: "include \n",
			want: `t.conf:1:9: include needs a file name`},
		{name: "invalid size suffix", src: "max_payload: 1kbi\n",
			want: `t.conf:1:14: invalid size suffix "kbi" in 1kbi`},
		{name: "size out of range", src: "a: 9000000000EB",
			want: `t.conf:1:4: size 9000000000EB is out of range`},
		{name: "integer out of range", src: "a: 9223372036854775808",
			want: `t.conf:1:4: integer 9223372036854775808 is out of range`},
		{name: "nesting too deep", src: "a: " + strings.Repeat("[", maxDepth+1),
			want: `t.conf:1:1004: nesting deeper than 1000 levels`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var (
				m   *Map
				err error
			)
			if tc.file != "" {
				m, err = ParseFile(tc.file)
			} else {
				m, err = Parse("t.conf", []byte(tc.src))
			}
			if err == nil {
				t.Fatalf("parsed without error: %s", render(m, nil))
			}
			if got := err.Error(); got != tc.want {
				t.Fatalf("error\n got: %s\nwant: %s", got, tc.want)
			}
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("error is %T, want *Error", err)
			}
			if perr.Pos.File == "" || perr.Pos.Line < 1 || perr.Pos.Col < 1 {
				t.Fatalf("error position %+v is incomplete", perr.Pos)
			}
		})
	}
}

func TestParseFileMissingTopFile(t *testing.T) {
	_, err := ParseFile("testdata/does-not-exist.conf")
	if err == nil || !strings.Contains(err.Error(), "does-not-exist.conf") {
		t.Fatalf("err = %v, want one naming the file", err)
	}
}
