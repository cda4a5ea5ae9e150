package config

import (
	"testing"
	"time"
)

func mustParse(t *testing.T, src string) *Map {
	t.Helper()
	m, err := Parse("t.conf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestGetIsExactGetFoldIsNot(t *testing.T) {
	m := mustParse(t, "Max_Payload: 1\nport: 2\nPORT: 3\n")
	if _, ok := m.Get("max_payload"); ok {
		t.Error("Get matched a key that differs in case")
	}
	if v, ok := m.Get("Max_Payload"); !ok || v.Int != 1 {
		t.Errorf("Get(Max_Payload) = %v, %v", v, ok)
	}
	key, v, ok := m.GetFold("MAX_PAYLOAD")
	if !ok || key != "Max_Payload" || v.Int != 1 {
		t.Errorf("GetFold(MAX_PAYLOAD) = %q, %v, %v", key, v, ok)
	}
	// Keys that differ only in case: the later definition wins, as for
	// exact duplicates.
	key, v, ok = m.GetFold("Port")
	if !ok || key != "PORT" || v.Int != 3 {
		t.Errorf("GetFold(Port) = %q, %v, %v; want PORT = 3", key, v, ok)
	}
	if _, _, ok := m.GetFold("missing"); ok {
		t.Error("GetFold found a missing key")
	}
	var nilMap *Map
	if _, ok := nilMap.Get("a"); ok {
		t.Error("Get on nil map found a key")
	}
}

func TestDuplicateKeyLaterWinsAndMovesToEnd(t *testing.T) {
	m := mustParse(t, "a: 1\nb: 2\na: 3\n")
	if got := m.Keys; len(got) != 2 || got[0] != "b" || got[1] != "a" {
		t.Fatalf("Keys = %v, want [b a]", got)
	}
	if v, _ := m.Get("a"); v.Int != 3 {
		t.Errorf("a = %d, want 3", v.Int)
	}
	if pos := m.KeyPos["a"]; pos.Line != 3 || pos.Col != 1 {
		t.Errorf("KeyPos[a] = %v, want line 3", pos)
	}
}

func TestVariableIsACopy(t *testing.T) {
	m := mustParse(t, "base { x: 1 }\ncopy: $base\n")
	original, _ := m.Get("base")
	copied, _ := m.Get("copy")
	copied.Map.Values["x"].Int = 99
	if original.Map.Values["x"].Int != 1 {
		t.Fatal("changing the copy changed the variable's definition")
	}
	if copied.Pos.Line != 2 || copied.Pos.Col != 7 {
		t.Errorf("copy is positioned at %v, want the reference 2:7", copied.Pos)
	}
}

func TestEnvironmentValueIsTyped(t *testing.T) {
	t.Setenv("REACTOR_CONF_LIST", "[1, two, 3KB]")
	m := mustParse(t, "list: $REACTOR_CONF_LIST\n")
	v, _ := m.Get("list")
	if v.Kind != KindArray || len(v.Array) != 3 || v.Array[0].Int != 1 || v.Array[1].Str != "two" || v.Array[2].Int != 3072 {
		t.Fatalf("list = %s", render(m, nil))
	}
	if v.Array[2].Pos != (Pos{File: "t.conf", Line: 1, Col: 7}) {
		t.Errorf("environment element positioned at %v, want the reference", v.Array[2].Pos)
	}
}

func TestPositions(t *testing.T) {
	cases := []struct {
		name string
		src  string
		key  string
		want Pos
	}{
		{"columns count runes", "é: 1\nk: \"ééé\" # x\nz: 1", "z", Pos{"t.conf", 3, 4}},
		{"CRLF line ends", "a: 1\r\nb: 2\r\n", "b", Pos{"t.conf", 2, 4}},
		{"tab is one column", "\tv:\t5", "v", Pos{"t.conf", 1, 5}},
		{"value after multi-line string", "s: \"a\nb\" ; n: 7", "n", Pos{"t.conf", 2, 9}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, ok := mustParse(t, tc.src).Get(tc.key)
			if !ok {
				t.Fatalf("key %q missing", tc.key)
			}
			if v.Pos != tc.want {
				t.Errorf("pos = %v, want %v", v.Pos, tc.want)
			}
		})
	}
}

func TestSize(t *testing.T) {
	cases := []struct {
		src     string
		want    int64
		wantErr string
	}{
		{src: "1MB", want: 1 << 20},
		{src: "1m", want: 1_000_000},
		{src: "512", want: 512},
		{src: `"64MB"`, want: 64 << 20},
		{src: `"64mib"`, want: 64 << 20},
		{src: `"1G"`, want: 1e9},
		{src: `" 2048 "`, want: 2048},
		{src: `"64XB"`, wantErr: `t.conf:1:4: invalid size suffix "XB" in 64XB`},
		{src: `"lots"`, wantErr: `t.conf:1:4: invalid size "lots": want a number with an optional unit such as 64MB`},
		{src: "1.5", wantErr: `t.conf:1:4: invalid size: want an integer or a string like "64MB", got float`},
	}
	for _, tc := range cases {
		t.Run(tc.src, func(t *testing.T) {
			v, _ := mustParse(t, "v: "+tc.src).Get("v")
			got, err := Size(v)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("Size = %d, %v; want error %s", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Size = %d, %v; want %d", got, err, tc.want)
			}
		})
	}
}

func TestDuration(t *testing.T) {
	cases := []struct {
		src     string
		want    time.Duration
		wantErr string
	}{
		{src: `"2m"`, want: 2 * time.Minute},
		{src: `"500ms"`, want: 500 * time.Millisecond},
		{src: `'1h30m'`, want: 90 * time.Minute},
		{src: "10s", want: 10 * time.Second}, // bare, but not a size: a string
		{src: "30", want: 30 * time.Second},  // nats-server reads integers as seconds
		{src: `"2 minutes"`, wantErr: `t.conf:1:4: invalid duration "2 minutes": want e.g. "2m" or "500ms"`},
		{src: "true", wantErr: `t.conf:1:4: invalid duration: want a string like "2m" or seconds, got bool`},
		{src: "9223372036854775807", wantErr: `t.conf:1:4: duration of 9223372036854775807 seconds is out of range`},
	}
	for _, tc := range cases {
		t.Run(tc.src, func(t *testing.T) {
			v, _ := mustParse(t, "v: "+tc.src).Get("v")
			got, err := Duration(v)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("Duration = %v, %v; want error %s", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Duration = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}
