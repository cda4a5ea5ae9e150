package store

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"reflect"
	"testing"
)

// impl makes a fresh store of one implementation for a test; reopen (nil for memory) closes a store and
// opens what it left on disk again.
type impl struct {
	name   string
	open   func(t *testing.T) Store
	reopen func(t *testing.T, st Store) Store
}

// impls is every implementation the conformance tests run against. The file store uses tiny segments so
// that every test crosses segment boundaries.
func impls() []impl {
	return []impl{
		{name: "mem", open: func(*testing.T) Store { return NewMemStore() }},
		{name: "file", open: openTestFile, reopen: reopenTestFile},
	}
}

// forEach runs test against every implementation; reopen is a no-op for memory.
func forEach(t *testing.T, test func(t *testing.T, st Store, reopen func(Store) Store)) {
	for _, im := range impls() {
		t.Run(im.name, func(t *testing.T) {
			st := im.open(t)
			reopen := func(s Store) Store {
				if im.reopen == nil {
					return s
				}
				return im.reopen(t, s)
			}
			test(t, st, reopen)
		})
	}
}

func mustAppend(t testing.TB, st Store, subject string, data string, ts, ttl int64) uint64 {
	t.Helper()
	seq, err := st.Append(subject, nil, []byte(data), ts, ttl)
	if err != nil {
		t.Fatalf("Append(%s): %v", subject, err)
	}
	return seq
}

func mustLoad(t testing.TB, st Store, seq uint64) Msg {
	t.Helper()
	m, err := st.Load(seq)
	if err != nil {
		t.Fatalf("Load(%d): %v", seq, err)
	}
	return m
}

func wantGone(t testing.TB, st Store, seqs ...uint64) {
	t.Helper()
	for _, seq := range seqs {
		if _, err := st.Load(seq); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Load(%d) = %v, want ErrNotFound", seq, err)
		}
	}
}

func wantState(t testing.TB, st Store, want State) {
	t.Helper()
	if got := st.State(); got != want {
		t.Fatalf("State:\n got %+v\nwant %+v", got, want)
	}
}

// fill appends n messages cycling over subjects, at times 1000, 2000, ...; data is "m<seq>".
func fill(t testing.TB, st Store, n int, subjects ...string) {
	t.Helper()
	for i := 0; i < n; i++ {
		seq := st.State().LastSeq + 1
		mustAppend(t, st, subjects[i%len(subjects)], fmt.Sprintf("m%d", seq), int64(seq)*1000, 0)
	}
}

func TestAppendLoadState(t *testing.T) {
	forEach(t, func(t *testing.T, st Store, reopen func(Store) Store) {
		wantState(t, st, State{FirstSeq: 1})
		hdr := []byte("NATS/1.0\r\nA: b\r\n\r\n")
		if seq, err := st.Append("a.b", hdr, []byte("one"), 100, 0); err != nil || seq != 1 {
			t.Fatalf("Append = %d, %v", seq, err)
		}
		mustAppend(t, st, "a.c", "two", 200, 0)
		mustAppend(t, st, "a.b", "three", 300, 0)
		if err := st.Flush(); err != nil {
			t.Fatal(err)
		}
		check := func(st Store) {
			m := mustLoad(t, st, 1)
			if m.Seq != 1 || m.Subject != "a.b" || !bytes.Equal(m.Hdr, hdr) || string(m.Data) != "one" || m.Time != 100 {
				t.Fatalf("Load(1) = %+v", m)
			}
			if m := mustLoad(t, st, 2); m.Hdr != nil || string(m.Data) != "two" {
				t.Fatalf("Load(2) = %+v, want no header", m)
			}
			wantGone(t, st, 0, 4, math.MaxUint64)
			size := sizeOf(st)
			wantState(t, st, State{
				Msgs: 3, Bytes: size("a.b", hdr, "one") + size("a.c", nil, "two") + size("a.b", nil, "three"),
				FirstSeq: 1, LastSeq: 3, FirstTime: 100, LastTime: 300, NumSubjects: 2,
			})
		}
		check(st)
		check(reopen(st))
	})
}

