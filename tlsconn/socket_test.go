package tlsconn

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/panjf2000/gnet/v2"
	"golang.org/x/sys/unix"
)

// echoServer is a TLS echo server on one gnet event loop, using sessions as the engine will: the loop owns
// every connection and never blocks, notify schedules work on the loop with Execute, and a connection is
// either TLS first (handshake_first) or sends a plaintext INFO and upgrades when the client's first byte
// is a ClientHello, refusing a plaintext client as nats-server does.
type echoServer struct {
	gnet.BuiltinEventEngine
	pool           *Pool
	cfg            *Config
	handshakeFirst bool

	eng   gnet.Engine
	addr  string
	ready chan struct{}
	done  chan error
}

// echoConn is one connection's state, touched only on the loop.
type echoConn struct {
	c       gnet.Conn
	s       *Session
	started bool
	closed  bool
	wire    []byte // ciphertext to write, reused
	plain   []byte // ReadPlain's destination, reused
	service gnet.Runnable
}

const infoLine = "INFO {\"tls_required\":true}\r\n"

func startEchoServer(t *testing.T, cfg *Config, handshakeFirst bool) *echoServer {
	t.Helper()
	srv := &echoServer{pool: NewPool(0), cfg: cfg, handshakeFirst: handshakeFirst,
		ready: make(chan struct{}), done: make(chan error, 1)}
	go func() {
		srv.done <- gnet.Run(srv, "tcp4://127.0.0.1:0", gnet.WithNumEventLoop(1), gnet.WithLogger(quietLogger{}))
	}()
	select {
	case <-srv.ready:
	case err := <-srv.done:
		t.Fatalf("gnet.Run: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // an already-cancelled context stops the engine at once
		_ = srv.eng.Stop(ctx)
		<-srv.done
		srv.pool.Close()
	})
	return srv
}

func (srv *echoServer) OnBoot(e gnet.Engine) gnet.Action {
	srv.eng = e
	fd, err := e.Dup()
	if err != nil {
		panic(err)
	}
	sa, _ := unix.Getsockname(fd)
	_ = unix.Close(fd)
	srv.addr = fmt.Sprintf("127.0.0.1:%d", sa.(*unix.SockaddrInet4).Port)
	close(srv.ready)
	return gnet.None
}

func (srv *echoServer) OnOpen(c gnet.Conn) ([]byte, gnet.Action) {
	ec := &echoConn{c: c, plain: make([]byte, 16<<10)}
	el := c.EventLoop()
	ec.service = gnet.RunnableFunc(func(context.Context) error { ec.serve(); return nil })
	ec.s = NewServerSession(srv.cfg, func() { _ = el.Execute(context.Background(), ec.service) })
	c.SetContext(ec)
	if srv.handshakeFirst {
		ec.s.Start(srv.pool)
		ec.started = true
		return nil, gnet.None
	}
	return []byte(infoLine), gnet.None
}

func (srv *echoServer) OnTraffic(c gnet.Conn) gnet.Action {
	ec := c.Context().(*echoConn)
	in, _ := c.Peek(-1)
	if !ec.started {
		if !LooksLikeTLS(in[0]) {
			_, _ = c.Write([]byte("-ERR 'Secure Connection - TLS Required'\r\n"))
			return gnet.Close
		}
		ec.s.Start(srv.pool)
		ec.started = true
	}
	// What the session does not take yet (data after a TLS 1.3 client's Finished, while the handshake
	// finishes) stays in gnet's buffer; serve feeds it when notified. The engine also pauses reads then.
	// Discard(0) would discard everything (GNET.md §2): only discard what was taken.
	if n := ec.s.Feed(in); n > 0 {
		_, _ = c.Discard(n)
	}
	ec.serve()
	return gnet.None
}

func (srv *echoServer) OnClose(c gnet.Conn, _ error) gnet.Action {
	ec := c.Context().(*echoConn)
	ec.closed = true
	ec.s.Close()
	return gnet.None
}

