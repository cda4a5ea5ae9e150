package auth

import (
	"fmt"
	"strings"

	"github.com/reactor-nats/reactor/config"
)

// Helpers that read config values the way nats-server reads them and report refusals as *config.Error at
// the offending value (or key). Messages are nats-server's where it has a useful one.

func errAt(pos config.Pos, format string, args ...any) *config.Error {
	return &config.Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// unknownField is nats-server's refusal of a key it does not know, positioned at the key.
func unknownField(m *config.Map, key string) *config.Error {
	return errAt(m.KeyPos[key], "unknown field %q", key)
}

// notSupported refuses a key nats-server knows but reactor does not implement, so that a config never
// means less than it says.
func notSupported(m *config.Map, key string) *config.Error {
	return errAt(m.KeyPos[key], "%q is not supported yet", key)
}

// eachKey calls fn for each key of m in the order written, with its lower-cased name, which is how
// nats-server matches keys. A key written twice in different case is seen once, with the winning value.
func eachKey(m *config.Map, fn func(name, key string, v *config.Value) error) error {
	seen := make(map[string]bool, len(m.Keys))
	for _, key := range m.Keys {
		name := strings.ToLower(key)
		if seen[name] {
			continue
		}
		seen[name] = true
		key, v, _ := m.GetFold(name)
		if err := fn(name, key, v); err != nil {
			return err
		}
	}
	return nil
}

func wantString(v *config.Value, what string) (string, error) {
	if v.Kind != config.KindString {
		return "", errAt(v.Pos, "%s: want a string, got %s", what, v.Kind)
	}
	return v.Str, nil
}

func wantBool(v *config.Value, what string) (bool, error) {
	if v.Kind != config.KindBool {
		return false, errAt(v.Pos, "%s: want a boolean, got %s", what, v.Kind)
	}
	return v.Bool, nil
}

func wantInt(v *config.Value, what string) (int64, error) {
	if v.Kind != config.KindInt {
		return 0, errAt(v.Pos, "%s: want an integer, got %s", what, v.Kind)
	}
	return v.Int, nil
}

func wantMap(v *config.Value, what string) (*config.Map, error) {
	if v.Kind != config.KindMap {
		return nil, errAt(v.Pos, "%s: want a map, got %s", what, v.Kind)
	}
	return v.Map, nil
}

func wantArray(v *config.Value, what string) ([]*config.Value, error) {
	if v.Kind != config.KindArray {
		return nil, errAt(v.Pos, "%s: want an array, got %s", what, v.Kind)
	}
	return v.Array, nil
}

// stringOrList reads a string or an array of strings, as nats-server accepts for subject lists,
// connection types and trusted keys. An empty array gives nil.
func stringOrList(v *config.Value, what string) ([]string, error) {
	switch v.Kind {
	case config.KindString:
		return []string{v.Str}, nil
	case config.KindArray:
		var list []string
		for _, item := range v.Array {
			s, err := wantString(item, what)
			if err != nil {
				return nil, err
			}
			list = append(list, s)
		}
		return list, nil
	}
	return nil, errAt(v.Pos, "%s: want a string or an array of strings, got %s", what, v.Kind)
}
