package store

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"strconv"
	"testing"
)

// TestFileMatchesMemory drives a MemStore and a FileStore with the same random operations (closing and
// reopening the file store now and then, with tiny segments so that sealing, index files, dropping and
// compaction all happen) and requires the same answers throughout.
func TestFileMatchesMemory(t *testing.T) {
	seeds := 40
	if testing.Short() {
		seeds = 8
	}
	if n, err := strconv.Atoi(os.Getenv("STORE_SEEDS")); err == nil {
		seeds = n // a longer hunt: STORE_SEEDS=2000 go test -run TestFileMatchesMemory
	}
	for seed := range seeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runProperty(t, uint64(seed)) })
	}
}

func runProperty(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 99))
	mem := NewMemStore()
	dir := t.TempDir()
	cfg := FileConfig{SegmentSize: int64(200 + rng.IntN(2000))}
	fs := openFileAt(t, dir, cfg)
	subjects := []string{"a", "b", "c.x", "c.y", "d.e.f"}
	filters := []string{"", ">", "a", "c.*", "c.>", "*", "d.*.f", "nope"}
	now := int64(1e9)
	var log []string
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("seed %d after %v:\n"+format, append([]any{seed, log}, args...)...)
	}
	both := func(op string, m, f func(Store) (uint64, error)) {
		t.Helper()
		log = append(log, op)
		mn, merr := m(mem)
		fn, ferr := f(fs)
		if mn != fn || (merr == nil) != (ferr == nil) {
			fail("%s: mem %d %v, file %d %v", op, mn, merr, fn, ferr)
		}
	}
	for step := 0; step < 300; step++ {
		now += int64(rng.IntN(3)) * 1e8
		switch op := rng.IntN(100); {
		case op < 50:
			subj := subjects[rng.IntN(len(subjects))]
			var hdr []byte
			if rng.IntN(4) == 0 {
				hdr = []byte("NATS/1.0\r\nK: v\r\n\r\n")
			}
			data := bytes.Repeat([]byte{byte('a' + step%26)}, rng.IntN(60))
			ttl := int64(0)
			if rng.IntN(8) == 0 {
				ttl = int64(rng.IntN(3)) - 1
				if ttl == 0 {
					ttl = 1 + int64(rng.IntN(3))
				}
			}
			f := func(st Store) (uint64, error) { return st.Append(subj, hdr, data, now, ttl) }
			both(fmt.Sprintf("append %s ttl %d", subj, ttl), f, f)
		case op < 62:
			seq := uint64(rng.IntN(int(mem.State().LastSeq) + 2))
			erase := rng.IntN(2) == 0
			f := func(st Store) (uint64, error) { ok, err := st.Remove(seq, erase); return b2u(ok), err }
			both(fmt.Sprintf("remove %d erase %v", seq, erase), f, f)
		case op < 66:
			filter := filters[rng.IntN(len(filters))]
			var upTo, keep uint64
			switch rng.IntN(3) {
			case 1:
				upTo = uint64(rng.IntN(int(mem.State().LastSeq) + 5))
			case 2:
				keep = uint64(rng.IntN(10))
			}
			f := func(st Store) (uint64, error) { return st.Purge(filter, upTo, keep) }
			both(fmt.Sprintf("purge %q upTo %d keep %d", filter, upTo, keep), f, f)
		case op < 68:
			seq := mem.State().LastSeq + uint64(rng.IntN(5))
			if rng.IntN(2) == 0 {
				seq = uint64(rng.IntN(int(seq) + 1))
			}
			f := func(st Store) (uint64, error) { return 0, st.SkipTo(seq) }
			both(fmt.Sprintf("skip to %d", seq), f, f)
		case op < 73:
			cutoff := now - int64(rng.IntN(20))*1e8
			var memEmptied, fileEmptied []Msg
			both(fmt.Sprintf("expire before %d", cutoff),
				func(st Store) (uint64, error) { return st.ExpireBefore(cutoff, &memEmptied) },
				func(st Store) (uint64, error) { return st.ExpireBefore(cutoff, &fileEmptied) })
			sameEmptied(memEmptied, fileEmptied, fail)
		case op < 77:
			var memEmptied, fileEmptied []Msg
			both("expire ttl",
				func(st Store) (uint64, error) { return st.ExpireTTL(now, &memEmptied) },
				func(st Store) (uint64, error) { return st.ExpireTTL(now, &fileEmptied) })
			sameEmptied(memEmptied, fileEmptied, fail)
		case op < 82 || alwaysReopen:
			log = append(log, "reopen")
			if err := fs.Close(); err != nil {
				fail("Close: %v", err)
			}
			fs = openFileAt(t, dir, cfg)
			if p := fs.Problems(); len(p) > 0 {
				fail("problems after reopen: %v", p)
			}
		case op < 85:
			if err := fs.Flush(); err != nil {
				fail("Flush: %v", err)
			}
		}
		compareStores(t, rng, mem, fs, filters, func(format string, args ...any) { t.Helper(); fail(format, args...) })
	}
}

