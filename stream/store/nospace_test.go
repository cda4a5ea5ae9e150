package store

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"testing"
)

// TestFullDisk fills a 256 KiB tmpfs: Append (or Flush) fails with ErrNoSpace, nothing half-stored, and
// every message stored before stays loadable, then and after a reopen. Needs root to mount.
func TestFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small tmpfs")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", dir).Run() })
	cfg := FileConfig{SegmentSize: 64 << 10}
	fs, err := OpenFile(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	payload := bytes.Repeat([]byte("x"), 1000)
	var stored uint64
	var failure error
	for i := 0; i < 1000 && failure == nil; i++ {
		seq, err := fs.Append("full", nil, payload, int64(i), 0)
		if err == nil && i%10 == 9 {
			err = fs.Flush() // a batch of ten, acknowledged only when Flush succeeds
			if err == nil {
				stored = seq
			}
		}
		failure = err
	}
	if !errors.Is(failure, ErrNoSpace) {
		t.Fatalf("filling the disk: %v, want ErrNoSpace", failure)
	}
	if err := fs.Flush(); err != nil && !errors.Is(err, ErrNoSpace) {
		t.Fatalf("Flush after the failure: %v", err)
	}
	if st := fs.State(); st.LastSeq != stored || st.Msgs != stored {
		t.Fatalf("State after a failed batch = %+v; want the %d acknowledged messages only", st, stored)
	}
	check := func(st Store) {
		t.Helper()
		for seq := uint64(1); seq <= stored; seq++ {
			if m, err := st.Load(seq); err != nil || !bytes.Equal(m.Data, payload) {
				t.Fatalf("Load(%d) = %d bytes, %v", seq, len(m.Data), err)
			}
		}
	}
	check(fs)
	_ = fs.Close()
	re, err := OpenFile(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	if st := re.State(); st.LastSeq != stored || st.Msgs != stored {
		t.Fatalf("State after reopen = %+v; want %d messages", st, stored)
	}
	if p := re.Problems(); len(p) > 0 {
		t.Fatalf("problems after reopen: %v", p)
	}
	check(re)
	if stored == 0 {
		t.Fatal("nothing was stored before the disk filled")
	}
}
