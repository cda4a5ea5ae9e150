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

// flags are the command line, with the configuration file applied under it. Names are nats-server's wherever
// it has one; Go's flag package accepts each with one dash or two, as nats-server does.
type flags struct {
	opts         reactor.Options
	debug        bool
	trace        bool
	logFile      string
	logSizeLimit int64 // log_size_limit: rotate the log file past this many bytes; 0 = never
	logMaxFiles  int   // log_max_num: log files kept when rotating, the current one included; 0 = all
	logJSON      bool
	logTime      bool // -T, logtime: timestamps on log lines
	pidFile      string
	showVersion  bool
	profilePort  int
	httpHost     string // http (config file): monitoring interface; the client host when not given
	httpPort     int    // -m, http_port, monitor_port: monitoring port; 0 = no monitoring
	configFile   string // -c
	checkConfig  bool   // -t: check the configuration file and exit
	signal       string // -sl: signal a running reactor and exit (sendsignal.go)
	tls          tlsSettings
	cluster      clusterFlags
	js           jetStreamSettings // -js, -sd, the jetstream block (jetstreamconfig.go)
	allowNonTLS  bool              // allow_non_tls: plaintext clients too, on a TLS port
	authDigest   string            // fingerprint of the file's auth keys (authdigest.go)
}

// parseFlags reads the command line and, with -c, the configuration file under it. Errors are reported on
// stderr here; the returned error says how to exit.
func parseFlags(args []string, stderr io.Writer) (*flags, error) {
	f, set, err := parseCommandLine(args, stderr)
	if err != nil || f.signal != "" {
		// nats-server sends the signal before it reads any configuration.
		return f, err
	}
	if f.configFile == "" && f.checkConfig {
		fmt.Fprintln(stderr, "reactor: -t needs a configuration file (-c)")
		return nil, errConfig
	}
	if err := f.loadConfig(set); err != nil {
		fmt.Fprintf(stderr, "reactor: %v\n", err)
		return nil, errConfig
	}
	return f, nil
}

// rereadConfiguration is parseFlags for SIGHUP: the same command line, so flags still win over the file, and
// the file as it is now. It reports nothing: the caller logs the error.
func rereadConfiguration(args []string) (*flags, error) {
	f, set, err := parseCommandLine(args, io.Discard)
	if err != nil {
		return nil, err
	}
	if err := f.loadConfig(set); err != nil {
		return nil, err
	}
	return f, nil
}

// loadConfig applies the configuration file, if any, under the flags in set, then fills in what depends on
// other settings.
func (f *flags) loadConfig(set map[string]bool) error {
	if f.configFile != "" {
		if err := loadConfigFile(f.configFile, f, set); err != nil {
			return err
		}
	}
	if f.httpHost == "" {
		f.httpHost = f.opts.Host // nats-server's monitoring binds where clients do unless told otherwise
	}
	if w := f.opts.WebSocket; w != nil && w.Host == "" {
		w.Host = f.opts.Host // the websocket listener binds where clients do unless told otherwise
	}
	if err := f.applyClusterFlags(set); err != nil {
		return err
	}
	tlsOpts, err := f.tls.options(set)
	if err != nil {
		return err
	}
	if tlsOpts != nil {
		tlsOpts.AllowNonTLS = f.allowNonTLS
	}
	f.opts.TLS = tlsOpts
	f.opts.JetStream = f.js.options()
	f.opts.Trace = f.trace // debug is the logger's level, set by the daemon
	return nil
}

