package ws

import (
	"bytes"
	"testing"
	"time"
)

// The hot paths allocate nothing per frame: decoding masked client frames (whole, and cut at an awkward
// place), encoding server frames and framing in place. Compressed paths use pooled flate state; their
// allocations are reported too. make bench-micro style: go test -run='^$' -bench=. -benchmem ./ws/

// clientFrames is n masked binary frames of size bytes each, as a NATS client sends PUBs.
func clientFrames(n, size int) []byte {
	p := bytes.Repeat([]byte("x"), size)
	var out []byte
	for range n {
		out = AppendMaskedFrame(out, OpBinary, true, false, testKey, p)
	}
	return out
}

// decodeAll runs a Decoder over in the way an event loop does. in is unmasked in place, which changes
// nothing for the benchmark: the bytes are only looked at.
func decodeAll(b *testing.B, d *Decoder, in []byte) int {
	total := 0
	for {
		ev, n, err := d.Next(in)
		if err != nil {
			b.Fatal(err)
		}
		in = in[n:]
		if ev.Kind == None {
			return total
		}
		total += len(ev.Payload)
	}
}

func benchmarkDecode(b *testing.B, frames, size int) {
	in := clientFrames(frames, size)
	work := make([]byte, len(in))
	var d Decoder
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		copy(work, in) // fresh masked bytes each time
		decodeAll(b, &d, work)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*frames), "ns/frame")
}

func BenchmarkDecode16B(b *testing.B)  { benchmarkDecode(b, 64, 16) }
func BenchmarkDecode128B(b *testing.B) { benchmarkDecode(b, 64, 128) }
func BenchmarkDecode4KiB(b *testing.B) { benchmarkDecode(b, 16, 4096) }
func BenchmarkDecode1MiB(b *testing.B) { benchmarkDecode(b, 1, 1<<20) }

// Frames cut inside their headers and mask keys at every read: the slow path that gathers a header.
func BenchmarkDecodeCutHeaders(b *testing.B) {
	in := clientFrames(64, 128)
	work := make([]byte, len(in))
	var d Decoder
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		copy(work, in)
		for off := 0; off < len(work); off += 133 {
			decodeAll(b, &d, work[off:min(off+133, len(work))]) // 133: frames are 6+128+... bytes
		}
	}
}

func BenchmarkDecodeText(b *testing.B) {
	p := []byte(randomText(4096))
	in := AppendMaskedFrame(nil, OpText, true, false, testKey, p)
	work := make([]byte, len(in))
	var d Decoder
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		copy(work, in)
		decodeAll(b, &d, work)
	}
}

func BenchmarkDecodeCompressed(b *testing.B) {
	p := []byte(randomText(16 << 10))
	in := cfc(OpBinary, true, Deflate(nil, p))
	work := make([]byte, len(in))
	var d Decoder
	d.Reset(Options{Compression: true})
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	for b.Loop() {
		copy(work, in)
		if decodeAll(b, &d, work) != len(p) {
			b.Fatal("short")
		}
	}
}

func BenchmarkEncodeBinary128B(b *testing.B) {
	p := bytes.Repeat([]byte("x"), 128)
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendBinary(buf[:0], p)
	}
}

// The engine's way: reserve MaxServerHeaderLen, append the NATS bytes, put the header in front.
func BenchmarkEncodeInPlace(b *testing.B) {
	p := bytes.Repeat([]byte("x"), 4000)
	buf := make([]byte, 0, 8192)
	b.ReportAllocs()
	for b.Loop() {
		buf = append(buf[:0], make([]byte, MaxServerHeaderLen)...)
		buf = append(buf, p...)
		n := len(buf) - MaxServerHeaderLen
		hl := HeaderLen(n)
		PutHeader(buf[MaxServerHeaderLen-hl:MaxServerHeaderLen], OpBinary, true, false, n)
	}
}

func BenchmarkEncodeControl(b *testing.B) {
	buf := make([]byte, 0, 256)
	p := []byte("ping payload")
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendPong(buf[:0], p)
		buf = AppendClose(buf, CloseGoingAway, "Server Shutdown")
	}
}

func BenchmarkEncodeCompressed(b *testing.B) {
	p := []byte(randomText(16 << 10))
	buf := make([]byte, 0, 64<<10)
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendCompressed(buf[:0], OpBinary, p, 0)
	}
}

func BenchmarkUpgrade(b *testing.B) {
	u, _ := NewUpgrader(UpgraderConfig{Compression: true})
	req := AppendClientRequest(nil, ClientRequest{Host: "127.0.0.1:8080", Key: sampleKey, Compress: true,
		Header: "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0\r\nOrigin: http://127.0.0.1:8080\r\n"})
	out := make([]byte, 0, 512)
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		var h Handshake
		out, h = u.Upgrade(out[:0], req, now)
		if h.Status != Upgraded {
			b.Fatal(h.Err)
		}
	}
}

// The benchmarks' claims, as a test that fails: uncompressed decoding and encoding allocate nothing.
func TestNoAllocations(t *testing.T) {
	in := cat(clientFrames(8, 100), cf(OpPing, true, "p"), cf(OpText, false, "h\xc3"), cf(OpContinuation, true, "\xa9"),
		clientFrames(1, 70000))
	work := make([]byte, len(in))
	var d Decoder
	out := make([]byte, 0, 1<<17)
	p := bytes.Repeat([]byte("x"), 70000)
	allocs := testing.AllocsPerRun(100, func() {
		copy(work, in)
		for off := 0; off < len(work); off += 1000 {
			chunk := work[off:min(off+1000, len(work))]
			for {
				ev, n, err := d.Next(chunk)
				if err != nil {
					t.Fatal(err)
				}
				chunk = chunk[n:]
				if ev.Kind == None {
					break
				}
			}
		}
		out = AppendBinary(out[:0], p)
		out = AppendPong(out, []byte("p"))
		out = AppendClose(out, CloseNormal, "")
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per run", allocs)
	}
}
