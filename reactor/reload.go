package reactor

import (
	"fmt"
	"time"
)

// Reload puts opts in force on the running server, as nats-server does on SIGHUP. Limits apply at once to
// every loop (max_pending, max_subscriptions, ping, write deadline, trace) and to connections accepted from
// now on (max_payload and max_control_line, which a client learns from INFO at connect). Options that would
// need the listener or the identity changed are refused, and a refused reload changes nothing.
func (s *Server) Reload(opts Options) error {
	opts = opts.withDefaults()
	s.optsMu.Lock()
	defer s.optsMu.Unlock()
	old := s.cur
	if opts.ServerName == "" {
		opts.ServerName = old.ServerName
	}
	for _, f := range []struct {
		name     string
		old, new any
	}{
		{"host", old.Host, opts.Host},
		{"port", old.Port, opts.Port},
		{"server_name", old.ServerName, opts.ServerName},
		{"no_header_support", old.NoHeaderSupport, opts.NoHeaderSupport},
		{"event loops", old.EventLoops, opts.EventLoops},
	} {
		if f.old != f.new {
			return fmt.Errorf("config reload not supported for %s: old=%v, new=%v", f.name, f.old, f.new)
		}
	}
	opts.Logger = old.Logger // the logger is the caller's to reconfigure
	lim := newLimits(&opts)
	cur := s.lim()
	if cur.info != nil {
		lim.info = s.newInfo(opts.MaxPayload, lim.auth, s.lameDuck.Load())
	}
	s.warnConnCap(lim, opts.MaxConnections)
	s.cur = opts
	s.loaded = time.Now()
	s.limits.Store(lim)
	s.log.Info().Msg("Reloaded server configuration")
	return nil
}

// Options returns the options in force, defaults filled in.
func (s *Server) Options() Options {
	s.optsMu.Lock()
	defer s.optsMu.Unlock()
	return s.cur
}

// ConfigLoadTime is when the options in force were set: at New, or by the last successful Reload.
func (s *Server) ConfigLoadTime() time.Time {
	s.optsMu.Lock()
	defer s.optsMu.Unlock()
	return s.loaded
}

// StartTime is when the server was made.
func (s *Server) StartTime() time.Time { return s.start }

// warnConnCap says so when the open-files limit admits fewer connections than max_connections asks.
func (s *Server) warnConnCap(lim *limits, want int) {
	if lim.connCap < want {
		s.log.Warn().Int("max_connections", want).Int("admitted", lim.connCap).
			Msg("max_connections lowered to fit the open-files limit")
	}
}
