package config

import "strings"

// isBcrypt recognises "$2a$..." hashes, which nats-server keeps as literal
// strings so passwords need not be quoted.
func isBcrypt(name string) bool { return strings.HasPrefix(name, "2a$") }

// resolveVariable looks name up in the enclosing blocks, innermost first,
// then in the environment. Only keys already parsed are visible: a variable
// must be defined before it is used, as in nats-server.
func (p *parser) resolveVariable(name string, at Pos) (*Value, *Error) {
	if name == "" {
		return nil, errorf(at, "missing variable name after '$'")
	}
	for i := len(p.scopes) - 1; i >= 0; i-- {
		if v, ok := p.scopes[i].Values[name]; ok {
			c := v.clone()
			c.Pos = at
			return c, nil
		}
	}
	text, ok := p.src.lookupEnv(name)
	if !ok {
		return nil, errorf(at, "undefined variable %q: not a key in scope nor an environment variable", name)
	}
	return p.envValue(name, text, at)
}

// envValue parses an environment variable's text as a value, so PORT=4222
// yields an integer. The text may itself use $VARs from the environment; a
// variable that reaches itself is an error rather than endless recursion.
func (p *parser) envValue(name, text string, at Pos) (*Value, *Error) {
	if p.envUse[name] {
		return nil, errorf(at, "environment variable %q refers to itself", name)
	}
	p.envUse[name] = true
	defer delete(p.envUse, name)

	sub := &parser{
		sc:     newScanner("$"+name, []byte(text)),
		src:    p.src,
		chain:  p.chain,
		envUse: p.envUse,
		depth:  p.depth,
	}
	sub.scopes = []*Map{newMap()}
	v, err := sub.parseValue()
	if err == nil {
		sub.sc.skipSpaceAndComment()
		if sub.sc.peek() != eof {
			err = errorf(sub.sc.pos(), "unexpected %s after the value", sub.sc.describe())
		}
	}
	if err != nil {
		return nil, errorf(at, "environment variable %q: %s", name, err.Error())
	}
	setPos(v, at)
	return v, nil
}

// setPos points a value from the environment, and everything in it, at the
// reference: the environment has no file a reader could open.
func setPos(v *Value, at Pos) {
	v.Pos = at
	switch v.Kind {
	case KindMap:
		for _, k := range v.Map.Keys {
			v.Map.KeyPos[k] = at
			setPos(v.Map.Values[k], at)
		}
	case KindArray:
		for _, e := range v.Array {
			setPos(e, at)
		}
	}
}
