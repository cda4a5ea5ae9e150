package reactor

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"runtime"
	"testing"
	"time"
)

// The benchmarks drive the in-process server with raw sockets whose own loops allocate nothing, so
// allocs/op is the server's hot path: parse, match, route (same loop or across loops), append, flush.

// rawSubscriber subscribes on its own connection, after the connect line, and counts received bytes until it
// has want.
func rawSubscriber(b *testing.B, s *Server, connect, subject string) net.Conn {
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	fmt.Fprintf(c, "%sSUB %s 1\r\nPING\r\n", connect, subject)
	buf := make([]byte, 4096)
	var got []byte
	for !bytes.Contains(got, []byte("PONG\r\n")) { // the INFO, then the PONG that confirms the SUB
		n, err := c.Read(buf)
		if err != nil {
			b.Fatal(err)
		}
		got = append(got, buf[:n]...)
	}
	return c
}

func drain(c net.Conn, want int, done chan<- error) {
	buf := make([]byte, 64<<10)
	for got := 0; got < want; {
		_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
		n, err := c.Read(buf)
		if err != nil {
			done <- err
			return
		}
		got += n
	}
	done <- nil
}

func benchPubSub(b *testing.B, payloadSize, subscribers int) {
	benchPubSubOn(b, runServer(b, Options{}), quiet, payloadSize, subscribers)
}

// benchPubSubOn runs the benchmark on s with every connection sending connect first.
func benchPubSubOn(b *testing.B, s *Server, connect string, payloadSize, subscribers int) {
	benchPubSubAcross(b, s, s, connect, payloadSize, subscribers)
}

// benchPubSubAcross publishes on pubSrv to subscribers on subSrv (another member of the cluster, or the
// same server).
func benchPubSubAcross(b *testing.B, pubSrv, subSrv *Server, connect string, payloadSize, subscribers int) {
	subs := make([]net.Conn, subscribers)
	for i := range subs {
		subs[i] = rawSubscriber(b, subSrv, connect, "bench")
	}
	if pubSrv != subSrv {
		waitFor(b, "interest across the route", 5*time.Second, func() bool {
			for _, p := range pubSrv.cluster.peerList() {
				if p.route.interest.HasInterest([]byte("$G"), []byte("bench")) {
					return true
				}
			}
			return false
		})
	}
	pub, err := net.Dial("tcp", pubSrv.Addr())
	if err != nil {
		b.Fatal(err)
	}
	defer pub.Close()
	go io.Copy(io.Discard, pub) // INFO
	fmt.Fprint(pub, connect)

	payload := bytes.Repeat([]byte("x"), payloadSize)
	frame := []byte(fmt.Sprintf("PUB bench %d\r\n%s\r\n", payloadSize, payload))
	msgLen := len(fmt.Sprintf("MSG bench 1 %d\r\n%s\r\n", payloadSize, payload))
	const perWrite = 256
	chunk := bytes.Repeat(frame, perWrite)

	done := make(chan error, subscribers)
	b.SetBytes(int64(payloadSize))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for _, c := range subs {
		go drain(c, b.N*msgLen, done)
	}
	for sent := 0; sent < b.N; sent += perWrite {
		n := min(perWrite, b.N-sent)
		if _, err := pub.Write(chunk[:n*len(frame)]); err != nil {
			b.Fatal(err)
		}
	}
	for range subs {
		if err := <-done; err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	// allocs/op rounds down to a whole number; this is the exact rate, which must stay near zero.
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N), "mallocs/msg")
}

func BenchmarkPubSub16B(b *testing.B)    { benchPubSub(b, 16, 1) }
func BenchmarkPubSub128B(b *testing.B)   { benchPubSub(b, 128, 1) }
func BenchmarkFanOut4x128B(b *testing.B) { benchPubSub(b, 128, 4) }
func BenchmarkFanOut16x16B(b *testing.B) { benchPubSub(b, 16, 16) }

// BenchmarkAcrossRoute128B publishes on one member of a two-node cluster to a subscriber on the other: the
// publisher's server frames RMSG for the route, the other server parses it and delivers MSG.
func BenchmarkAcrossRoute128B(b *testing.B) {
	mesh := runMesh(b, 2)
	benchPubSubAcross(b, mesh[0], mesh[1], quiet, 128, 1)
}

// BenchmarkPubSubWithPermissions16B is PubSub16B for an authenticated user whose publish and subscribe
// permissions are checked: the answers are cached, so the check costs no allocation per message.
func BenchmarkPubSubWithPermissions16B(b *testing.B) {
	s := benchAuthServer(b, `authorization { users: [{user: u, password: p, permissions: {
		publish: {allow: ["bench", "other.>"], deny: ["bench.secret"]}, subscribe: "bench"}}] }`)
	benchPubSubOn(b, s, `CONNECT {"verbose":false,"pedantic":false,"user":"u","pass":"p"}`+"\r\n", 16, 1)
}