// sizeOf is the byte counting of st's implementation.
func sizeOf(st Store) func(subject string, hdr []byte, data string) uint64 {
	if _, ok := st.(*MemStore); ok {
		return func(s string, h []byte, d string) uint64 { return MemMsgSize(s, h, []byte(d)) }
	}
	return func(s string, h []byte, d string) uint64 { return MsgSize(s, h, []byte(d)) }
}

func TestLoadedSlicesBelongToCaller(t *testing.T) {
	forEach(t, func(t *testing.T, st Store, _ func(Store) Store) {
		mustAppend(t, st, "a", "abc", 1, 0)
		m := mustLoad(t, st, 1)
		m.Data[0] = 'X'
		if m := mustLoad(t, st, 1); string(m.Data) != "abc" {
			t.Fatalf("the store shares its bytes: %q", m.Data)
		}
	})
}

func TestLoadNextAndLast(t *testing.T) {
	forEach(t, func(t *testing.T, st Store, reopen func(Store) Store) {
		fill(t, st, 30, "orders.eu.new", "orders.us.new", "orders.eu.done", "stock")
		if _, err := st.Remove(5, false); err != nil {
			t.Fatal(err)
		}
		st = reopen(st)
		cases := []struct {
			filter    string
			start     uint64
			next      uint64 // 0: ErrNotFound
			last      uint64
			lastFound bool
		}{
			{"", 0, 1, 30, true},
			{">", 5, 6, 30, true},
			{"orders.eu.new", 2, 9, 29, true}, // 5 is deleted
			{"orders.*.new", 3, 6, 30, true},
			{"orders.eu.*", 4, 7, 29, true},
			{"orders.>", 28, 29, 30, true},
			{"stock", 29, 0, 28, true},
			{"*", 1, 4, 28, true},
			{"nothing", 1, 0, 0, false},
			{"orders.*", 1, 0, 0, false},
			{">", 31, 0, 30, true},
		}
		for _, c := range cases {
			m, err := st.LoadNext(c.filter, c.start)
			switch {
			case c.next == 0 && !errors.Is(err, ErrNotFound):
				t.Errorf("LoadNext(%q, %d) = %d, %v; want ErrNotFound", c.filter, c.start, m.Seq, err)
			case c.next != 0 && (err != nil || m.Seq != c.next || string(m.Data) != fmt.Sprintf("m%d", c.next)):
				t.Errorf("LoadNext(%q, %d) = %d %q, %v; want %d", c.filter, c.start, m.Seq, m.Data, err, c.next)
			}
			m, err = st.LoadLast(c.filter)
			switch {
			case !c.lastFound && !errors.Is(err, ErrNotFound):
				t.Errorf("LoadLast(%q) = %d, %v; want ErrNotFound", c.filter, m.Seq, err)
			case c.lastFound && (err != nil || m.Seq != c.last):
				t.Errorf("LoadLast(%q) = %d, %v; want %d", c.filter, m.Seq, err, c.last)
			}
		}
	})
}

func TestRemove(t *testing.T) {
	forEach(t, func(t *testing.T, st Store, reopen func(Store) Store) {
		fill(t, st, 10, "a", "b")
		for _, c := range []struct {
			seq   uint64
			erase bool
			ok    bool
		}{{1, false, true}, {1, false, false}, {4, true, true}, {10, false, true}, {11, false, false}, {0, false, false}} {
			if ok, err := st.Remove(c.seq, c.erase); err != nil || ok != c.ok {
				t.Fatalf("Remove(%d) = %v, %v; want %v", c.seq, ok, err, c.ok)
			}
		}
		check := func(st Store) {
			wantGone(t, st, 1, 4, 10)
			if got := st.Deleted(); !reflect.DeepEqual(got, []uint64{4, 10}) {
				t.Fatalf("Deleted = %v, want [4 10]", got)
			}
			s := st.State()
			if s.Msgs != 7 || s.FirstSeq != 2 || s.LastSeq != 10 || s.NumDeleted != 2 || s.FirstTime != 2000 || s.LastTime != 10000 {
				t.Fatalf("State = %+v", s)
			}
			if got := st.SubjectState("b"); got != (SubjectState{Msgs: 3, First: 2, Last: 8}) {
				t.Fatalf("SubjectState(b) = %+v", got)
			}
			if got := st.SubjectState("a"); got != (SubjectState{Msgs: 4, First: 3, Last: 9}) {
				t.Fatalf("SubjectState(a) = %+v", got)
			}
		}
		check(st)
		st = reopen(st)
		check(st)
		// Appending after removing the last keeps counting from the last ever assigned.
		if seq := mustAppend(t, st, "c", "x", 11000, 0); seq != 11 {
			t.Fatalf("Append after removing the last = %d, want 11", seq)
		}
	})
}

