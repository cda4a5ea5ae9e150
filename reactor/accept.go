package reactor

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/panjf2000/gnet/v2"
	"golang.org/x/sys/unix"
)

// Lame duck mode must stop accepting while every existing connection keeps running, so that clients
// reconnecting elsewhere are refused here at once. gnet v2.9.7 closes its listeners only when the whole
// engine stops, so reactor does it itself: the listening sockets leave the acceptor's epoll set (gnet would
// otherwise call accept on them, get EINVAL and stop the engine) and are shut down, which on Linux takes them
// out of the LISTEN state, so new connections are refused with a reset. The descriptors stay open for gnet to
// close at shutdown, so no fd number is ever closed twice.
//
// Like readpause.go this reads gnet's unexported fields (engine.ingress.poller.fd and engine.listeners);
// TestLameDuckRefusesNewConnections fails if a gnet upgrade moves them.

// acceptor is what stopAccepting needs of gnet's internals: the acceptor's epoll fd and the listening fds.
type acceptor struct {
	epollFD   int
	listeners []int
	err       error // why they could not be read
}

// findAcceptor reads the acceptor from gnet's engine. gnet sets those fields after OnBoot, before it starts
// the ticker goroutine, so this runs in OnTick: reading them there is ordered after the write.
func findAcceptor(eng gnet.Engine) (a acceptor) {
	defer func() {
		if r := recover(); r != nil {
			a = acceptor{err: fmt.Errorf("gnet internals changed: %v", r)}
		}
	}()
	e := reflect.ValueOf(eng).FieldByName("eng").Elem()
	ingress := e.FieldByName("ingress")
	if ingress.IsNil() {
		return acceptor{err: errors.New("no acceptor loop (gnet runs with ReusePort)")}
	}
	a.epollFD = int(ingress.Elem().FieldByName("poller").Elem().FieldByName("fd").Int())
	for _, k := range e.FieldByName("listeners").MapKeys() {
		a.listeners = append(a.listeners, int(k.Int()))
	}
	return a
}

// stop takes the listeners out of service.
func (a acceptor) stop() error {
	if a.err != nil {
		return a.err
	}
	for _, fd := range a.listeners {
		if err := unix.EpollCtl(a.epollFD, unix.EPOLL_CTL_DEL, fd, nil); err != nil {
			return fmt.Errorf("remove listener %d from epoll: %w", fd, err)
		}
		if err := unix.Shutdown(fd, unix.SHUT_RD); err != nil {
			return fmt.Errorf("shut down listener %d: %w", fd, err)
		}
	}
	return nil
}
