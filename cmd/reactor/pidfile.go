package main

import (
	"os"
	"strconv"
)

// pidFile is the file that holds this process's pid (-P, pid_file), for --signal and init scripts. A reload
// may move it. Unlike nats-server, which leaves its pid files behind, reactor removes it on exit, as it
// always has.
type pidFile struct{ path string }

// pidFileMode is the mode nats-server gives its pid file.
const pidFileMode = 0o600

// moveTo writes the pid to path ("" for none) and removes the previous file. If path cannot be written the
// previous file stays.
func (p *pidFile) moveTo(path string) error {
	if path == p.path {
		return nil
	}
	if path != "" {
		// No newline: nats-server's --signal reads the file whole and takes nothing but digits.
		if err := os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())), pidFileMode); err != nil {
			return err
		}
	}
	p.remove()
	p.path = path
	return nil
}

func (p *pidFile) remove() {
	if p.path != "" {
		_ = os.Remove(p.path)
	}
}
