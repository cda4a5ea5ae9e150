package reactor

import (
	"fmt"
	"time"
)

// Reload puts opts in force on the running server, as nats-server does on SIGHUP. Limits apply at once to
// every loop (max_pending, max_subscriptions, ping, write deadline, trace) and to connections accepted from
// now on (max_payload and max_control_line, which a client learns from INFO at connect). Options that would
// need the listener or the identity changed are refused, and a refused reload changes nothing.
//
// A new authenticator applies to new connections at once; accounts the new configuration adds are made;
// and every admitted client is checked again against it (recheck.go). Accounts that already exist keep
// their imports, exports and limits.
func (s *Server) Reload(opts Options) error {
	authChanged, err := s.reload(opts)
	if err != nil {
		return err
	}
	if authChanged {
		s.recheckClients(opts.Auth)
	}
	s.log.Info().Msg("Reloaded server configuration")
	return nil
}

func (s *Server) reload(opts Options) (authChanged bool, err error) {
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
		{"Host", old.Host, opts.Host},
		{"Port", old.Port, opts.Port},
		{"ServerName", old.ServerName, opts.ServerName},
		{"NoHeaderSupport", old.NoHeaderSupport, opts.NoHeaderSupport},
		{"EventLoops", old.EventLoops, opts.EventLoops},
		{"SystemAccount", systemAccountOf(old.Auth), systemAccountOf(opts.Auth)},
	} {
		if f.old != f.new {
			return false, fmt.Errorf("config reload not supported for %s: old=%v, new=%v", f.name, f.old, f.new)
		}
	}
	for _, spec := range opts.Accounts {
		if s.accounts.get(spec.Name) == nil {
			a := s.accounts.add(accountFromSpec(spec))
			if err := s.installImports(a, spec); err != nil {
				return false, err
			}
		}
	}
	opts.Logger = old.Logger // the logger is the caller's to reconfigure
	lim := newLimits(&opts)
	cur := s.lim()
	if cur.info != nil {
		lim.info = s.newInfo(opts.MaxPayload, lim.auth, s.lameDuck.Load())
	}
	if opts.MaxConnections != old.MaxConnections {
		s.warnConnCap(lim, opts.MaxConnections)
	}
	s.cur = opts
	s.loaded = time.Now()
	s.limits.Store(lim)
	return opts.Auth != old.Auth, nil
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

// WebSocketPort is the websocket listener's bound port; 0 without one.
func (s *Server) WebSocketPort() int { return s.wsPort }

// StartTime is when the server was made.
func (s *Server) StartTime() time.Time { return s.start }

// warnConnCap says so when the open-files limit admits fewer connections than max_connections asks.
func (s *Server) warnConnCap(lim *limits, want int) {
	if lim.connCap < want {
		s.log.Warn().Int("max_connections", want).Int("admitted", lim.connCap).
			Msg("max_connections lowered to fit the open-files limit")
	}
}
