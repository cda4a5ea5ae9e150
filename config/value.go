package config

import "strings"

// Kind is the type a Value was written as.
type Kind uint8

const (
	KindString Kind = iota + 1
	KindInt
	KindFloat
	KindBool
	KindMap
	KindArray
)

var kindNames = [...]string{
	KindString: "string",
	KindInt:    "int",
	KindFloat:  "float",
	KindBool:   "bool",
	KindMap:    "map",
	KindArray:  "array",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "invalid"
}

// Value is one parsed value. Only the field named by Kind is meaningful.
// Pos is where the value was written (for a $VAR, where it was referenced).
type Value struct {
	Kind  Kind
	Str   string
	Int   int64
	Float float64
	Bool  bool
	Map   *Map
	Array []*Value
	Pos   Pos
}

// Map is a block: the top level of a file, or a { ... } value.
type Map struct {
	Keys   []string // order of the winning definitions
	Values map[string]*Value
	KeyPos map[string]Pos // where the winning definition's key was written
}

func newMap() *Map {
	return &Map{Values: map[string]*Value{}, KeyPos: map[string]Pos{}}
}

// set defines key; a redefinition wins and moves the key to the end of Keys,
// which keeps Keys in the order a reader of the file would apply them.
func (m *Map) set(key string, pos Pos, v *Value) {
	if _, ok := m.Values[key]; ok {
		for i, k := range m.Keys {
			if k == key {
				m.Keys = append(m.Keys[:i], m.Keys[i+1:]...)
				break
			}
		}
	}
	m.Keys = append(m.Keys, key)
	m.Values[key] = v
	m.KeyPos[key] = pos
}

// Get returns the value of key, matched exactly.
func (m *Map) Get(key string) (*Value, bool) {
	if m == nil {
		return nil, false
	}
	v, ok := m.Values[key]
	return v, ok
}

// GetFold returns the key as written and its value, matching key
// case-insensitively as nats-server does. If several keys differ only in
// case, the one defined last wins, as it does for exact duplicates.
func (m *Map) GetFold(key string) (string, *Value, bool) {
	if m == nil {
		return "", nil, false
	}
	for i := len(m.Keys) - 1; i >= 0; i-- {
		if strings.EqualFold(m.Keys[i], key) {
			return m.Keys[i], m.Values[m.Keys[i]], true
		}
	}
	return "", nil, false
}

// clone deep-copies v so a $VAR reference never aliases its definition: the
// mapping layer may then treat every node as its own.
func (v *Value) clone() *Value {
	c := *v
	switch v.Kind {
	case KindMap:
		c.Map = newMap()
		for _, k := range v.Map.Keys {
			c.Map.set(k, v.Map.KeyPos[k], v.Map.Values[k].clone())
		}
	case KindArray:
		c.Array = make([]*Value, len(v.Array))
		for i, e := range v.Array {
			c.Array[i] = e.clone()
		}
	}
	return &c
}
