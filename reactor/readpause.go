package reactor

import (
	"errors"
	"reflect"

	"github.com/panjf2000/gnet/v2"
	"golang.org/x/sys/unix"
)

// gnet v2.9.7 reads every readable socket as soon as epoll reports it, and has no call to stop reading one
// connection. Producer back-pressure needs exactly that: a publisher whose subscribers are falling behind
// must be slowed by TCP flow control, not buffered without bound. So reactor changes the connection's epoll
// interest itself. In gnet's default Linux poller an epoll event carries only the fd (gnet finds the
// connection by fd), so dropping EPOLLIN with EPOLL_CTL_MOD and restoring it later is all it takes, and
// gnet's own later MODs (after a write that hit EAGAIN) only ever restore reading, never lose it.
//
// The one thing gnet does not expose is the loop's epoll descriptor: loopEpollFD reads it from gnet's
// unexported fields. TestReadPauseAppliesBackPressure fails if a gnet upgrade moves them; without the fd,
// reactor logs once and runs without producer stalls (slow consumers are still cut off).

// loopEpollFD returns the epoll descriptor of the loop that owns gc.
func loopEpollFD(gc gnet.Conn) (fd int, err error) {
	defer func() {
		if recover() != nil {
			fd, err = -1, errors.New("gnet internals changed: no conn.loop.poller.fd")
		}
	}()
	poller := reflect.ValueOf(gc).Elem().FieldByName("loop").Elem().FieldByName("poller").Elem()
	fd = int(poller.FieldByName("fd").Int())
	if fd <= 0 {
		return -1, errors.New("gnet internals changed: bad epoll fd")
	}
	return fd, nil
}

// setReading turns reading of c's socket on or off, keeping write interest while gnet has output queued.
// It runs on c's loop.
func (c *client) setReading(on bool) error {
	var events uint32
	if on {
		events = unix.EPOLLIN | unix.EPOLLPRI
	}
	if c.conn.OutboundBuffered() > 0 {
		events |= unix.EPOLLOUT
	}
	fd := c.conn.Fd()
	return unix.EpollCtl(c.loop.epollFD, unix.EPOLL_CTL_MOD, fd, &unix.EpollEvent{Fd: int32(fd), Events: events})
}
