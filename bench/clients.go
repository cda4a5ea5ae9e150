package bench

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
)

// clients are the nats.go connections of one run: one per publisher, subscriber, requester or responder,
// as a real deployment would have them.
//
// They never reconnect: a reconnect would silently lose messages and turn a server's failure into a row
// that waits for its timeout. Instead, a connection the server closes, or an asynchronous error such as a
// client-side slow consumer, is reported on failed at once.
//
// close tears them all down even when a publisher is blocked writing to a server that stopped reading:
// nats.go holds its connection lock across that write, so nats.Conn.Close would wait for it; closing the
// socket underneath (we dial it, see Dial) makes the write fail and the publisher return.
type clients struct {
	failed chan error // the first asynchronous failure; buffered so that reporting never blocks

	mu      sync.Mutex // guards everything below
	sockets []net.Conn
	conns   []*nats.Conn
	closing bool // set by close, so that our own closes are not failures
}

const (
	dialTimeout  = 5 * time.Second
	setupTimeout = 10 * time.Second // subscribing, confirming with Flush, warm-up requests
)

func newClients() *clients {
	return &clients{failed: make(chan error, 1)}
}

// Dial makes clients a nats.CustomDialer, so that it holds every socket it hands to nats.go.
func (cs *clients) Dial(network, address string) (net.Conn, error) {
	c, err := net.DialTimeout(network, address, dialTimeout)
	if err != nil {
		return nil, err
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.closing {
		c.Close()
		return nil, fmt.Errorf("dial %s: run is over", address)
	}
	cs.sockets = append(cs.sockets, c)
	return c, nil
}

// connect opens one connection to srv, named for the server's logs and for failure messages. To a server
// serving TLS it upgrades after the INFO, as nats.go does by default; Dial's socket stays under the TLS
// session, so close still works.
func (cs *clients) connect(name string, srv *Server) (*nats.Conn, error) {
	opts := []nats.Option{
		nats.Name(name),
		nats.NoReconnect(),
		nats.Timeout(dialTimeout),
		nats.SetCustomDialer(cs),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			cs.fail(fmt.Errorf("%s: %w", name, err))
		}),
		nats.ClosedHandler(func(nc *nats.Conn) {
			cs.fail(fmt.Errorf("%s: closed by server: %v", name, nc.LastError()))
		}),
	}
	if srv.TLS != nil {
		opts = append(opts, nats.Secure(srv.TLS.Clone()))
	}
	nc, err := nats.Connect(srv.URL, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: connect %s: %w", name, srv.URL, err)
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.conns = append(cs.conns, nc)
	return nc, nil
}

// fail records err as the run's failure unless the run is already failing or being closed by us.
func (cs *clients) fail(err error) {
	cs.mu.Lock()
	closing := cs.closing
	cs.mu.Unlock()
	if closing {
		return
	}
	select {
	case cs.failed <- err:
	default:
	}
}

// close ends every connection: sockets first, so that nothing stays blocked in a write, then the nats.go
// connections, so that their goroutines end.
func (cs *clients) close() {
	cs.mu.Lock()
	cs.closing = true
	sockets, conns := cs.sockets, cs.conns
	cs.mu.Unlock()
	for _, c := range sockets {
		c.Close()
	}
	for _, nc := range conns {
		nc.Close()
	}
}

// wait blocks until done is closed, or returns the first failure, or ctx's error when it ends first. A
// failure reported before done closed wins over done: workers that give up also end.
func (cs *clients) wait(ctx context.Context, done <-chan struct{}) error {
	select {
	case <-done:
		select {
		case err := <-cs.failed:
			return err
		default:
			return nil
		}
	case err := <-cs.failed:
		return err
	case <-ctx.Done():
		return fmt.Errorf("unfinished: %w", context.Cause(ctx))
	}
}
