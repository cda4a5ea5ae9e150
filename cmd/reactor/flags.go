package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/reactor-nats/reactor/reactor"
)

// errConfig is a configuration error, already reported; the daemon exits 1 as nats-server does.
var errConfig = errors.New("configuration error")

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
	logTime     bool   // logtime (config file): timestamps on log lines
	configFile  string // -c
	checkConfig bool   // -t: check the configuration file and exit
}

func parseFlags(args []string, stderr io.Writer) (*flags, error) {
	f := &flags{logTime: true}
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
	fs.StringVar(&f.configFile, "c", "", "Configuration file")
	fs.StringVar(&f.configFile, "config", "", "Configuration file")
	fs.BoolVar(&f.checkConfig, "t", false, "Test configuration and exit")

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
	if f.configFile != "" {
		set := map[string]bool{}
		fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
		if err := loadConfigFile(f.configFile, f, set); err != nil {
			fmt.Fprintf(stderr, "reactor: %v\n", err)
			return nil, errConfig
		}
	} else if f.checkConfig {
		fmt.Fprintln(stderr, "reactor: -t needs a configuration file (-c)")
		return nil, errConfig
	}
	o.Debug, o.Trace = f.debug, f.trace
	return f, nil
}
