// Command reactor is the daemon: flags, configuration file, logging, signals and the open-files limit around
// a reactor.Server. It holds no server logic.
package main

import (
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"

	"github.com/reactor-nats/reactor/monitor"
	"github.com/reactor-nats/reactor/reactor"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	f, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if errors.Is(err, errConfig) {
		return 1
	}
	if err != nil {
		return 2
	}
	if f.signal != "" {
		if err := sendSignal(f.signal); err != nil {
			fmt.Fprintf(stderr, "reactor: %v\n", err)
			return 1
		}
		return 0
	}
	if f.checkConfig {
		digest := ""
		if data, err := os.ReadFile(f.configFile); err == nil {
			digest = fmt.Sprintf(" (sha256:%x)", sha256.Sum256(data))
		}
		fmt.Fprintf(stderr, "reactor: configuration file %s is valid%s\n", f.configFile, digest)
		return 0
	}
	if f.showVersion {
		fmt.Fprintf(os.Stdout, "reactor: v%s (nats-server protocol %s)\n", reactor.Version, reactor.ProtocolVersion)
		return 0
	}

	// Trap signals first: the default action of SIGHUP, SIGUSR1 and SIGUSR2 is to terminate, and a reload sent
	// as soon as the pid file appears must not kill the daemon.
	sigs := trapSignals()
	logs, err := newDaemonLog(f, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "reactor: %v\n", err)
		return 1
	}
	defer logs.Close()
	log := logs.Logger

	if err := raiseOpenFilesLimit(); err != nil {
		log.Warn().Err(err).Msg("could not raise the open-files limit")
	}
	var pid pidFile
	if err := pid.moveTo(f.pidFile); err != nil {
		log.Error().Err(err).Msg("writing pid file")
		return 1
	}
	defer pid.remove()

	if f.profilePort > 0 {
		go serveProfile(f.profilePort, log)
	}
	f.opts.Logger = log
	srv, err := reactor.New(f.opts)
	if err != nil {
		log.Error().Err(err).Msg("creating server")
		return 1
	}
	log.Info().Str("version", reactor.Version).Int("pid", os.Getpid()).Msg("Starting reactor")
	if err := srv.Start(); err != nil {
		log.Error().Err(err).Msg("starting server")
		return 1
	}
	if f.httpPort != 0 {
		mon := monitor.New(srv, monitor.Options{Host: f.httpHost, Port: f.httpPort}, log)
		if err := mon.Start(); err != nil {
			log.Error().Err(err).Msg("starting monitoring")
			srv.Shutdown()
			return 1
		}
		defer mon.Close()
	}
	in := &instance{args: args, flags: f, srv: srv, logs: logs, pid: &pid}
	return in.serveSignals(sigs)
}

// raiseOpenFilesLimit lifts the soft RLIMIT_NOFILE to the hard limit: each connection is a descriptor.
func raiseOpenFilesLimit() error {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	if lim.Cur >= lim.Max {
		return nil
	}
	lim.Cur = lim.Max
	return unix.Setrlimit(unix.RLIMIT_NOFILE, &lim)
}
