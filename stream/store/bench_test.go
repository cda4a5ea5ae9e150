package store

import (
	"runtime"
	"testing"
	"time"
)

// BenchmarkFileAppend128B is the stream writer's path: Append, and a Flush per batch of 100.
func BenchmarkFileAppend128B(b *testing.B) {
	fs := openFileAt(b, b.TempDir(), FileConfig{})
	payload := make([]byte, 128)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := fs.Append("orders.eu.new", nil, payload, int64(i), 0); err != nil {
			b.Fatal(err)
		}
		if i%100 == 99 {
			if err := fs.Flush(); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// filledStore is a file store of n 128-byte messages on one subject, flushed.
func filledStore(b *testing.B, n int) *FileStore {
	fs := openFileAt(b, b.TempDir(), FileConfig{})
	payload := make([]byte, 128)
	for i := 0; i < n; i++ {
		if _, err := fs.Append("orders.eu.new", nil, payload, int64(i), 0); err != nil {
			b.Fatal(err)
		}
	}
	if err := fs.Flush(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	b.ResetTimer()
	return fs
}

func BenchmarkFileLoad(b *testing.B) {
	const n = 100_000
	fs := filledStore(b, n)
	for i := 0; i < b.N; i++ {
		if _, err := fs.Load(uint64(i%n) + 1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFileLoadNextWalk reads the store message after message with LoadNext, as a consumer does: the
// read window kept between calls makes it one read per window, not per message.
func BenchmarkFileLoadNextWalk(b *testing.B) {
	const n = 100_000
	fs := filledStore(b, n)
	for i := 0; i < b.N; i++ {
		if _, err := fs.LoadNext("", uint64(i%n)+1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFileRecover1M opens a store of 1M 128-byte messages on one subject (written once, outside the
// timing) and reports the heap it holds after open, in bytes and per message.
func BenchmarkFileRecover1M(b *testing.B) {
	const n = 1_000_000
	dir := b.TempDir()
	fs, err := OpenFile(dir, FileConfig{})
	if err != nil {
		b.Fatal(err)
	}
	payload := make([]byte, 128)
	for i := 0; i < n; i++ {
		if _, err := fs.Append("orders.eu.new", nil, payload, int64(i), 0); err != nil {
			b.Fatal(err)
		}
	}
	if err := fs.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var heap uint64
	var took time.Duration
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		fs, err := OpenFile(dir, FileConfig{})
		took = time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if st := fs.State(); st.Msgs != n {
			b.Fatalf("recovered %d messages", st.Msgs)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap = after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc)
		runtime.KeepAlive(fs)
		_ = fs.Close()
	}
	b.ReportMetric(float64(heap), "heap-bytes")
	b.ReportMetric(float64(heap)/n, "heap-bytes/msg")
	b.ReportMetric(float64(took.Milliseconds()), "ms-last-open")
}

// BenchmarkFileFilteredStateAll is a consumer's num_pending without a filter, from a start that moves
// through a store of 1M messages (21 segments), with every 1000th message removed.
func BenchmarkFileFilteredStateAll(b *testing.B) {
	const n = 1_000_000
	fs := filledStore(b, n)
	b.StopTimer()
	for seq := uint64(1000); seq <= n; seq += 1000 {
		if _, err := fs.Remove(seq, false); err != nil {
			b.Fatal(err)
		}
	}
	b.StartTimer()
	for i := 0; i < b.N; i++ {
		if st := fs.FilteredState("", uint64(i*7919%n)+1); st.Msgs == 0 {
			b.Fatal("nothing counted")
		}
	}
}