// parseCommandLine parses args alone and returns the names of the flags given, which win over the file.
func parseCommandLine(args []string, stderr io.Writer) (*flags, map[string]bool, error) {
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
	fs.StringVar(&o.ClientAdvertise, "client_advertise", "", "Client URL to advertise to other servers")
	fs.IntVar(&f.httpPort, "m", 0, "Use port for http monitoring")
	fs.IntVar(&f.httpPort, "http_port", 0, "Use port for http monitoring")
	fs.BoolVar(&f.debug, "D", false, "Enable debugging output")
	fs.BoolVar(&f.debug, "debug", false, "Enable debugging output")
	fs.BoolVar(&f.trace, "V", false, "Trace the raw protocol")
	fs.BoolVar(&f.trace, "trace", false, "Trace the raw protocol")
	fs.BoolVar(&debugTrace, "DV", false, "Debug and trace")
	fs.BoolVar(&f.logTime, "T", true, "Timestamp log entries")
	fs.BoolVar(&f.logTime, "logtime", true, "Timestamp log entries")
	fs.StringVar(&f.logFile, "l", "", "File to redirect log output")
	fs.StringVar(&f.logFile, "log", "", "File to redirect log output")
	fs.Int64Var(&f.logSizeLimit, "log_size_limit", 0, "Logfile size limit in bytes (default: no limit)")
	fs.StringVar(&f.pidFile, "P", "", "File to store PID")
	fs.StringVar(&f.pidFile, "pid", "", "File to store PID")
	fs.StringVar(&f.signal, "sl", "", "Send a signal to a running reactor: `ldm|stop|quit|term|reopen|reload[=pid]`, pid a PID or a PID file")
	fs.StringVar(&f.signal, "signal", "", "Send a signal to a running reactor: `ldm|stop|quit|term|reopen|reload[=pid]`, pid a PID or a PID file")
	fs.BoolVar(&f.showVersion, "v", false, "Show version")
	fs.BoolVar(&f.showVersion, "version", false, "Show version")
	fs.BoolVar(&f.logJSON, "log_json", false, "Log JSON lines instead of console text")
	fs.IntVar(&o.EventLoops, "loops", 0, "Number of event loops (default GOMAXPROCS)")
	fs.IntVar(&f.profilePort, "profile", 0, "Profiling HTTP port (pprof)")
	fs.StringVar(&f.configFile, "c", "", "Configuration file")
	fs.StringVar(&f.configFile, "config", "", "Configuration file")
	fs.BoolVar(&f.checkConfig, "t", false, "Test configuration and exit")
	fs.BoolVar(&f.tls.enabled, "tls", false, "Enable TLS, do not verify clients (default: false)")
	fs.StringVar(&f.tls.flags.cert, "tlscert", "", "Server certificate file")
	fs.StringVar(&f.tls.flags.key, "tlskey", "", "Private key for server certificate")
	fs.BoolVar(&f.tls.flags.verify, "tlsverify", false, "Enable TLS, verify client certificates")
	fs.StringVar(&f.tls.flags.ca, "tlscacert", "", "Client certificate CA for verification")
	fs.StringVar(&f.cluster.listen, "cluster", "", "Cluster URL for solicited routes")
	fs.StringVar(&f.cluster.name, "cluster_name", "", "Cluster Name, if not set one will be dynamically generated")
	fs.StringVar(&f.cluster.routes, "routes", "", "Routes to solicit and connect")
	fs.StringVar(&f.cluster.advertise, "cluster_advertise", "", "Cluster URL to advertise to other servers")
	fs.BoolVar(&f.cluster.noAdvertise, "no_advertise", false, "Do not advertise known cluster information to clients")
	fs.BoolVar(&f.js.enabled, "js", false, "Enable JetStream functionality")
	fs.BoolVar(&f.js.enabled, "jetstream", false, "Enable JetStream functionality")
	fs.StringVar(&f.js.storeDir, "sd", "", "Set the storage directory")
	fs.StringVar(&f.js.storeDir, "store_dir", "", "Set the storage directory")
	fs.IntVar(&f.cluster.connectRetries, "connect_retries", 0, "For implicit routes, number of connect retries")

	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	if fs.NArg() > 0 {
		err := fmt.Errorf("unexpected argument %q", fs.Arg(0))
		fmt.Fprintln(stderr, "reactor:", err)
		fs.Usage()
		return nil, nil, err
	}
	if debugTrace {
		f.debug, f.trace = true, true
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	return f, set, nil
}