func TestPurge(t *testing.T) {
	cases := []struct {
		name                 string
		filter               string
		upTo, keep           uint64
		purged               uint64
		first, last, deleted uint64
		left                 map[string]uint64
	}{
		{name: "all", purged: 12, first: 13, last: 12, left: map[string]uint64{}},
		{name: "all with >", filter: ">", purged: 12, first: 13, last: 12, left: map[string]uint64{}},
		{name: "up to", upTo: 5, purged: 4, first: 5, last: 12, left: map[string]uint64{"a": 2, "b": 3, "c": 3}},
		{name: "up to the end", upTo: 13, purged: 12, first: 13, last: 12, left: map[string]uint64{}},
		{name: "up to beyond", upTo: 100, purged: 12, first: 100, last: 99, left: map[string]uint64{}},
		{name: "keep", keep: 5, purged: 7, first: 8, last: 12, left: map[string]uint64{"a": 1, "b": 2, "c": 2}},
		{name: "keep more than there are", keep: 50, purged: 0, first: 1, last: 12,
			left: map[string]uint64{"a": 4, "b": 4, "c": 4}},
		{name: "subject", filter: "a", purged: 4, first: 2, last: 12, deleted: 3, left: map[string]uint64{"b": 4, "c": 4}},
		{name: "subject up to", filter: "b", upTo: 6, purged: 2, first: 1, last: 12, deleted: 2,
			left: map[string]uint64{"a": 4, "b": 2, "c": 4}},
		{name: "subject keep", filter: "c", keep: 1, purged: 3, first: 1, last: 12, deleted: 3,
			left: map[string]uint64{"a": 4, "b": 4, "c": 1}},
		{name: "wildcard", filter: "*", purged: 12, first: 13, last: 12, left: map[string]uint64{}},
		{name: "no match", filter: "zzz", purged: 0, first: 1, last: 12, left: map[string]uint64{"a": 4, "b": 4, "c": 4}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			forEach(t, func(t *testing.T, st Store, reopen func(Store) Store) {
				fill(t, st, 12, "a", "b", "c")
				n, err := st.Purge(c.filter, c.upTo, c.keep)
				if err != nil || n != c.purged {
					t.Fatalf("Purge = %d, %v; want %d", n, err, c.purged)
				}
				check := func(st Store) {
					s := st.State()
					if s.FirstSeq != c.first || s.LastSeq != c.last || uint64(s.NumDeleted) != c.deleted || s.LastTime != 12000 {
						t.Fatalf("State = %+v; want first %d last %d deleted %d", s, c.first, c.last, c.deleted)
					}
					if got := st.Subjects(""); !reflect.DeepEqual(got, c.left) {
						t.Fatalf("Subjects = %v, want %v", got, c.left)
					}
				}
				check(st)
				st = reopen(st)
				check(st)
				if seq := mustAppend(t, st, "a", "next", 13000, 0); seq != c.last+1 {
					t.Fatalf("next Append = %d, want %d", seq, c.last+1)
				}
				if s := st.State(); s.Msgs == 1 && s.FirstSeq != c.last+1 {
					t.Fatalf("after a purge of everything FirstSeq = %d, want %d", s.FirstSeq, c.last+1)
				}
			})
		})
	}
}

func TestSkipTo(t *testing.T) {
	forEach(t, func(t *testing.T, st Store, reopen func(Store) Store) {
		if err := st.SkipTo(100); err != nil {
			t.Fatal(err)
		}
		wantState(t, st, State{FirstSeq: 100, LastSeq: 99})
		st = reopen(st)
		wantState(t, st, State{FirstSeq: 100, LastSeq: 99})
		if seq := mustAppend(t, st, "a", "x", 5, 0); seq != 100 {
			t.Fatalf("Append after SkipTo(100) = %d", seq)
		}
		fill(t, st, 5, "a")
		if err := st.SkipTo(103); err != nil {
			t.Fatal(err)
		}
		if s := st.State(); s.FirstSeq != 103 || s.LastSeq != 105 || s.Msgs != 3 {
			t.Fatalf("State after SkipTo(103) = %+v", s)
		}
		st = reopen(st)
		if s := st.State(); s.FirstSeq != 103 || s.LastSeq != 105 || s.Msgs != 3 {
			t.Fatalf("State after reopen = %+v", s)
		}
	})
}

