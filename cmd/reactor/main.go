// Command reactor is the daemon: flags, logging, signals and the open-files limit around a reactor.Server.
// It holds no server logic.
package main

import (
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/sys/unix"

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

	log, closeLog, err := newLogger(f, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "reactor: %v\n", err)
		return 1
	}
	defer closeLog()

	if err := raiseOpenFilesLimit(); err != nil {
		log.Warn().Err(err).Msg("could not raise the open-files limit")
	}
	if f.pidFile != "" {
		if err := os.WriteFile(f.pidFile, []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
			log.Error().Err(err).Msg("writing pid file")
			return 1
		}
		defer os.Remove(f.pidFile)
	}

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

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	select {
	case sig := <-sigs:
		log.Info().Str("signal", sig.String()).Msg("Trapped signal; shutting down")
		srv.Shutdown()
		return 0
	case <-srv.Done():
		log.Error().Err(srv.Err()).Msg("server stopped")
		return 1
	}
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

// newLogger makes the zerolog logger: readable console lines (coloured on a terminal) by default, JSON lines
// with --log_json; to stderr, or to the file given with -l.
func newLogger(f *flags, stderr io.Writer) (zerolog.Logger, func(), error) {
	level := zerolog.InfoLevel
	if f.debug {
		level = zerolog.DebugLevel
	}
	if f.trace {
		level = zerolog.TraceLevel
	}
	out, closeOut := stderr, func() {}
	if f.logFile != "" {
		file, err := os.OpenFile(f.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return zerolog.Logger{}, nil, fmt.Errorf("log file: %w", err)
		}
		out, closeOut = file, func() { _ = file.Close() }
	}
	zerolog.TimeFieldFormat = time.RFC3339Nano // zerolog's default keeps only whole seconds
	if !f.logJSON {
		out = zerolog.ConsoleWriter{Out: out, NoColor: !isTerminal(out), TimeFormat: "2006/01/02 15:04:05.000000"}
	}
	ctx := zerolog.New(out).Level(level).With()
	if f.logTime {
		ctx = ctx.Timestamp()
	}
	return ctx.Logger(), closeOut, nil
}

func isTerminal(w io.Writer) bool {
	file, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := file.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
