package store

import (
	"errors"
	"sync"
	"testing"
	"time"
)

// TestConcurrentReadersAndWriter runs a writer (appending, flushing, removing) beside readers, with a fast
// sync timer, for the race detector; every reader answer must be consistent with what was written.
func TestConcurrentReadersAndWriter(t *testing.T) {
	for _, im := range []struct {
		name string
		st   Store
	}{
		{"mem", NewMemStore()},
		{"file", openFileAt(t, t.TempDir(), FileConfig{SegmentSize: 4096, SyncInterval: time.Millisecond})},
	} {
		t.Run(im.name, func(t *testing.T) {
			st := im.st
			const n = 2000
			var wg sync.WaitGroup
			done := make(chan struct{})
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-done:
							return
						default:
						}
						last := st.State().LastSeq
						if last == 0 {
							continue
						}
						m, err := st.Load(last)
						if err != nil && !errors.Is(err, ErrNotFound) {
							t.Errorf("Load(%d): %v", last, err)
							return
						}
						if err == nil && m.Seq != last {
							t.Errorf("Load(%d) returned %d", last, m.Seq)
							return
						}
						st.SubjectState("a")
						_, _ = st.LoadNext("b", last/2)
					}
				}()
			}
			for i := 1; i <= n; i++ {
				subj := "a"
				if i%2 == 0 {
					subj = "b"
				}
				mustAppend(t, st, subj, "payload", int64(i), 0)
				if i%10 == 0 {
					if err := st.Flush(); err != nil {
						t.Fatal(err)
					}
					if _, err := st.Remove(uint64(i-5), false); err != nil {
						t.Fatal(err)
					}
				}
			}
			close(done)
			wg.Wait()
			if s := st.State(); s.Msgs != n-n/10 {
				t.Fatalf("State = %+v", s)
			}
		})
	}
}