func TestSubjectsAndFilteredState(t *testing.T) {
	forEach(t, func(t *testing.T, st Store, reopen func(Store) Store) {
		fill(t, st, 20, "kv.a", "kv.b", "other.x", "kv.a")
		if _, err := st.Remove(1, false); err != nil { // kv.a's first
			t.Fatal(err)
		}
		if _, err := st.Remove(20, false); err != nil { // kv.a's last
			t.Fatal(err)
		}
		st = reopen(st)
		if got := st.SubjectState("kv.a"); got != (SubjectState{Msgs: 8, First: 4, Last: 17}) {
			t.Fatalf("SubjectState(kv.a) = %+v", got)
		}
		if got := st.SubjectState("nope"); got != (SubjectState{}) {
			t.Fatalf("SubjectState(nope) = %+v", got)
		}
		if got, want := st.Subjects("kv.*"), map[string]uint64{"kv.a": 8, "kv.b": 5}; !reflect.DeepEqual(got, want) {
			t.Fatalf("Subjects(kv.*) = %v", got)
		}
		if got := st.Subjects("none.>"); len(got) != 0 {
			t.Fatalf("Subjects(none.>) = %v", got)
		}
		for _, c := range []struct {
			filter string
			start  uint64
			want   SubjectState
		}{
			{"", 0, SubjectState{Msgs: 18, First: 2, Last: 19}},
			{"kv.a", 0, SubjectState{Msgs: 8, First: 4, Last: 17}},
			{"kv.a", 5, SubjectState{Msgs: 7, First: 5, Last: 17}},
			{"kv.*", 10, SubjectState{Msgs: 7, First: 10, Last: 18}},
			{"other.>", 18, SubjectState{Msgs: 1, First: 19, Last: 19}},
			{"other.>", 20, SubjectState{}},
			{"x", 0, SubjectState{}},
		} {
			if got := st.FilteredState(c.filter, c.start); got != c.want {
				t.Errorf("FilteredState(%q, %d) = %+v, want %+v", c.filter, c.start, got, c.want)
			}
		}
	})
}

// naiveFilteredState is FilteredState by loading every sequence: the reference for the counting shortcuts.
func naiveFilteredState(st Store, filter string, start uint64) SubjectState {
	var want SubjectState
	for seq := max(start, 1); seq <= st.State().LastSeq; seq++ {
		if m, err := st.Load(seq); err == nil && subjectMatches(filter, m.Subject) {
			if want.Msgs == 0 {
				want.First = seq
			}
			want.Msgs++
			want.Last = seq
		}
	}
	return want
}

// A filter that matches every message ("", ">", or one matching every stored subject) is counted from live
// counts rather than by walking messages; it must agree with a walk from every start, before, inside and
// between segments, with messages removed inside segments, whole segments gone and the last ones removed.
func TestFilteredStateOfEverything(t *testing.T) {
	forEach(t, func(t *testing.T, st Store, reopen func(Store) Store) {
		check := func(when string) {
			t.Helper()
			last := st.State().LastSeq
			for _, filter := range []string{"", ">", "kv.>", "kv.*"} {
				for start := uint64(0); start <= last+2; start++ {
					if got, want := st.FilteredState(filter, start), naiveFilteredState(st, filter, start); got != want {
						t.Fatalf("%s: FilteredState(%q, %d) = %+v, want %+v", when, filter, start, got, want)
					}
				}
			}
		}
		fill(t, st, 60, "kv.a", "kv.b")
		check("full")
		for _, seq := range []uint64{2, 9, 10, 11, 30, 31} { // inside segments, and across a boundary
			if _, err := st.Remove(seq, seq%2 == 0); err != nil {
				t.Fatal(err)
			}
		}
		check("interior removals")
		for seq := uint64(15); seq <= 28; seq++ { // whole segments go: a gap between segments
			if _, err := st.Remove(seq, false); err != nil {
				t.Fatal(err)
			}
		}
		check("a gap of whole segments")
		for _, seq := range []uint64{60, 59, 57, 1} { // the last ones and the first
			if _, err := st.Remove(seq, false); err != nil {
				t.Fatal(err)
			}
		}
		check("ends removed")
		st = reopen(st)
		check("reopened")
		if _, err := st.Purge("", 40, 0); err != nil {
			t.Fatal(err)
		}
		check("purged below 40")
		fill(t, st, 5, "other")
		check("a subject kv.> does not match")
		if _, err := st.Purge("", 0, 0); err != nil {
			t.Fatal(err)
		}
		check("empty")
	})
}

