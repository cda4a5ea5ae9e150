package main

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/reactor-nats/reactor/reactor"
)

// The daemon answers nats-server's signals (--signal sends them; sendsignal.go):
//
//	SIGINT, SIGTERM  stop gracefully; exit 0
//	SIGHUP           reload the configuration file (reload.go)
//	SIGUSR1          reopen the log file, for logrotate
//	SIGUSR2          lame duck mode: stop accepting, let clients move away, stop; exit 0
//
// SIGKILL (--signal stop) needs no answer, and SIGQUIT keeps Go's default, as in nats-server.

// instance is the running daemon: what a signal acts on.
type instance struct {
	args  []string // the command line, read again on reload
	flags *flags   // the configuration in force
	srv   *reactor.Server
	logs  *daemonLog
	pid   *pidFile
}

func trapSignals() chan os.Signal {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGUSR1, syscall.SIGUSR2)
	return sigs
}

// serveSignals acts on signals until the server stops, and returns the exit code.
func (in *instance) serveSignals(sigs chan os.Signal) int {
	defer signal.Stop(sigs)
	log := in.logs.Logger
	var lameDuckDone chan struct{} // made when lame duck mode begins; closed when it has stopped the server
	for {
		select {
		case sig := <-sigs:
			log.Info().Msgf("Trapped %q signal", sig.String())
			switch sig {
			case syscall.SIGINT, syscall.SIGTERM:
				in.srv.Shutdown()
				return 0
			case syscall.SIGHUP:
				in.reload()
			case syscall.SIGUSR1:
				in.reopenLog()
			case syscall.SIGUSR2:
				if lameDuckDone == nil {
					lameDuckDone = make(chan struct{})
					go func() {
						in.srv.LameDuck()
						close(lameDuckDone)
					}()
				}
			}
		case <-lameDuckDone:
			return 0
		case <-in.srv.Done():
			if lameDuckDone != nil {
				<-lameDuckDone // LameDuck returns once the server has logged its exit
				return 0
			}
			log.Error().Err(in.srv.Err()).Msg("server stopped")
			return 1
		}
	}
}

// reopenLog opens the log file's path again, after logrotate has moved the file away.
func (in *instance) reopenLog() {
	log := in.logs.Logger
	switch err := in.logs.out.Reopen(); err {
	case nil:
		log.Info().Msg("File log re-opened")
	case errNotLogFile:
		log.Info().Msg("File log re-open ignored, not a file logger")
	default:
		log.Error().Err(err).Msg("File log re-open failed")
	}
}
