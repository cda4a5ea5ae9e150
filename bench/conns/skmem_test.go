package conns

import (
	"strings"
	"testing"
)

// Output of `ss -tmni state established '( sport = :47111 )'` (iproute2 6.1), two sockets: one holding 100
// unread bytes (r932 and f3164 charged for them), one idle.
const ssSample = `Recv-Q Send-Q Local Address:Port  Peer Address:Port Process
100    0          127.0.0.1:47111    127.0.0.1:38258
	 skmem:(r932,rb131072,t0,tb4194304,f3164,w0,o0,bl0,d0) bbr wscale:10,10 rto:200 rtt:0.018/0.009 ato:40 mss:32768
0      0          127.0.0.1:47111    127.0.0.2:40001
	 skmem:(r0,rb131072,t0,tb2626560,f0,w0,o0,bl0,d0) cubic wscale:7,7 rto:204 rtt:0.025/0.014
`

func TestParseSkmemSumsAllocatedFieldsNotLimits(t *testing.T) {
	got, err := parseSkmem(ssSample)
	if err != nil {
		t.Fatal(err)
	}
	// r + f of the first socket; rb and tb (buffer limits) must not be counted.
	if want := (skmemTotal{sockets: 2, bytes: 932 + 3164}); got != want {
		t.Fatalf("parseSkmem = %+v, want %+v", got, want)
	}
}

func TestParseSkmemCountsEveryAllocatedField(t *testing.T) {
	got, err := parseSkmem("\t skmem:(r1,rb100000,t2,tb200000,f4,w8,o16,bl32,d64)\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := (skmemTotal{sockets: 1, bytes: 1 + 2 + 4 + 8 + 16 + 32 + 64}); got != want {
		t.Fatalf("parseSkmem = %+v, want %+v", got, want)
	}
}

func TestParseSkmemNoSockets(t *testing.T) {
	got, err := parseSkmem("Recv-Q Send-Q Local Address:Port  Peer Address:Port Process\n")
	if err != nil || got != (skmemTotal{}) {
		t.Fatalf("parseSkmem(header only) = %+v, %v; want zero, nil", got, err)
	}
}

func TestParseSkmemRejectsMalformed(t *testing.T) {
	for _, in := range []string{
		"skmem:(r0,rb131072",            // unterminated
		"skmem:(r0,rbx,t0)",             // no number
		"skmem:(r0,131072,t0)",          // no name
		"skmem:(r99999999999999999999)", // overflow
	} {
		if _, err := parseSkmem(in); err == nil || !strings.Contains(err.Error(), "skmem") {
			t.Errorf("parseSkmem(%q) error = %v, want an skmem error", in, err)
		}
	}
}