func TestExpireBefore(t *testing.T) {
	forEach(t, func(t *testing.T, st Store, reopen func(Store) Store) {
		for i := 1; i <= 20; i++ {
			ttl := int64(0)
			switch i {
			case 3:
				ttl = -1 // never expires
			case 4:
				ttl = 1000 // a TTL longer than the age limit does not keep it (nats-server)
			}
			mustAppend(t, st, "a", fmt.Sprintf("m%d", i), int64(i)*1000, ttl)
		}
		n, err := st.ExpireBefore(10500, nil) // 1..10 are older
		if err != nil || n != 9 {
			t.Fatalf("ExpireBefore = %d, %v; want 9", n, err)
		}
		check := func(st Store) {
			s := st.State()
			if s.Msgs != 11 || s.FirstSeq != 3 || s.FirstTime != 3000 || s.NumDeleted != 7 {
				t.Fatalf("State = %+v", s)
			}
			mustLoad(t, st, 3)
			wantGone(t, st, 1, 2, 4, 5, 10)
		}
		check(st)
		st = reopen(st)
		check(st)
		if n, err := st.ExpireBefore(1, nil); err != nil || n != 0 {
			t.Fatalf("ExpireBefore(1) = %d, %v", n, err)
		}
	})
}

// An expiry reports the subjects it empties, each with the last message it removed from it (headers, no
// payload), ascending by sequence; a subject that keeps a message is not reported.
func TestExpireReportsEmptied(t *testing.T) {
	forEach(t, func(t *testing.T, st Store, reopen func(Store) Store) {
		const sec = int64(1e9)
		hdr := []byte("NATS/1.0\r\nK: v\r\n\r\n")
		mustAppendMsg := func(subject string, h []byte, ts, ttl int64) {
			t.Helper()
			if _, err := st.Append(subject, h, []byte("payload"), ts, ttl); err != nil {
				t.Fatal(err)
			}
		}
		mustAppendMsg("a", nil, 1*sec, 0)  // 1
		mustAppendMsg("b", nil, 1*sec, -1) // 2: never, keeps b
		mustAppendMsg("a", hdr, 2*sec, 0)  // 3: a's last
		mustAppendMsg("b", nil, 2*sec, 0)  // 4
		mustAppendMsg("c", nil, 2*sec, 1)  // 5: by its TTL at 3s
		mustAppendMsg("d", hdr, 2*sec, 2)  // 6: by its TTL at 4s
		mustAppendMsg("e", nil, 9*sec, 0)  // 7: young
		st = reopen(st)
		var emptied []Msg
		if n, err := st.ExpireTTL(3*sec, &emptied); err != nil || n != 1 {
			t.Fatalf("ExpireTTL = %d, %v", n, err)
		}
		if len(emptied) != 1 || emptied[0].Seq != 5 || emptied[0].Subject != "c" || emptied[0].Data != nil {
			t.Fatalf("ExpireTTL emptied %+v, want c's 5", emptied)
		}
		emptied = emptied[:0]
		if n, err := st.ExpireBefore(5*sec, &emptied); err != nil || n != 4 {
			t.Fatalf("ExpireBefore = %d, %v; want 4 (1, 3, 4, 6)", n, err)
		}
		var got []string
		for _, m := range emptied {
			got = append(got, fmt.Sprintf("%d %s %q %d", m.Seq, m.Subject, m.Hdr, m.TTL))
		}
		want := []string{"3 a \"NATS/1.0\\r\\nK: v\\r\\n\\r\\n\" 0", "6 d \"NATS/1.0\\r\\nK: v\\r\\n\\r\\n\" 2"}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("ExpireBefore emptied %q, want %q", got, want)
		}
		st = reopen(st)
		if s := st.State(); s.Msgs != 2 || s.FirstSeq != 2 || s.NumSubjects != 2 {
			t.Fatalf("State = %+v", s)
		}
		emptied = emptied[:0]
		if n, err := st.ExpireBefore(20*sec, &emptied); err != nil || n != 1 || len(emptied) != 1 || emptied[0].Seq != 7 {
			t.Fatalf("ExpireBefore(20s) = %d, %v, emptied %+v; want e's 7", n, err, emptied)
		}
	})
}

