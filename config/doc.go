// Package config parses the nats-server configuration file format into a
// generic, ordered tree of values, and reports every error with the exact
// file, line and column of the offending token.
//
// config owns syntax only. It knows nothing about what a key means: mapping
// "max_payload" or "cluster.routes" onto server options is the job of a later
// layer. It imports nothing else from this module.
//
// # Data flow
//
//	ParseFile(path) / Parse(name, src)
//	  → scanner  (bytes → runes with Pos; comments and blanks skipped)
//	  → parser   (keys, values, blocks, arrays; include and $VAR resolved inline)
//	  → *Map     (Keys in order, Values, KeyPos)
//
// A Value carries its Kind and the Pos where it was written, so the mapping
// layer can report "file:line:col: max_payload: ..." without re-reading the
// file. The helpers Size and Duration convert values the way nats-server does.
//
// # Semantics, following nats-server v2 (conf/lex.go, conf/parse.go)
//
// Keys are case-sensitive as written; GetFold gives the case-insensitive
// lookup nats-server performs when it lowercases keys.
//
// A redefined key replaces the earlier value ("later wins") and moves to the
// end of Keys, so Keys lists keys in the order of their winning definitions.
//
// Bare words are typed by shape: true/false/yes/no/on/off (any case) are
// booleans; digits are integers; digits '.' digits is a float; digits followed
// by a size suffix (k, kb, ki, kib, m, mb, ... e, eib; any case) is an integer
// where the one-letter suffix is a power of 1000 and the two- or three-letter
// suffixes are powers of 1024 (nats-server: 1K = 1000, 1KB = 1KiB = 1024);
// anything else (127.0.0.1, 10s, nats://h:4222, /tmp/js) is a string. Quoted
// strings are always strings.
//
// $NAME as a whole value refers to the key NAME defined earlier in the
// current block or any enclosing block (innermost first, arrays are not
// scopes), else to the environment variable NAME, whose text is parsed as a
// value (so PORT=4222 gives an integer). A reference yields a deep copy
// positioned at the reference. "$2a$..." is a bcrypt hash, not a reference.
//
// include PATH merges the keys of PATH into the current block at that point.
// A relative PATH is resolved against the directory of the including file.
// As in nats-server, the included file is parsed on its own: its variables
// see its own keys and the environment, not the including file's keys.
//
// # Invariants
//
// Every error returned by Parse, and by ParseFile once the top file has been
// read, is a *Error whose Pos has a file name and a 1-based line and column.
// Columns count runes, not bytes; a tab counts as one column.
//
// Parsing never panics on any input (FuzzParse), never reads a file other
// than the one it was given and the ones it includes, and refuses nesting
// deeper than maxDepth so hostile input cannot exhaust the stack.
//
// The returned tree is owned by the caller; config keeps no reference to it
// and has no global mutable state.
//
// # Not supported
//
// ISO8601 datetimes (they parse as strings), multi-line "( ... )" raw blocks,
// escapes inside bare (unquoted) words, and the pedantic-mode bookkeeping of
// nats-server (unused-variable warnings). A lone '\r' is whitespace, not a
// line break.
package config
