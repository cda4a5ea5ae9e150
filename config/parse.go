package config

import (
	"os"
	"strings"
)

// maxDepth bounds nesting of blocks and arrays so hostile input cannot
// exhaust the stack; real configs nest a handful of levels.
const maxDepth = 1000

// source is what a parser needs from the outside world. Tests and the
// fuzzer substitute it so parsing never depends on the real disk or env.
type source struct {
	readFile  func(path string) ([]byte, error)
	lookupEnv func(name string) (string, bool)
}

var osSource = source{readFile: os.ReadFile, lookupEnv: os.LookupEnv}

// parser turns one file into a Map. An include runs a fresh parser over the
// included file; they share the source and the include chain.
type parser struct {
	sc     scanner
	src    source
	chain  *includeChain
	scopes []*Map // enclosing blocks for $VAR lookup, innermost last
	depth  int
	envUse map[string]bool // environment variables being expanded, to stop cycles
}

// Parse parses src as the contents of the file name. Includes are resolved
// relative to the directory of name.
func Parse(name string, src []byte) (*Map, error) {
	m, err := parseSource(name, src, osSource, nil)
	if err != nil {
		return nil, err // keep a nil *Error from becoming a non-nil error
	}
	return m, nil
}

// ParseFile reads and parses the file at path. Failing to read path itself is
// the one error that is not a *Error: there is no position to report.
func ParseFile(path string) (*Map, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, src)
}

func parseSource(name string, src []byte, from source, chain *includeChain) (*Map, *Error) {
	if name == "" {
		name = "<input>"
	}
	p := &parser{
		sc:     newScanner(name, src),
		src:    from,
		chain:  chain.with(name),
		envUse: map[string]bool{},
	}
	top := newMap()
	p.scopes = append(p.scopes, top)
	if err := p.parseEntries(top, Pos{}); err != nil {
		return nil, err
	}
	return top, nil
}

// parseEntries reads key/value entries into m until the '}' that closes a
// block opened at open, or until end of file when open is the zero Pos.
func (p *parser) parseEntries(m *Map, open Pos) *Error {
	inBlock := open != Pos{}
	for {
		p.sc.skipBlank()
		switch p.sc.peek() {
		case eof:
			if inBlock {
				return errorf(open, "unterminated block: missing '}'")
			}
			return nil
		case '}':
			if inBlock {
				p.sc.advance()
				return nil
			}
			return errorf(p.sc.pos(), "unexpected '}' outside a block")
		}
		if err := p.parseEntry(m); err != nil {
			return err
		}
	}
}

// parseEntry reads one "key value", "key: value", "key = value",
// "key { ... }" or "include path", and the end of that entry.
func (p *parser) parseEntry(m *Map) *Error {
	keyPos := p.sc.pos()
	key, quoted, err := p.parseKey()
	if err != nil {
		return err
	}
	if !quoted && strings.EqualFold(key, "include") && p.includeFollows() {
		if err := p.parseInclude(m); err != nil {
			return err
		}
		return p.endEntry(key)
	}
	p.sc.skipSpace()
	switch p.sc.peek() {
	case ':', '=':
		p.sc.advance()
		p.sc.skipSpace()
	default:
		// Without a separator a block may open on the next line, as
		// nats-server allows; any other value must stay on the key's line.
		if p.blockFollows() {
			p.sc.skipBlank()
		}
	}
	if p.atValueEnd() {
		return errorf(keyPos, "missing value for key %q", key)
	}
	v, err := p.parseValue()
	if err != nil {
		return err
	}
	m.set(key, keyPos, v)
	return p.endEntry(key)
}

// includeFollows tells the include directive ("include path") from a key
// named include ("include: x"), as nats-server does: the keyword is followed
// by blanks and then something other than a separator.
func (p *parser) includeFollows() bool {
	if c := p.sc.peek(); c != ' ' && c != '\t' {
		return false
	}
	probe := p.sc
	probe.skipSpace()
	c := probe.peek()
	return c != ':' && c != '='
}

