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

// stopAccepting takes the engine's listeners out of service.
func stopAccepting(eng gnet.Engine) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("gnet internals changed: %v", r)
		}
	}()
	e := reflect.ValueOf(eng).FieldByName("eng").Elem()
	ingress := e.FieldByName("ingress")
	if ingress.IsNil() {
		return errors.New("no acceptor loop (gnet runs with ReusePort)")
	}
	epfd := int(ingress.Elem().FieldByName("poller").Elem().FieldByName("fd").Int())
	for _, k := range e.FieldByName("listeners").MapKeys() {
		fd := int(k.Int())
		if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_DEL, fd, nil); err != nil {
			return fmt.Errorf("remove listener %d from epoll: %w", fd, err)
		}
		if err := unix.Shutdown(fd, unix.SHUT_RD); err != nil {
			return fmt.Errorf("shut down listener %d: %w", fd, err)
		}
	}
	return nil
}