// serve does whatever the session allows, on the loop: after a notification or new input.
func (ec *echoConn) serve() {
	if ec.closed {
		return
	}
	done, err := ec.s.HandshakeState()
	closing := err != nil
	if done && ec.c.InboundBuffered() > 0 {
		in, _ := ec.c.Peek(-1)
		_, _ = ec.c.Discard(ec.s.Feed(in)) // takes everything now
	}
	if done {
		for {
			n, err := ec.s.ReadPlain(ec.plain)
			if n > 0 {
				ec.wire, _ = ec.s.WritePlain(ec.wire, ec.plain[:n])
			}
			if errors.Is(err, ErrWouldBlock) {
				break
			}
			if err != nil {
				closing = true
				break
			}
		}
	}
	ec.wire = ec.s.TakeOutput(ec.wire) // handshake flights, alerts, KeyUpdate answers
	if len(ec.wire) > 0 {
		_, _ = ec.c.Write(ec.wire) // copies only what the socket refuses
		ec.wire = ec.wire[:0]
	}
	if closing {
		_ = ec.c.Close()
	}
}

type quietLogger struct{}

func (quietLogger) Debugf(string, ...any) {}
func (quietLogger) Infof(string, ...any)  {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Fatalf(string, ...any) {}

// echo writes payload on conn and checks that it comes back whole.
func echo(conn io.ReadWriter, payload []byte) error {
	errc := make(chan error, 1)
	go func() {
		_, err := conn.Write(payload)
		errc <- err
	}()
	got := make([]byte, len(payload))
	if _, err := io.ReadFull(conn, got); err != nil {
		return err
	}
	if err := <-errc; err != nil {
		return err
	}
	if !bytes.Equal(got, payload) {
		return errors.New("echo corrupted")
	}
	return nil
}

func TestSocketHandshakeFirst(t *testing.T) {
	p := getPKI(t)
	srv := startEchoServer(t, &Config{TLS: p.mutualTLS(0)}, true)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dialer := &tls.Dialer{NetDialer: &net.Dialer{Timeout: 5 * time.Second}, Config: p.clientTLS(p.client)}
			conn, err := dialer.Dial("tcp", srv.addr)
			if err != nil {
				errs <- err
				return
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
			errs <- echo(conn, randomBytes(1000+i*13000))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestSocketUpgradeAfterPlaintextInfo(t *testing.T) {
	p := getPKI(t)
	srv := startEchoServer(t, &Config{TLS: p.serverTLS(0)}, false)
	for _, version := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		conn, err := net.DialTimeout("tcp", srv.addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		info, err := bufio.NewReader(conn).ReadString('\n')
		if err != nil || info != infoLine {
			t.Fatalf("INFO: %q, %v", info, err)
		}
		cfg := p.clientTLS()
		cfg.MaxVersion = version
		tc := tls.Client(conn, cfg)
		if err := echo(tc, randomBytes(1<<20)); err != nil {
			t.Fatal(err)
		}
		if got := tc.ConnectionState().Version; got != version {
			t.Fatalf("version %x, want %x", got, version)
		}
		tc.Close()
	}
}

func TestSocketPlaintextClientRefused(t *testing.T) {
	p := getPKI(t)
	srv := startEchoServer(t, &Config{TLS: p.serverTLS(0)}, false)
	conn, err := net.DialTimeout("tcp", srv.addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	if _, err := r.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	_, _ = conn.Write([]byte("CONNECT {}\r\n"))
	line, err := r.ReadString('\n')
	if err != nil || !strings.Contains(line, "Secure Connection - TLS Required") {
		t.Fatalf("reply to a plaintext client: %q, %v", line, err)
	}
	if _, err := r.ReadByte(); err != io.EOF {
		t.Fatalf("connection not closed: %v", err)
	}
}

func TestSocketStalledClientIsClosedAtTheTimeout(t *testing.T) {
	p := getPKI(t)
	srv := startEchoServer(t, &Config{TLS: p.serverTLS(0), HandshakeTimeout: 200 * time.Millisecond}, true)
	start := time.Now() // the server's clock starts at accept, which may come before Dial returns
	conn, err := net.DialTimeout("tcp", srv.addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	_, _ = conn.Write([]byte{0x16, 3, 1, 1}) // a third of a record header, then nothing
	if _, err := conn.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("stalled client: %v, want EOF", err)
	}
	if elapsed := time.Since(start); elapsed < 200*time.Millisecond {
		t.Fatalf("closed after %v, before the timeout", elapsed)
	}
}
