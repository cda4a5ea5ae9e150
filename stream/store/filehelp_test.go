package store

import (
	"io"
	"testing"

	"github.com/rs/zerolog"
)

// testSegmentSize makes segments hold a handful of small messages, so tests cross segment boundaries,
// seal, index, drop and compact.
const testSegmentSize = 400

func openTestFile(t *testing.T) Store {
	t.Helper()
	return openFileAt(t, t.TempDir(), FileConfig{SegmentSize: testSegmentSize})
}

func openFileAt(t testing.TB, dir string, cfg FileConfig) *FileStore {
	t.Helper()
	fs, err := OpenFile(dir, cfg)
	if err != nil {
		t.Fatalf("OpenFile: %v", err)
	}
	t.Cleanup(func() { _ = fs.Close() })
	return fs
}

func reopenTestFile(t *testing.T, st Store) Store {
	t.Helper()
	fs := st.(*FileStore)
	if err := fs.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	re := openFileAt(t, fs.dir, fs.cfg)
	if p := re.Problems(); len(p) > 0 {
		t.Fatalf("problems after a clean reopen: %v", p)
	}
	return re
}

func newTestLogger(w io.Writer) zerolog.Logger { return zerolog.New(w) }
