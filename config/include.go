package config

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
)

// includeChain is the list of files being parsed, outermost first, used to
// reject include cycles. It is immutable: each include extends a copy.
type includeChain struct {
	names []string // as opened, for messages
	keys  []string // cleaned absolute paths, for comparison
}

func (c *includeChain) with(name string) *includeChain {
	next := &includeChain{}
	if c != nil {
		next.names = append(next.names, c.names...)
		next.keys = append(next.keys, c.keys...)
	}
	next.names = append(next.names, name)
	next.keys = append(next.keys, chainKey(name))
	return next
}

func chainKey(name string) string {
	if abs, err := filepath.Abs(name); err == nil {
		return abs
	}
	return filepath.Clean(name)
}

// parseInclude reads the path after "include" and merges that file's keys
// into m. Relative paths are resolved against the including file's
// directory, so a config tree can be moved as a whole.
func (p *parser) parseInclude(m *Map) *Error {
	p.sc.skipSpace()
	at := p.sc.pos()
	var target string
	switch p.sc.peek() {
	case '"', '\'':
		text, err := p.sc.scanQuoted()
		if err != nil {
			return err
		}
		target = text
	default:
		if p.atValueEnd() {
			return errorf(at, "include needs a file name")
		}
		target = p.sc.scanUntil(isWordEnd)
	}
	if target == "" {
		return errorf(at, "include needs a file name")
	}
	path := target
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(p.sc.file), path)
	}
	key := chainKey(path)
	for i, k := range p.chain.keys {
		if k == key {
			cycle := append(append([]string{}, p.chain.names[i:]...), path)
			return errorf(at, "include cycle: %s", strings.Join(cycle, " -> "))
		}
	}
	src, err := p.src.readFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return errorf(at, "include file %s not found", path)
		}
		return errorf(at, "include %s: %v", path, err)
	}
	included, perr := parseSource(path, src, p.src, p.chain)
	if perr != nil {
		return perr
	}
	for _, k := range included.Keys {
		m.set(k, included.KeyPos[k], included.Values[k])
	}
	return nil
}
