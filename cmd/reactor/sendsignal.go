package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// --signal (-sl) <command>[=<pid>] makes this invocation a remote control for a running reactor, as
// nats-server's does: it sends the signal and exits, 0 if it was delivered and 1 with the reason if not.
// The daemon's side of each signal is in signals.go.

// signalCommands are nats-server's commands and the signals it sends for them (checked against v2.15.2: stop
// kills outright, quit stops gracefully like term).
var signalCommands = map[string]syscall.Signal{
	"stop":   syscall.SIGKILL,
	"quit":   syscall.SIGINT,
	"term":   syscall.SIGTERM,
	"reopen": syscall.SIGUSR1,
	"reload": syscall.SIGHUP,
	"ldm":    syscall.SIGUSR2,
}

// sendSignal carries out --signal spec. The pid part is a pid or the path to a pid file; without one, the
// target is the one other process running this program.
func sendSignal(spec string) error {
	parts := strings.Split(spec, "=")
	if len(parts) > 2 {
		return fmt.Errorf("invalid signal parameters: %v", parts[2:])
	}
	command := parts[0]
	sig, ok := signalCommands[command]
	if !ok {
		return fmt.Errorf("unknown signal %q", command)
	}
	var pids []int
	if len(parts) == 2 && parts[1] != "" {
		pid, err := parsePid(parts[1])
		if err != nil {
			return err
		}
		pids = []int{pid}
	} else {
		var err error
		if pids, err = findSiblings(); err != nil {
			return err
		}
	}
	// As nats-server: every failure on its own line, after an empty first one.
	var failures strings.Builder
	for _, pid := range pids {
		if err := syscall.Kill(pid, sig); err != nil {
			fmt.Fprintf(&failures, "\nsignal %q %d: %v", command, pid, err)
		}
	}
	if failures.Len() > 0 {
		return errors.New(failures.String())
	}
	return nil
}

// parsePid reads a pid, or failing that a pid file holding nothing but one. Unlike nats-server, which would
// pass 0 or a negative number to kill(2) and so signal a whole process group (its own included), reactor
// refuses them.
func parsePid(text string) (int, error) {
	pid, err := strconv.Atoi(text)
	if err != nil {
		content, readErr := os.ReadFile(text)
		if readErr != nil {
			return 0, fmt.Errorf("invalid pid: %s", text)
		}
		text = string(content)
		if pid, err = strconv.Atoi(text); err != nil {
			return 0, fmt.Errorf("invalid pid: %s", text)
		}
	}
	if pid <= 0 {
		return 0, fmt.Errorf("invalid pid: %s", text)
	}
	return pid, nil
}

// findSiblings returns the one other process running this program, found as nats-server finds its own with
// pgrep: by process name in /proc. The name is this process's own (so a renamed binary finds its renamed
// siblings) and must match whole, where nats-server's pgrep pattern also matches longer names.
func findSiblings() ([]int, error) {
	self, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		return nil, fmt.Errorf("unable to resolve pid, try providing one: %v", err)
	}
	name := strings.TrimSpace(string(self))
	pids, err := processesNamed(name)
	if err != nil {
		return nil, fmt.Errorf("unable to resolve pid, try providing one: %v", err)
	}
	switch len(pids) {
	case 0:
		return nil, errors.New("no reactor processes running")
	case 1:
		return pids, nil
	}
	var msg strings.Builder
	msg.WriteString("multiple reactor processes running:")
	for _, pid := range pids {
		fmt.Fprintf(&msg, "\n%d", pid)
	}
	return nil, errors.New(msg.String())
}

// processesNamed lists, in pid order, the processes other than this one whose name (comm) is name.
func processesNamed(name string) ([]int, error) {
	dirs, err := filepath.Glob("/proc/[0-9]*")
	if err != nil {
		return nil, err
	}
	me := os.Getpid()
	var pids []int
	for _, dir := range dirs {
		pid, err := strconv.Atoi(filepath.Base(dir))
		if err != nil || pid == me {
			continue
		}
		comm, err := os.ReadFile(filepath.Join(dir, "comm"))
		if err != nil {
			continue // gone since the listing
		}
		if strings.TrimSuffix(string(comm), "\n") == name {
			pids = append(pids, pid)
		}
	}
	sort.Ints(pids)
	return pids, nil
}
