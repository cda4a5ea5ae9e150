package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/reactor-nats/reactor/reactor"
)

// flags are the command line. Names are nats-server's wherever it has one; Go's flag package accepts each
// with one dash or two, as nats-server does.
type flags struct {
	opts        reactor.Options
	debug       bool
	trace       bool
	logFile     string
	logJSON     bool
	pidFile     string
	showVersion bool
	profilePort int
}

func parseFlags(args []string, stderr io.Writer) (*flags, error) {
	f := &flags{}
	o := &f.opts
	fs := flag.NewFlagSet("reactor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: reactor [options]\n\nServer options (as nats-server's):\n")
		fs.PrintDefaults()
	}

	var debugTrace bool
	fs.StringVar(&o.Host, "a", "0.0.0.0", "Bind to host address")
	fs.StringVar(&o.Host, "addr", "0.0.0.0", "Bind to host address")
	fs.StringVar(&o.Host, "net", "0.0.0.0", "Bind to host address")
	fs.IntVar(&o.Port, "p", reactor.DefaultPort, "Use port for clients")
	fs.IntVar(&o.Port, "port", reactor.DefaultPort, "Use port for clients")
	fs.StringVar(&o.ServerName, "n", "", "Server name (default: server id)")
	fs.StringVar(&o.ServerName, "name", "", "Server name (default: server id)")
	fs.StringVar(&o.ServerName, "server_name", "", "Server name (default: server id)")
	fs.BoolVar(&f.debug, "D", false, "Enable debugging output")
	fs.BoolVar(&f.debug, "debug", false, "Enable debugging output")
	fs.BoolVar(&f.trace, "V", false, "Trace the raw protocol")
	fs.BoolVar(&f.trace, "trace", false, "Trace the raw protocol")
	fs.BoolVar(&debugTrace, "DV", false, "Debug and trace")
	fs.StringVar(&f.logFile, "l", "", "File to redirect log output")
	fs.StringVar(&f.logFile, "log", "", "File to redirect log output")
	fs.StringVar(&f.pidFile, "P", "", "File to store PID")
	fs.StringVar(&f.pidFile, "pid", "", "File to store PID")
	fs.BoolVar(&f.showVersion, "v", false, "Show version")
	fs.BoolVar(&f.showVersion, "version", false, "Show version")
	fs.BoolVar(&f.logJSON, "log_json", false, "Log JSON lines instead of console text")
	fs.IntVar(&o.EventLoops, "loops", 0, "Number of event loops (default GOMAXPROCS)")
	fs.IntVar(&f.profilePort, "profile", 0, "Profiling HTTP port (pprof)")

	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		err := fmt.Errorf("unexpected argument %q", fs.Arg(0))
		fmt.Fprintln(stderr, "reactor:", err)
		fs.Usage()
		return nil, err
	}
	if debugTrace {
		f.debug, f.trace = true, true
	}
	o.Debug, o.Trace = f.debug, f.trace
	return f, nil
}
