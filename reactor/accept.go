package reactor

import (
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/panjf2000/gnet/v2"
	"golang.org/x/sys/unix"
)

// Lame duck mode must stop accepting while every existing connection keeps running, so that clients
// reconnecting elsewhere are refused here at once. gnet v2.9.7 closes its listeners only when the whole
// engine stops, so reactor does it itself: the listening sockets leave the acceptor's epoll set, and a
// refuser goroutine of reactor's own accepts what still arrives and resets it at once (SO_LINGER 0).
//
// The sockets are never shut down: gnet's acceptor drains a listener in a loop until accept says EAGAIN,
// and a shutdown landing between two of its accepts would make the next one fail with EINVAL, which stops
// the whole engine. A connection gnet still accepts in that window is closed by OnOpen in lame duck mode.
// The descriptors stay open for gnet to close at shutdown, after the refuser has stopped, so no fd number
// is ever closed twice or polled after reuse.
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

// take removes the listeners from gnet's acceptor, except those bound to a port keep says to keep, and
// returns their descriptors.
func (a acceptor) take(keep func(port int) bool) ([]int, error) {
	if a.err != nil {
		return nil, a.err
	}
	var taken []int
	for _, fd := range a.listeners {
		if keep(listenerPort(fd)) {
			continue
		}
		if err := unix.EpollCtl(a.epollFD, unix.EPOLL_CTL_DEL, fd, nil); err != nil {
			return taken, fmt.Errorf("remove listener %d from epoll: %w", fd, err)
		}
		taken = append(taken, fd)
	}
	return taken, nil
}

// refuserPoll bounds how long stopping the refuser takes.
const refuserPoll = 50 * time.Millisecond

// refuse resets every connection that arrives on fds until stop is closed, then closes done.
func refuse(fds []int, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	polls := make([]unix.PollFd, len(fds))
	for i, fd := range fds {
		polls[i] = unix.PollFd{Fd: int32(fd), Events: unix.POLLIN}
	}
	for {
		select {
		case <-stop:
			return
		default:
		}
		if _, err := unix.Poll(polls, int(refuserPoll/time.Millisecond)); err != nil && err != unix.EINTR {
			return
		}
		for i := range polls {
			if polls[i].Revents&unix.POLLNVAL != 0 {
				return // gnet closed it: the engine is down
			}
			if polls[i].Revents&unix.POLLIN == 0 {
				continue
			}
			for {
				nfd, _, err := unix.Accept4(int(polls[i].Fd), unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
				if err != nil {
					break
				}
				_ = unix.SetsockoptLinger(nfd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0})
				_ = unix.Close(nfd)
			}
		}
	}
}

// listenerPort is the port a listening socket is bound to, or 0.
func listenerPort(fd int) int {
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return 0
	}
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return a.Port
	case *unix.SockaddrInet6:
		return a.Port
	}
	return 0
}
