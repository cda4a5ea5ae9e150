package bench

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Server is a server process under test.
type Server struct {
	Name string // "reactor" or "nats-server"
	Addr string // host:port for clients
	URL  string // nats://host:port
	// TLS is what clients trust when the server serves TLS (TLSFiles.Start); nil for plaintext.
	TLS *tls.Config

	// Started is when the process was executed: what a recovery time is measured from.
	Started time.Time

	cmd     *exec.Cmd
	logs    *lockedBuffer
	done    chan struct{} // closed when the process has exited, with waitErr set
	waitErr error
}

// Starter starts one kind of server: StartReactor or StartNatsServer, with its binary.
type Starter struct {
	Name  string // the Name of the servers it starts
	Start func(bin string, extraArgs ...string) (*Server, error)
	Bin   string
}

// Starters are reactor's and nats-server's, in the order the matrix runs them.
func Starters(reactorBin, natsBin string) []Starter {
	return []Starter{{"reactor", StartReactor, reactorBin}, {"nats-server", StartNatsServer, natsBin}}
}

// Run starts the server with extraArgs.
func (st Starter) Run(extraArgs ...string) (*Server, error) { return st.Start(st.Bin, extraArgs...) }

// StartReactor starts the reactor daemon at bin on a free loopback port.
func StartReactor(bin string, extraArgs ...string) (*Server, error) {
	return start("reactor", bin, extraArgs...)
}

// StartNatsServer starts the reference nats-server at bin on a free loopback port.
func StartNatsServer(bin string, extraArgs ...string) (*Server, error) {
	return start("nats-server", bin, extraArgs...)
}

// startTimeout bounds how long a server may take to serve after exec: long, because a server recovering a
// large JetStream store may listen only once it has recovered (reactor does).
const startTimeout = 60 * time.Second

func start(name, bin string, extraArgs ...string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &Server{
		Name: name,
		Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		logs: &lockedBuffer{},
		done: make(chan struct{}),
	}
	s.URL = "nats://" + s.Addr
	args := append([]string{"-a", "127.0.0.1", "-p", strconv.Itoa(port)}, extraArgs...)
	s.cmd = exec.Command(bin, args...)
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	s.Started = time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() { s.waitErr = s.cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(startTimeout)
	for {
		c, err := net.DialTimeout("tcp", s.Addr, time.Second)
		if err == nil {
			// Wait for the INFO line: the server is serving, not merely listening.
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, err = bufio.NewReader(c).ReadString('\n')
			c.Close()
			if err == nil {
				return s, nil
			}
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("%s exited at start: %v\n%s", name, s.waitErr, s.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("%s never served on %s: %v", name, s.Addr, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Stop ends the server (SIGINT, then SIGKILL after 5 s) and waits for it; a server already stopped is
// left alone.
func (s *Server) Stop() { _ = s.stop(os.Interrupt, 5*time.Second) }

// Terminate ends the server with SIGTERM and waits for it; if it has not exited within grace it is
// killed, and the error says so: whatever it was writing may not have reached its files cleanly.
func (s *Server) Terminate(grace time.Duration) error { return s.stop(syscall.SIGTERM, grace) }

func (s *Server) stop(sig os.Signal, grace time.Duration) error {
	select {
	case <-s.done:
		return nil
	default:
	}
	_ = s.cmd.Process.Signal(sig)
	select {
	case <-s.done:
		return nil
	case <-time.After(grace):
		_ = s.cmd.Process.Kill()
		<-s.done
		return fmt.Errorf("%s still running %v after %v: killed", s.Name, grace, sig)
	}
}

// PID is the server's process id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Logs is what the server printed.
func (s *Server) Logs() string { return s.logs.String() }

// RSS is the server's resident set size in bytes.
func (s *Server) RSS() (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.PID()))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) < 1 {
				break
			}
			kb, err := strconv.ParseInt(f[0], 10, 64)
			return kb * 1024, err
		}
	}
	return 0, errors.New("no VmRSS")
}

// CPUTime is the user plus system CPU time the server has used.
func (s *Server) CPUTime() (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.PID()))
	if err != nil {
		return 0, err
	}
	// The command name may contain spaces; fields are counted after its closing parenthesis.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, errors.New("bad /proc stat")
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	const clockTicks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// Machine describes this machine for reports.
func Machine() string {
	model := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if rest, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), ":"))
				break
			}
		}
	}
	mem := ""
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		if line, _, ok := strings.Cut(string(data), "\n"); ok {
			mem = strings.Join(strings.Fields(strings.TrimPrefix(line, "MemTotal:")), " ")
		}
	}
	kernel := ""
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = strings.TrimSpace(string(data))
	}
	return fmt.Sprintf("%s, %d CPUs, %s RAM, Linux %s, %s", model, runtime.NumCPU(), mem, kernel, runtime.Version())
}

func freePort() (int, error) {
	ports, err := freePorts(1)
	if err != nil {
		return 0, err
	}
	return ports[0], nil
}

// freePorts finds n distinct free loopback ports, holding each until all are found so that none is
// handed out twice.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// lockedBuffer collects a child's output from two pipes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