// sameEmptied requires both stores to report the same emptied subjects, each with the same message.
func sameEmptied(mem, file []Msg, fail func(string, ...any)) {
	if len(mem) != len(file) {
		fail("emptied: mem %v, file %v", mem, file)
	}
	for i := range mem {
		m, f := mem[i], file[i]
		if m.Seq != f.Seq || m.Subject != f.Subject || m.Time != f.Time || m.TTL != f.TTL ||
			!bytes.Equal(m.Hdr, f.Hdr) || f.Data != nil {
			fail("emptied[%d]: mem %+v, file %+v", i, m, f)
		}
	}
}

var alwaysReopen = os.Getenv("STORE_REOPEN") != ""

func b2u(ok bool) uint64 {
	if ok {
		return 1
	}
	return 0
}

// compareStores requires the same answers from both stores, memory's bytes counting aside.
func compareStores(t *testing.T, rng *rand.Rand, mem *MemStore, fs *FileStore, filters []string, fail func(string, ...any)) {
	t.Helper()
	ms, fst := mem.State(), fs.State()
	ms.Bytes, fst.Bytes = 0, 0
	if md, fd := mem.Deleted(), fs.Deleted(); !reflect.DeepEqual(md, fd) || ms != fst {
		fail("Deleted: mem %v, file %v", md, fd)
	}
	if ms != fst {
		fail("State: mem %+v, file %+v", ms, fst)
	}
	for _, subj := range []string{"a", "b", "c.x", "d.e.f", "zz"} {
		if m, f := mem.SubjectState(subj), fs.SubjectState(subj); m != f {
			fail("SubjectState(%s): mem %+v, file %+v", subj, m, f)
		}
	}
	filter := filters[rng.IntN(len(filters))]
	if m, f := mem.Subjects(filter), fs.Subjects(filter); !reflect.DeepEqual(m, f) {
		fail("Subjects(%q): mem %v, file %v", filter, m, f)
	}
	start := uint64(rng.IntN(int(ms.LastSeq) + 2))
	if m, f := mem.FilteredState(filter, start), fs.FilteredState(filter, start); m != f {
		fail("FilteredState(%q, %d): mem %+v, file %+v", filter, start, m, f)
	}
	// Both stores count a filter matching everything without walking messages: hold them to a walk, from
	// a random start and from the file store's segment boundaries (first, one before, one past the end).
	starts := []uint64{start}
	for _, sg := range fs.segs {
		starts = append(starts, sg.first, max(sg.first, 1)-1, sg.end())
	}
	for _, start := range starts {
		want := naiveFilteredState(mem, "", start)
		if m, f := mem.FilteredState("", start), fs.FilteredState("", start); m != want || f != want {
			fail("FilteredState(\"\", %d): mem %+v, file %+v, walk %+v", start, m, f, want)
		}
	}
	sameMsg := func(what string, mm Msg, merr error, fm Msg, ferr error) {
		t.Helper()
		if !errors.Is(merr, ErrNotFound) || !errors.Is(ferr, ErrNotFound) {
			if merr != nil || ferr != nil || mm.Seq != fm.Seq || mm.Subject != fm.Subject || mm.Time != fm.Time ||
				mm.TTL != fm.TTL || !bytes.Equal(mm.Hdr, fm.Hdr) || !bytes.Equal(mm.Data, fm.Data) ||
				(mm.Hdr == nil) != (fm.Hdr == nil) {
				fail("%s: mem %+v %v, file %+v %v", what, mm, merr, fm, ferr)
			}
		}
	}
	for range 3 {
		seq := uint64(rng.IntN(int(ms.LastSeq) + 2))
		mm, merr := mem.Load(seq)
		fm, ferr := fs.Load(seq)
		sameMsg(fmt.Sprintf("Load(%d)", seq), mm, merr, fm, ferr)
	}
	mm, merr := mem.LoadNext(filter, start)
	fm, ferr := fs.LoadNext(filter, start)
	sameMsg(fmt.Sprintf("LoadNext(%q, %d)", filter, start), mm, merr, fm, ferr)
	mm, merr = mem.LoadLast(filter)
	fm, ferr = fs.LoadLast(filter)
	sameMsg(fmt.Sprintf("LoadLast(%q)", filter), mm, merr, fm, ferr)
	if m, f := mem.NextTTL(), fs.NextTTL(); m != f {
		fail("NextTTL: mem %d, file %d", m, f)
	}
}
