package reactor

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// smallRecvBuffer shrinks a dialed socket's receive buffer so that a client that never reads backs up
// quickly.
func smallRecvBuffer(_, _ string, rc syscall.RawConn) error {
	var serr error
	err := rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUF, 4096)
	})
	if err != nil {
		return err
	}
	return serr
}
