package conns

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// rawConn is a NATS client connection spoken by hand: tens of thousands of them must cost the client side
// little, and nats.go carries goroutines, buffers and timers per connection that a driver holding 19,000
// idle subscribers cannot afford.
//
// Over TLS it reads the plaintext INFO, then runs the TLS handshake and speaks the protocol inside the
// session, as nats.go does by default with a server that requires TLS.
type rawConn struct {
	tcp    *net.TCPConn  // the socket: deadlines, and the abortive close
	conn   net.Conn      // what the protocol is spoken over: tcp, or a TLS session on it
	reader *bufio.Reader // of conn; owned by the goroutine that runs handshake, then serve
}

const (
	fanoutSubject = "bench.all" // every subscriber's subject, so one PUB reaches all N
	dialTimeout   = 10 * time.Second
	// handshakeTimeout bounds INFO to PONG. Generous: tens of thousands of handshakes queue on two cores.
	handshakeTimeout = 30 * time.Second
	// readBufferSize holds a MSG line of fanoutSubject, a PING or an -ERR; INFO is longer but is read with
	// ReadString, which grows past the buffer. Small, because there is one per connection.
	readBufferSize = 256
)

var (
	subscribeGreeting = []byte("CONNECT {\"verbose\":false,\"pedantic\":false}\r\nSUB " + fanoutSubject + " 1\r\nPING\r\n")
	publishGreeting   = []byte("CONNECT {\"verbose\":false,\"pedantic\":false}\r\nPING\r\n")
	pong              = []byte("PONG\r\n")
)

// dialRaw connects from src (nil: any local address) to addr and completes the handshake: read INFO, run
// the TLS handshake when tlsConfig is not nil, send greeting (which must end in PING), wait for PONG. The
// server's PONG to our PING means it has processed everything before it, including the SUB.
func dialRaw(src net.IP, addr string, greeting []byte, tlsConfig *tls.Config) (*rawConn, error) {
	dialer := net.Dialer{Timeout: dialTimeout}
	if src != nil {
		dialer.LocalAddr = &net.TCPAddr{IP: src}
	}
	c, err := dialer.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	tcp := c.(*net.TCPConn)
	rc := &rawConn{tcp: tcp, conn: tcp, reader: bufio.NewReaderSize(c, readBufferSize)}
	if err := rc.handshake(greeting, tlsConfig); err != nil {
		rc.abort()
		return nil, err
	}
	return rc, nil
}

func (rc *rawConn) handshake(greeting []byte, tlsConfig *tls.Config) error {
	if err := rc.tcp.SetDeadline(time.Now().Add(handshakeTimeout)); err != nil {
		return err
	}
	info, err := rc.reader.ReadString('\n')
	if err != nil {
		return fmt.Errorf("read INFO: %w", err)
	}
	if !strings.HasPrefix(info, "INFO ") {
		return fmt.Errorf("expected INFO, got %q", truncate(info, 80))
	}
	if tlsConfig != nil {
		if !strings.Contains(info, `"tls_required":true`) {
			return errors.New("INFO without tls_required from a server meant to serve TLS")
		}
		if rc.reader.Buffered() > 0 { // the server waits for our ClientHello; nothing may follow INFO
			return errors.New("bytes after INFO before the TLS handshake")
		}
		session := tls.Client(rc.tcp, tlsConfig)
		if err := session.Handshake(); err != nil {
			return fmt.Errorf("TLS handshake: %w", err)
		}
		rc.conn, rc.reader = session, bufio.NewReaderSize(session, readBufferSize)
	}
	if _, err := rc.conn.Write(greeting); err != nil {
		return fmt.Errorf("write CONNECT: %w", err)
	}
	for {
		line, err := rc.reader.ReadString('\n')
		if err != nil {
			return fmt.Errorf("wait for PONG: %w", err)
		}
		switch {
		case strings.HasPrefix(line, "PONG"):
			return rc.tcp.SetDeadline(time.Time{})
		case strings.HasPrefix(line, "PING"):
			if _, err := rc.conn.Write(pong); err != nil {
				return err
			}
		case strings.HasPrefix(line, "-ERR"):
			return errors.New(strings.TrimSpace(line))
		}
	}
}

// serve reads until the connection fails: it calls onMsg for every MSG and answers the server's PINGs, so
// an idle subscriber is never cut off as stale. It returns the error that ended it.
func (rc *rawConn) serve(onMsg func()) error {
	for {
		line, err := rc.reader.ReadSlice('\n')
		if err != nil {
			return err
		}
		switch {
		case bytes.HasPrefix(line, []byte("MSG ")):
			size, err := msgSize(line)
			if err != nil {
				return err
			}
			if _, err := rc.reader.Discard(size + 2); err != nil { // payload and its CRLF
				return err
			}
			if onMsg != nil {
				onMsg()
			}
		case bytes.HasPrefix(line, []byte("PING")):
			if _, err := rc.conn.Write(pong); err != nil {
				return err
			}
		case bytes.HasPrefix(line, []byte("-ERR")):
			return errors.New(string(bytes.TrimSpace(line)))
		}
	}
}

// msgSize is the payload size, the last field of "MSG <subject> <sid> [reply] <size>\r\n".
func msgSize(line []byte) (int, error) {
	line = bytes.TrimSpace(line)
	field := line[bytes.LastIndexByte(line, ' ')+1:]
	size, err := strconv.Atoi(string(field))
	if err != nil || size < 0 {
		return 0, fmt.Errorf("bad MSG line %q", truncate(string(line), 80))
	}
	return size, nil
}

// publish sends one message to every subscriber.
func (rc *rawConn) publish(payload []byte) error {
	frame := make([]byte, 0, 32+len(payload))
	frame = append(frame, "PUB "+fanoutSubject+" "...)
	frame = strconv.AppendInt(frame, int64(len(payload)), 10)
	frame = append(frame, "\r\n"...)
	frame = append(frame, payload...)
	frame = append(frame, "\r\n"...)
	_, err := rc.conn.Write(frame)
	return err
}

// abort closes with a reset rather than a FIN, so the client side leaves no TIME_WAIT sockets holding
// ports for the runs that follow. A TLS session is dropped with its socket, without a close_notify.
func (rc *rawConn) abort() {
	_ = rc.tcp.SetLinger(0)
	_ = rc.tcp.Close()
}
