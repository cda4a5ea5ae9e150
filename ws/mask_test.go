package ws

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// mask agrees with the byte-at-a-time definition for every length up to 100 and every split of it, with
// the returned key carried over.
func TestMask(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 100 {
		p := make([]byte, n)
		for i := range p {
			p[i] = byte(r.IntN(256))
		}
		key := [4]byte{byte(r.IntN(256)), byte(r.IntN(256)), byte(r.IntN(256)), byte(r.IntN(256))}
		want := bytes.Clone(p)
		for i := range want {
			want[i] ^= key[i%4]
		}
		for cut := 0; cut <= n; cut++ {
			got := bytes.Clone(p)
			k := mask(binary.LittleEndian.Uint32(key[:]), got[:cut])
			mask(k, got[cut:])
			if !bytes.Equal(got, want) {
				t.Fatalf("n=%d cut=%d: %x, want %x", n, cut, got, want)
			}
		}
	}
}
