package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// segFiles lists dir's segment files in order.
func segFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.seg"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no segment files in %s: %v", dir, err)
	}
	return files
}

// fillFile appends n 20-byte messages "<seq>" on subjects s.0..s.4 and flushes.
func fillFile(t *testing.T, fs *FileStore, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		if _, err := fs.Append(fmt.Sprintf("s.%d", i%5), nil, fmt.Appendf(nil, "payload-%010d", i), int64(i), 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := fs.Flush(); err != nil {
		t.Fatal(err)
	}
}

// wantAll requires every sequence in 1..n but the skipped ones to load with its payload.
func wantAll(t *testing.T, st Store, n int, skip ...uint64) {
	t.Helper()
	gone := map[uint64]bool{}
	for _, s := range skip {
		gone[s] = true
	}
	for seq := uint64(1); seq <= uint64(n); seq++ {
		m, err := st.Load(seq)
		if gone[seq] {
			continue
		}
		if err != nil || string(m.Data) != fmt.Sprintf("payload-%010d", seq) {
			t.Fatalf("Load(%d) = %q, %v", seq, m.Data, err)
		}
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o750)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o640)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRecoverUsesIndexFiles(t *testing.T) {
	dir := t.TempDir()
	fs := openFileAt(t, dir, FileConfig{SegmentSize: 1000})
	fillFile(t, fs, 100)
	if _, err := fs.Remove(3, false); err != nil { // a tombstone in the active segment for a sealed one
		t.Fatal(err)
	}
	want := fs.State()
	if err := fs.Close(); err != nil {
		t.Fatal(err)
	}
	idx, _ := filepath.Glob(filepath.Join(dir, "*.idx"))
	if segs := segFiles(t, dir); len(idx) != len(segs)-1 || len(segs) < 3 {
		t.Fatalf("%d segments, %d index files; want one per sealed segment", len(segs), len(idx))
	}
	for _, damage := range []string{"intact", "missing", "corrupt"} {
		t.Run(damage, func(t *testing.T) {
			switch damage {
			case "missing":
				_ = os.Remove(idx[0])
			case "corrupt":
				b, _ := os.ReadFile(idx[1])
				b[len(b)/2] ^= 0xff
				_ = os.WriteFile(idx[1], b, 0o640)
			}
			fs := openFileAt(t, dir, FileConfig{SegmentSize: 1000})
			if got := fs.State(); got != want {
				t.Fatalf("State after reopen %+v, want %+v", got, want)
			}
			if p := fs.Problems(); len(p) > 0 {
				t.Fatalf("problems: %v", p)
			}
			wantAll(t, fs, 100, 3)
			if err := fs.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(idx[0]); err != nil {
				t.Fatalf("the index file was not written again after a scan: %v", err)
			}
		})
	}
}

// TestRecoverWithoutClose is a kill -9: the files are copied as they are after Flush, without Close.
func TestRecoverWithoutClose(t *testing.T) {
	dir := t.TempDir()
	fs := openFileAt(t, dir, FileConfig{SegmentSize: 1000})
	fillFile(t, fs, 60)
	if _, err := fs.Remove(10, true); err != nil {
		t.Fatal(err)
	}
	if _, err := fs.Purge("s.1", 0, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := fs.Append("after", nil, []byte("flushed"), 61, 0); err != nil {
		t.Fatal(err)
	}
	if err := fs.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, err := fs.Append("after", nil, []byte("not flushed"), 62, 0); err != nil {
		t.Fatal(err)
	}
	killed := t.TempDir()
	copyDir(t, dir, killed)
	re := openFileAt(t, killed, FileConfig{SegmentSize: 1000})
	st := re.State()
	if st.LastSeq != 61 || st.Msgs != 60-1-12+1 {
		t.Fatalf("State after kill = %+v; want every flushed message and nothing else", st)
	}
	var purged []uint64
	for s := uint64(1); s <= 60; s += 5 {
		purged = append(purged, s)
	}
	wantAll(t, re, 60, append(purged, 10)...)
	wantGone(t, re, 10, 62)
	if m := mustLoad(t, re, 61); string(m.Data) != "flushed" {
		t.Fatalf("Load(61) = %q", m.Data)
	}
}

func TestTornLastRecordTruncated(t *testing.T) {
	for _, damage := range []string{"cut", "garbage"} {
		t.Run(damage, func(t *testing.T) {
			dir := t.TempDir()
			fs := openFileAt(t, dir, FileConfig{SegmentSize: 1000})
			fillFile(t, fs, 30)
			if err := fs.Close(); err != nil {
				t.Fatal(err)
			}
			segs := segFiles(t, dir)
			last := segs[len(segs)-1]
			b, _ := os.ReadFile(last)
			wantLen := len(b)
			lastSeq := uint64(30)
			switch damage {
			case "cut":
				b = b[:len(b)-7]
				wantLen = len(b) - (recordLen("s.0", nil, []byte("payload-0000000030")) - 7)
				lastSeq = 29
			case "garbage":
				b = append(b, "\xa1\x00\x00\x00garbage that is no record"...)
			}
			if err := os.WriteFile(last, b, 0o640); err != nil {
				t.Fatal(err)
			}
			var logged bytes.Buffer
			fs = openFileAt(t, dir, FileConfig{SegmentSize: 1000, Logger: newTestLogger(&logged)})
			if p := fs.Problems(); len(p) > 0 {
				t.Fatalf("a torn tail is no problem, got %v", p)
			}
			if !strings.Contains(logged.String(), last) || !strings.Contains(logged.String(), `"offset":`) {
				t.Fatalf("the truncation was not logged with file and offset: %s", logged.String())
			}
			if info, _ := os.Stat(last); info.Size() != int64(wantLen) {
				t.Fatalf("segment is %d bytes after open, want %d", info.Size(), wantLen)
			}
			wantAll(t, fs, int(lastSeq))
			if seq := mustAppend(t, fs, "s.x", "next", 100, 0); seq != lastSeq+1 {
				t.Fatalf("next Append = %d, want %d", seq, lastSeq+1)
			}
			fs = reopenTestFile(t, fs).(*FileStore)
			if m := mustLoad(t, fs, lastSeq+1); string(m.Data) != "next" {
				t.Fatalf("Load after the truncated tail = %q", m.Data)
			}
		})
	}
}

func TestCorruptMiddleRecord(t *testing.T) {
	for _, withIndex := range []bool{false, true} {
		t.Run(fmt.Sprintf("index=%v", withIndex), func(t *testing.T) {
			dir := t.TempDir()
			fs := openFileAt(t, dir, FileConfig{SegmentSize: 1500})
			fillFile(t, fs, 60)
			if err := fs.Close(); err != nil {
				t.Fatal(err)
			}
			segs := segFiles(t, dir)
			if len(segs) < 3 {
				t.Fatalf("%d segments, want at least 3", len(segs))
			}
			b, _ := os.ReadFile(segs[0])
			// The record in the middle of segment 1: find its offset by walking.
			var offs []int
			walkRecords(b, func(off int, r *record, _ []byte) {
				if r.typ == recMsg {
					offs = append(offs, off)
				}
			}, nil)
			bad := offs[len(offs)/2]
			r, _, _ := decodeRecord(b[bad:])
			badSeq := r.seq
			b[bad+recHeaderLen+3] ^= 0x55 // in the subject or payload: the checksum no longer matches
			if err := os.WriteFile(segs[0], b, 0o640); err != nil {
				t.Fatal(err)
			}
			if !withIndex {
				_ = os.Remove(strings.TrimSuffix(segs[0], ".seg") + ".idx")
			}
			var logged bytes.Buffer
			fs = openFileAt(t, dir, FileConfig{SegmentSize: 1500, Logger: newTestLogger(&logged)})
			_, err := fs.Load(badSeq)
			switch {
			case withIndex && !errors.Is(err, ErrCorrupt):
				t.Fatalf("Load of the corrupt record = %v, want ErrCorrupt", err)
			case !withIndex && !errors.Is(err, ErrNotFound):
				t.Fatalf("Load of the skipped record = %v, want ErrNotFound", err)
			}
			wantAll(t, fs, 60, badSeq)
			p := fs.Problems()
			wantText := fmt.Sprintf("%s offset %d", segs[0], bad)
			if len(p) != 1 || !errors.Is(p[0], ErrCorrupt) || !strings.Contains(p[0].Error(), wantText) {
				t.Fatalf("Problems = %v, want one naming %q", p, wantText)
			}
			if !strings.Contains(logged.String(), `"level":"error"`) || !strings.Contains(logged.String(), segs[0]) {
				t.Fatalf("the corruption was not logged as an error with its file: %s", logged.String())
			}
			if seq := mustAppend(t, fs, "s.x", "next", 100, 0); seq != 61 {
				t.Fatalf("next Append = %d, want 61", seq)
			}
		})
	}
}

// TestCorruptLengthResyncs damages a record's length field: the scan finds the next record.
func TestCorruptLengthResyncs(t *testing.T) {
	dir := t.TempDir()
	fs := openFileAt(t, dir, FileConfig{})
	fillFile(t, fs, 20)
	if err := fs.Close(); err != nil {
		t.Fatal(err)
	}
	seg := segFiles(t, dir)[0]
	b, _ := os.ReadFile(seg)
	var off5 int
	walkRecords(b, func(off int, r *record, _ []byte) {
		if r.typ == recMsg && r.seq == 5 {
			off5 = off
		}
	}, nil)
	b[off5+5] = 0x7f // length now far beyond the file
	if err := os.WriteFile(seg, b, 0o640); err != nil {
		t.Fatal(err)
	}
	fs = openFileAt(t, dir, FileConfig{})
	wantAll(t, fs, 20, 5)
	wantGone(t, fs, 5)
	if p := fs.Problems(); len(p) != 1 || !strings.Contains(p[0].Error(), fmt.Sprintf("offset %d", off5)) {
		t.Fatalf("Problems = %v", p)
	}
}

// TestEraseOverwritesPayload: Remove with erase leaves no trace of the payload in any segment file.
func TestEraseOverwritesPayload(t *testing.T) {
	dir := t.TempDir()
	fs := openFileAt(t, dir, FileConfig{SegmentSize: 1000})
	fillFile(t, fs, 40)
	secret := []byte("payload-0000000007")
	for _, erase := range []bool{false, true} {
		seq := uint64(7)
		if !erase {
			seq = 8
		}
		if ok, err := fs.Remove(seq, erase); !ok || err != nil {
			t.Fatalf("Remove(%d) = %v, %v", seq, ok, err)
		}
	}
	if err := fs.Flush(); err != nil {
		t.Fatal(err)
	}
	var found7, found8 bool
	for _, f := range segFiles(t, dir) {
		b, _ := os.ReadFile(f)
		found7 = found7 || bytes.Contains(b, secret)
		found8 = found8 || bytes.Contains(b, []byte("payload-0000000008"))
	}
	if found7 || !found8 {
		t.Fatalf("erased payload on disk: %v; removed-not-erased payload on disk: %v (want false, true)", found7, found8)
	}
	fs = reopenTestFile(t, fs).(*FileStore)
	wantAll(t, fs, 40, 7, 8)
	wantGone(t, fs, 7, 8)
}
