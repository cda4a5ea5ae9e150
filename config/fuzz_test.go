package config

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// fuzzSource keeps the fuzzer off the real disk and environment: a fixed
// pair of include files (one including the other, one including itself)
// and a fixed environment with a self-reference.
var fuzzSource = source{
	readFile: func(path string) ([]byte, error) {
		switch filepath.Base(path) {
		case "a.conf":
			return []byte("a: 1\ninclude b.conf\n"), nil
		case "b.conf":
			return []byte("b: [x, {y: $B}]\n"), nil
		case "self.conf":
			return []byte("include self.conf\n"), nil
		}
		return nil, fs.ErrNotExist
	},
	lookupEnv: func(name string) (string, bool) {
		switch name {
		case "B":
			return "2KB", true
		case "LOOP":
			return "$LOOP", true
		}
		return "", false
	},
}

// FuzzParse checks that no input panics, that every error is a *Error with a
// full position inside the text it names, and that every parsed value has a
// kind and a position.
func FuzzParse(f *testing.F) {
	confs, _ := filepath.Glob("testdata/*.conf")
	for _, conf := range confs {
		if src, err := os.ReadFile(conf); err == nil {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		m, err := parseSource("fuzz.conf", src, fuzzSource, nil)
		if err != nil {
			if m != nil {
				t.Fatal("both a map and an error")
			}
			p := err.Pos
			if p.File == "" || p.Line < 1 || p.Col < 1 {
				t.Fatalf("error without a full position: %v", err)
			}
			if p.File == "fuzz.conf" && p.Line > bytes.Count(src, []byte("\n"))+1 {
				t.Fatalf("error line %d past the end of input: %v", p.Line, err)
			}
			return
		}
		var check func(v *Value)
		check = func(v *Value) {
			if v.Kind < KindString || v.Kind > KindArray || v.Pos.Line < 1 || v.Pos.Col < 1 {
				t.Fatalf("bad value %+v", v)
			}
			switch v.Kind {
			case KindMap:
				checkMap(t, v.Map, check)
			case KindArray:
				for _, e := range v.Array {
					check(e)
				}
			}
		}
		checkMap(t, m, check)
	})
}

func checkMap(t *testing.T, m *Map, check func(*Value)) {
	if len(m.Keys) != len(m.Values) || len(m.Keys) != len(m.KeyPos) {
		t.Fatalf("map out of sync: %d keys, %d values, %d positions", len(m.Keys), len(m.Values), len(m.KeyPos))
	}
	for _, k := range m.Keys {
		v, ok := m.Values[k]
		if !ok {
			t.Fatalf("key %q listed but has no value", k)
		}
		check(v)
	}
}