// blockFollows reports whether only blanks and newlines stand between here
// and a '{'.
func (p *parser) blockFollows() bool {
	probe := p.sc
	for c := probe.peek(); isSpace(c) || c == '\n'; c = probe.peek() {
		probe.advance()
	}
	return probe.peek() == '{'
}

func (p *parser) atValueEnd() bool {
	switch p.sc.peek() {
	case eof, '\n', ',', ';', '}', ']':
		return true
	}
	return p.sc.atComment()
}

// endEntry consumes what may follow a value: blanks, a comment, and one
// newline, ',' or ';'. A '}' or end of file is left for parseEntries.
func (p *parser) endEntry(key string) *Error {
	p.sc.skipSpaceAndComment()
	switch p.sc.peek() {
	case '\n', ',', ';':
		p.sc.advance()
		return nil
	case '}', eof:
		return nil
	}
	return errorf(p.sc.pos(), "unexpected %s after the value of key %q; want a newline, ',' or ';'", p.sc.describe(), key)
}

func (p *parser) parseKey() (key string, quoted bool, err *Error) {
	switch p.sc.peek() {
	case '"', '\'':
		key, err := p.sc.scanQuoted()
		return key, true, err
	}
	at := p.sc.pos()
	key = p.sc.scanUntil(isKeyEnd)
	if key == "" {
		return "", false, errorf(at, "unexpected %s; want a key", p.sc.describe())
	}
	return key, false, nil
}

// parseValue reads one value at the current position.
func (p *parser) parseValue() (*Value, *Error) {
	at := p.sc.pos()
	switch p.sc.peek() {
	case '{':
		return p.parseBlock(at)
	case '[':
		return p.parseArray(at)
	case '"', '\'':
		text, err := p.sc.scanQuoted()
		if err != nil {
			return nil, err
		}
		return &Value{Kind: KindString, Str: text, Pos: at}, nil
	}
	if p.atValueEnd() {
		return nil, errorf(at, "unexpected %s; want a value", p.sc.describe())
	}
	word := p.sc.scanUntil(isWordEnd)
	if name, ok := strings.CutPrefix(word, "$"); ok && !isBcrypt(name) {
		return p.resolveVariable(name, at)
	}
	return bareValue(word, at)
}

func (p *parser) enter(at Pos) *Error {
	p.depth++
	if p.depth > maxDepth {
		return errorf(at, "nesting deeper than %d levels", maxDepth)
	}
	return nil
}

func (p *parser) parseBlock(open Pos) (*Value, *Error) {
	if err := p.enter(open); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	p.sc.advance() // '{'
	m := newMap()
	p.scopes = append(p.scopes, m)
	defer func() { p.scopes = p.scopes[:len(p.scopes)-1] }()
	if err := p.parseEntries(m, open); err != nil {
		return nil, err
	}
	return &Value{Kind: KindMap, Map: m, Pos: open}, nil
}

// parseArray reads [ ... ] whose elements are separated by commas and/or
// newlines; a trailing comma is allowed.
func (p *parser) parseArray(open Pos) (*Value, *Error) {
	if err := p.enter(open); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	p.sc.advance() // '['
	elems := []*Value{}
	for {
		p.sc.skipBlank()
		switch p.sc.peek() {
		case eof:
			return nil, errorf(open, "unterminated array: missing ']'")
		case ']':
			p.sc.advance()
			return &Value{Kind: KindArray, Array: elems, Pos: open}, nil
		}
		v, err := p.parseValue()
		if err != nil {
			return nil, err
		}
		elems = append(elems, v)
		p.sc.skipSpaceAndComment()
		switch p.sc.peek() {
		case ',', '\n':
			p.sc.advance()
		case ']', eof:
			// closed or reported as unterminated by the loop
		default:
			return nil, errorf(p.sc.pos(), "unexpected %s in array; want ',', a newline or ']'", p.sc.describe())
		}
	}
}
