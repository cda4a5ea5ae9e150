package reactor

import (
	"fmt"

	"github.com/reactor-nats/reactor/auth"
	"github.com/reactor-nats/reactor/stream"
)

// JetStream (package stream) runs inside the server when Options.JetStream is set. The server starts it
// before it accepts clients, gives it a Host (jshost.go), and enables it in the accounts nats-server would:
//
//   - with no accounts configured, the global account, which every client then uses;
//   - otherwise each configured account whose spec has a jetstream block (auth.AccountSpec.JetStream), with
//     its limits; an account without one answers the API with "JetStream not enabled for account". The
//     system account never has JetStream.
//
// Shutdown stops JetStream before the loops: stream writers drain what they hold into their stores (the
// acks they send then may find no loop to leave from, and are dropped), and the stores sync and close.

// JetStreamOptions are the server's jetstream block, -js and -sd: stream.Options without the logger, which
// is the server's.
type JetStreamOptions = stream.Options

// JetStream returns the server's JetStream, or nil when it is off. For monitoring.
func (s *Server) JetStream() *stream.Manager { return s.js }

// jsAPIWorkers run JetStream API handlers: two, so that one slow request (a stream deleting its files)
// does not hold up every other.
const jsAPIWorkers = 2

// startJetStream makes the JetStream manager and enables the accounts; a no-op when JetStream is off.
func (s *Server) startJetStream() error {
	if s.opts.JetStream == nil {
		return nil
	}
	opts := *s.opts.JetStream
	opts.Logger = s.log
	opts.ServerName = s.opts.ServerName
	s.jsAPI.start(jsAPIWorkers)
	m, err := stream.NewManager(opts, jsHost{s})
	if err != nil {
		s.jsAPI.stop()
		return fmt.Errorf("jetstream: %w", err)
	}
	s.js = m
	enabled := map[string]bool{}
	for _, a := range s.jetStreamAccounts() {
		if err := m.EnableAccount(a.name, a.limits); err != nil {
			s.stopJetStream()
			return fmt.Errorf("jetstream: account %s: %w", a.name, err)
		}
		enabled[a.name] = true
	}
	// The other accounts (not the system account) are told JetStream is not enabled for them.
	for _, a := range s.accounts.all() {
		if !enabled[a.name] && a.name != s.sysName {
			if err := m.ServeDisabled(a.name); err != nil {
				s.stopJetStream()
				return fmt.Errorf("jetstream: account %s: %w", a.name, err)
			}
		}
	}
	return nil
}

type jsAccountLimits struct {
	name   string
	limits stream.AccountLimits
}

// jetStreamAccounts lists the accounts JetStream is enabled in at start, as nats-server chooses them.
func (s *Server) jetStreamAccounts() []jsAccountLimits {
	if len(s.opts.Accounts) == 0 && (s.opts.Auth == nil || !s.opts.Auth.OperatorMode()) {
		return []jsAccountLimits{{globalAccountName, stream.Unlimited}}
	}
	var out []jsAccountLimits
	for _, spec := range s.opts.Accounts {
		if spec.JetStream != nil && spec.Name != s.sysName {
			out = append(out, jsAccountLimits{spec.Name, accountJetStreamLimits(spec.JetStream)})
		}
	}
	return out
}

// accountJetStreamLimits converts an account spec's jetstream limits (-1: unlimited) for stream.
func accountJetStreamLimits(l *auth.JetStreamLimits) stream.AccountLimits {
	return stream.AccountLimits{
		MaxMemory:            l.MaxMemory,
		MaxStore:             l.MaxStore,
		MaxStreams:           int(l.MaxStreams),
		MaxConsumers:         int(l.MaxConsumers),
		MaxAckPending:        int(l.MaxAckPending),
		MemoryMaxStreamBytes: l.MemoryMaxStreamBytes,
		StoreMaxStreamBytes:  l.StoreMaxStreamBytes,
		MaxBytesRequired:     l.MaxBytesRequired,
	}
}

// stopJetStream stops the API handlers and then every stream. Safe to call more than once.
func (s *Server) stopJetStream() {
	s.jsStop.Do(func() {
		if s.js == nil {
			return
		}
		s.jsAPI.stop()
		s.js.Shutdown()
	})
}
