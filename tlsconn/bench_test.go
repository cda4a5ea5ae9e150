package tlsconn

import (
	"errors"
	"fmt"
	"testing"
)

var benchSizes = []int{64, 1024, 16384}

// benchLink returns a client and a server session past their handshake, with 256 KiB already sent each
// way so that both write full-size records (crypto/tls sizes the first 128 KiB for one TCP segment).
func benchLink(b *testing.B, version uint16) *link {
	p := getPKI(b)
	serverPool, clientPool := newPools(b, 2)
	l := newLink(b, &Config{TLS: p.serverTLS(version)}, &Config{TLS: p.clientTLS()}, serverPool, clientPool, whole)
	l.writeChunk = 64 << 10
	l.client.unsent, l.server.unsent = make([]byte, 256<<10), make([]byte, 256<<10)
	l.runUntil("warm-up", func() bool {
		return len(l.server.received) == 256<<10 && len(l.client.received) == 256<<10
	})
	return l
}

// BenchmarkWritePlain: encrypting one record of each size into a reused buffer, as the engine's flush will.
func BenchmarkWritePlain(b *testing.B) {
	for _, v := range versions {
		for _, size := range benchSizes {
			b.Run(fmt.Sprintf("%s/%dB", v.name, size), func(b *testing.B) {
				s := benchLink(b, v.version).server.s
				plain, wire := randomBytes(size), make([]byte, 0, 2*size+1024)
				var err error
				b.SetBytes(int64(size))
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					if wire, err = s.WritePlain(wire[:0], plain); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkReadPlain: one record of each size fed and decrypted, then the ReadPlain that finds nothing
// more (ErrWouldBlock), as the engine's OnTraffic will. The client encrypts batches outside the timer.
func BenchmarkReadPlain(b *testing.B) {
	const batch = 256
	for _, v := range versions {
		for _, size := range benchSizes {
			b.Run(fmt.Sprintf("%s/%dB", v.name, size), func(b *testing.B) {
				l := benchLink(b, v.version)
				client, server := l.client.s, l.server.s
				plain, dst := randomBytes(size), make([]byte, 16<<10)
				var wire []byte
				ends := make([]int, 0, batch)
				b.SetBytes(int64(size))
				b.ReportAllocs()
				b.ResetTimer()
				for i := range b.N {
					if i%batch == 0 {
						b.StopTimer()
						wire, ends = wire[:0], ends[:0]
						for range batch {
							wire, _ = client.WritePlain(wire, plain)
							ends = append(ends, len(wire))
						}
						b.StartTimer()
					}
					start := 0
					if k := i % batch; k > 0 {
						start = ends[k-1]
					}
					server.Feed(wire[start:ends[i%batch]])
					got := 0
					for {
						n, err := server.ReadPlain(dst)
						got += n
						if errors.Is(err, ErrWouldBlock) {
							break
						}
						if err != nil {
							b.Fatal(err)
						}
					}
					if got != size {
						b.Fatalf("read %d bytes of a %d-byte record", got, size)
					}
				}
			})
		}
	}
}

// BenchmarkReadPlainBatched: sixteen 1 KiB records fed at once, as one socket read often brings several,
// then read to ErrWouldBlock. crypto/tls pulls all it can into rawInput in one transport read, so its
// per-read allocations are shared by the batch (see allocs/record).
func BenchmarkReadPlainBatched(b *testing.B) {
	const records, size = 16, 1024
	l := benchLink(b, 0)
	client, server := l.client.s, l.server.s
	plain, dst := randomBytes(size), make([]byte, 16<<10)
	var wire []byte
	b.SetBytes(records * size)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		wire = wire[:0]
		for range records {
			wire, _ = client.WritePlain(wire, plain)
		}
		b.StartTimer()
		server.Feed(wire)
		got := 0
		for {
			n, err := server.ReadPlain(dst)
			got += n
			if errors.Is(err, ErrWouldBlock) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		if got != records*size {
			b.Fatalf("read %d bytes of %d", got, records*size)
		}
	}
}