func TestExpireTTL(t *testing.T) {
	forEach(t, func(t *testing.T, st Store, reopen func(Store) Store) {
		const sec = int64(1e9)
		if got := st.NextTTL(); got != 0 {
			t.Fatalf("NextTTL of an empty store = %d", got)
		}
		mustAppend(t, st, "a", "no ttl", 1*sec, 0)
		mustAppend(t, st, "a", "5s", 1*sec, 5) // ends at 6s
		mustAppend(t, st, "b", "2s", 2*sec, 2) // ends at 4s
		mustAppend(t, st, "b", "never", 2*sec, -1)
		mustAppend(t, st, "c", "3s", 3*sec, 3)   // ends at 6s
		mustAppend(t, st, "c", "gone", 3*sec, 1) // ends at 4s, removed first
		if _, err := st.Remove(6, false); err != nil {
			t.Fatal(err)
		}
		st = reopen(st)
		if got := st.NextTTL(); got != 4*sec {
			t.Fatalf("NextTTL = %d, want %d", got, 4*sec)
		}
		if n, err := st.ExpireTTL(4*sec-1, nil); err != nil || n != 0 {
			t.Fatalf("ExpireTTL before the end = %d, %v", n, err)
		}
		if n, err := st.ExpireTTL(4*sec, nil); err != nil || n != 1 {
			t.Fatalf("ExpireTTL(4s) = %d, %v; want 1", n, err)
		}
		wantGone(t, st, 3)
		if got := st.NextTTL(); got != 6*sec {
			t.Fatalf("NextTTL = %d, want %d", got, 6*sec)
		}
		st = reopen(st)
		if n, err := st.ExpireTTL(100*sec, nil); err != nil || n != 2 {
			t.Fatalf("ExpireTTL(100s) = %d, %v; want 2", n, err)
		}
		if got := st.NextTTL(); got != 0 {
			t.Fatalf("NextTTL after all ended = %d", got)
		}
		if s := st.State(); s.Msgs != 2 || s.FirstSeq != 1 || s.NumDeleted != 4 {
			t.Fatalf("State = %+v", s)
		}
	})
}

func TestClosedStore(t *testing.T) {
	forEach(t, func(t *testing.T, st Store, _ func(Store) Store) {
		mustAppend(t, st, "a", "x", 1, 0)
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Append("a", nil, nil, 2, 0); !errors.Is(err, ErrClosed) {
			t.Fatalf("Append after Close = %v", err)
		}
		if _, err := st.Load(1); !errors.Is(err, ErrClosed) {
			t.Fatalf("Load after Close = %v", err)
		}
	})
}

// The byte counts are nats-server's, observed on v2.15.2: a file stream holding one message on "hb" with the
// 18-byte header block "NATS/1.0\r\na: b\r\n\r\n" and a 1-byte payload reports 55 bytes (51 without the header's
// length word); a memory stream counts subject, header and payload plus 16.
func TestMsgSizesAreNatsServers(t *testing.T) {
	hdr := []byte("NATS/1.0\r\na: b\r\n\r\n")
	if got := MsgSize("hb", hdr, []byte("x")); got != 55 {
		t.Errorf("MsgSize with header = %d, want 55", got)
	}
	if got := MsgSize("orders.new", nil, []byte("hello")); got != 45 {
		t.Errorf("MsgSize without header = %d, want 45", got)
	}
	if got := MemMsgSize("a.x", nil, []byte("2")); got != 20 {
		t.Errorf("MemMsgSize = %d, want 20", got)
	}
}
