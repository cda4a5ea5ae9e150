package config

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current parser")

// dumpValue is the canonical JSON form of a Value: its kind, the one field
// that kind uses, and where it was written. Map entries keep file order.
type dumpValue struct {
	Kind   string       `json:"kind"`
	String *string      `json:"string,omitempty"`
	Int    *int64       `json:"int,omitempty"`
	Float  *float64     `json:"float,omitempty"`
	Bool   *bool        `json:"bool,omitempty"`
	Map    *[]dumpEntry `json:"map,omitempty"`
	Array  *[]dumpValue `json:"array,omitempty"`
	Pos    string       `json:"pos"`
}

type dumpEntry struct {
	Key   string    `json:"key"`
	Pos   string    `json:"pos"`
	Value dumpValue `json:"value"`
}

func dumpMap(m *Map) []dumpEntry {
	entries := []dumpEntry{}
	for _, k := range m.Keys {
		entries = append(entries, dumpEntry{Key: k, Pos: m.KeyPos[k].String(), Value: dump(m.Values[k])})
	}
	return entries
}

func dump(v *Value) dumpValue {
	d := dumpValue{Kind: v.Kind.String(), Pos: v.Pos.String()}
	switch v.Kind {
	case KindString:
		d.String = &v.Str
	case KindInt:
		d.Int = &v.Int
	case KindFloat:
		d.Float = &v.Float
	case KindBool:
		d.Bool = &v.Bool
	case KindMap:
		entries := dumpMap(v.Map)
		d.Map = &entries
	case KindArray:
		elems := []dumpValue{}
		for _, e := range v.Array {
			elems = append(elems, dump(e))
		}
		d.Array = &elems
	}
	return d
}

// render is what a golden file holds: the JSON dump, or the error text.
func render(m *Map, err error) string {
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	out, jerr := json.MarshalIndent(dumpMap(m), "", "  ")
	if jerr != nil {
		panic(jerr)
	}
	return string(out) + "\n"
}

// TestGolden parses every testdata/*.conf and compares the dump with the
// .golden beside it. Run with -update after an intended change and review
// the diff.
func TestGolden(t *testing.T) {
	t.Setenv("REACTOR_CONF_PORT", "4333")
	t.Setenv("REACTOR_CONF_HOST", "example.com")
	confs, err := filepath.Glob("testdata/*.conf")
	if err != nil || len(confs) == 0 {
		t.Fatalf("no testdata/*.conf: %v", err)
	}
	for _, conf := range confs {
		t.Run(filepath.Base(conf), func(t *testing.T) {
			m, err := ParseFile(conf)
			var perr *Error
			if err != nil && !errors.As(err, &perr) {
				t.Fatalf("error is %T, want *Error: %v", err, err)
			}
			got := render(m, err)
			golden := strings.TrimSuffix(conf, ".conf") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s:\n%s", conf, golden, got)
			}
		})
	}
}
