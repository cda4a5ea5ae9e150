package main

import (
	"net"
	"net/http"
	"net/http/pprof"
	"strconv"

	"github.com/rs/zerolog"
)

// serveProfile serves pprof on 127.0.0.1:port (--profile, as nats-server's), on its own goroutine, never on
// an event loop.
func serveProfile(port int, log zerolog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	log.Info().Str("addr", addr).Msg("profiling on /debug/pprof")
	if err := http.ListenAndServe(addr, mux); err != nil {
		log.Error().Err(err).Msg("profiling port")
	}
}
