package main

import (
	"errors"
	"fmt"

	"github.com/reactor-nats/reactor/reactor"
)

// On SIGHUP the daemon reads its command line and configuration file again, so flags still win over the
// file, and puts the result in force: the server's limits through reactor.Server.Reload, and its own
// logging and pid file. A file that does not parse, or that changes something that cannot change while
// running, is refused whole, logged with the reason, and the configuration in force stays as it was.

// reload is the SIGHUP handler.
func (in *instance) reload() {
	if err := in.tryReload(); err != nil {
		in.logs.Logger.Error().Msgf("Failed to reload server configuration: %v", err)
	}
}

func (in *instance) tryReload() error {
	if in.flags.configFile == "" {
		return errors.New("can only reload config when a file is provided using -c or --config")
	}
	next, err := rereadConfiguration(in.args)
	if err != nil {
		return err
	}
	before := in.srv.Options()
	if err := refuseFixedSettings(in.flags, next, before); err != nil {
		return err
	}
	next.opts.Logger = in.logs.Logger // not used by Reload, which keeps the server's logger
	// The cluster is as it was (refuseFixedSettings made sure): keep the options the engine runs with.
	next.opts.Cluster = before.Cluster
	next.opts.JetStream = before.JetStream // likewise JetStream (refuseJetStreamChange)
	if next.authDigest == in.flags.authDigest {
		// Authentication is as it was: keep the authenticator, so no connected client is re-checked.
		next.opts.Auth, next.opts.Accounts = before.Auth, before.Accounts
	}
	if err := in.srv.Reload(next.opts); err != nil {
		return err
	}
	in.logChanges(in.flags, next, before, in.srv.Options())

	log := in.logs.Logger
	if err := in.logs.apply(next); err != nil {
		log.Error().Err(err).Msg("Keeping the previous log destination")
		next.logFile = in.flags.logFile // so that the next reload tries again
	}
	if err := in.pid.moveTo(next.pidFile); err != nil {
		log.Error().Err(err).Msg("Keeping the previous pid file")
		next.pidFile = in.pid.path
	}
	in.flags = next
	return nil
}

// refuseFixedSettings refuses what nats-server cannot change on reload either, among the settings the daemon
// owns or reactor.Server.Reload takes without complaint. Names and wording are nats-server's, so that the
// same file fails with the same message. The cluster cannot change at all yet (refuseClusterChange).
func refuseFixedSettings(old, next *flags, inForce reactor.Options) error {
	err := refuseChanged([]fixedSetting{
		{"ProfPort", old.profilePort, next.profilePort},
		{"HTTPHost", old.httpHost, next.httpHost},
		{"HTTPPort", old.httpPort, next.httpPort},
		{"LogSizeLimit", old.logSizeLimit, next.logSizeLimit},
		{"LogMaxFiles", old.logMaxFiles, next.logMaxFiles},
		{"LameDuckDuration", inForce.LameDuckDuration, orDefault(next.opts.LameDuckDuration, reactor.DefaultLameDuckDur)},
		{"LameDuckGracePeriod", inForce.LameDuckGracePeriod, orDefault(next.opts.LameDuckGracePeriod, reactor.DefaultLameDuckGrace)},
		{"MaxClosedClients", inForce.MaxClosedClients, orDefault(next.opts.MaxClosedClients, reactor.DefaultMaxClosed)},
	})
	if err != nil {
		return err
	}
	if err := refuseJetStreamChange(old, next); err != nil {
		return err
	}
	return refuseClusterChange(old.opts.Cluster, next.opts.Cluster)
}

// fixedSetting is a setting a reload must not change, under the name nats-server's refusal gives it. Its
// values must be comparable.
type fixedSetting struct {
	name     string
	old, new any
}

// refuseChanged refuses the first setting whose value changed, in nats-server's words.
func refuseChanged(settings []fixedSetting) error {
	for _, s := range settings {
		if s.old != s.new {
			return fmt.Errorf("config reload not supported for %s: old=%v, new=%v", s.name, s.old, s.new)
		}
	}
	return nil
}

// orDefault is reactor.Options' rule for the fields above: zero or less means the default.
func orDefault[T int | ~int64](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// logChanges logs one line per setting the reload changed, as nats-server does ("Reloaded: max_payload =
// 2000"), with the values in force, defaults included.
func (in *instance) logChanges(old, next *flags, before, after reactor.Options) {
	for _, s := range []struct {
		name     string
		old, new any
	}{
		{"debug", old.debug, next.debug},
		{"trace", old.trace, next.trace},
		{"logtime", old.logTime, next.logTime},
		{"log_file", old.logFile, next.logFile},
		{"pid_file", old.pidFile, next.pidFile},
		{"client_advertise", before.ClientAdvertise, after.ClientAdvertise},
		{"max_payload", before.MaxPayload, after.MaxPayload},
		{"max_pending", before.MaxPending, after.MaxPending},
		{"max_control_line", before.MaxControlLine, after.MaxControlLine},
		{"max_connections", before.MaxConnections, after.MaxConnections},
		{"max_subscriptions", before.MaxSubscriptions, after.MaxSubscriptions},
		{"ping_interval", before.PingInterval, after.PingInterval},
		{"ping_max", before.MaxPingsOut, after.MaxPingsOut},
		{"write_deadline", before.WriteDeadline, after.WriteDeadline},
	} {
		if s.old != s.new {
			in.logs.Logger.Info().Msgf("Reloaded: %s = %v", s.name, s.new)
		}
	}
}
