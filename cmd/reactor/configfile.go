package main

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/reactor-nats/reactor/auth"
	"github.com/reactor-nats/reactor/config"
)

// A configuration file (-c) sets what the command line does not: a flag given on the command line wins over
// the file, as in nats-server. Keys are matched case-insensitively, as nats-server does. A key reactor does
// not know is an error ("unknown field"), and a key or block nats-server knows but reactor does not
// implement yet is refused rather than silently ignored, so that a config never means less than it says.

// configKey applies one key of the file. overriddenBy lists the flags that take precedence over it.
type configKey struct {
	overriddenBy []string
	apply        func(f *flags, v *config.Value, set map[string]bool) error
}

var configKeys = map[string]configKey{
	"listen":                 {nil, applyListen},
	"tls":                    {nil, applyTLS},
	"websocket":              {nil, applyWebSocket},
	"cluster":                {nil, applyCluster},
	"jetstream":              {nil, applyJetStream},
	"store_dir":              {[]string{"sd", "store_dir"}, stringKey(func(f *flags) *string { return &f.js.storeDir })},
	"storedir":               {[]string{"sd", "store_dir"}, stringKey(func(f *flags) *string { return &f.js.storeDir })},
	"allow_non_tls":          {nil, boolKey(func(f *flags) *bool { return &f.allowNonTLS })},
	"host":                   {[]string{"a", "addr", "net"}, stringKey(func(f *flags) *string { return &f.opts.Host })},
	"net":                    {[]string{"a", "addr", "net"}, stringKey(func(f *flags) *string { return &f.opts.Host })},
	"port":                   {[]string{"p", "port"}, intKey(func(f *flags) *int { return &f.opts.Port })},
	"server_name":            {[]string{"n", "name", "server_name"}, stringKey(func(f *flags) *string { return &f.opts.ServerName })},
	"client_advertise":       {[]string{"client_advertise"}, stringKey(func(f *flags) *string { return &f.opts.ClientAdvertise })},
	"max_payload":            {nil, sizeKey(func(f *flags) *int { return &f.opts.MaxPayload })},
	"max_pending":            {nil, sizeKey(func(f *flags) *int { return &f.opts.MaxPending })},
	"max_control_line":       {nil, sizeKey(func(f *flags) *int { return &f.opts.MaxControlLine })},
	"max_connections":        {nil, intKey(func(f *flags) *int { return &f.opts.MaxConnections })},
	"max_conn":               {nil, intKey(func(f *flags) *int { return &f.opts.MaxConnections })},
	"max_subscriptions":      {nil, intKey(func(f *flags) *int { return &f.opts.MaxSubscriptions })},
	"max_subs":               {nil, intKey(func(f *flags) *int { return &f.opts.MaxSubscriptions })},
	"max_closed_clients":     {nil, intKey(func(f *flags) *int { return &f.opts.MaxClosedClients })},
	"ping_max":               {nil, intKey(func(f *flags) *int { return &f.opts.MaxPingsOut })},
	"ping_interval":          {nil, applyPingInterval},
	"write_deadline":         {nil, durationKey(func(f *flags) *time.Duration { return &f.opts.WriteDeadline })},
	"lame_duck_duration":     {nil, applyLameDuckDuration},
	"lame_duck_grace_period": {nil, applyLameDuckGracePeriod},
	"no_header_support":      {nil, boolKey(func(f *flags) *bool { return &f.opts.NoHeaderSupport })},
	"debug":                  {[]string{"D", "debug", "DV"}, boolKey(func(f *flags) *bool { return &f.debug })},
	"trace":                  {[]string{"V", "trace", "DV"}, boolKey(func(f *flags) *bool { return &f.trace })},
	"logtime":                {[]string{"T", "logtime"}, boolKey(func(f *flags) *bool { return &f.logTime })},
	"log_file":               {[]string{"l", "log"}, stringKey(func(f *flags) *string { return &f.logFile })},
	"logfile":                {[]string{"l", "log"}, stringKey(func(f *flags) *string { return &f.logFile })},
	"log_size_limit":         {[]string{"log_size_limit"}, int64Key(func(f *flags) *int64 { return &f.logSizeLimit })},
	"logfile_size_limit":     {[]string{"log_size_limit"}, int64Key(func(f *flags) *int64 { return &f.logSizeLimit })},
	"log_max_num":            {nil, intKey(func(f *flags) *int { return &f.logMaxFiles })},
	"logfile_max_num":        {nil, intKey(func(f *flags) *int { return &f.logMaxFiles })},
	"pid_file":               {[]string{"P", "pid"}, stringKey(func(f *flags) *string { return &f.pidFile })},
	"pidfile":                {[]string{"P", "pid"}, stringKey(func(f *flags) *string { return &f.pidFile })},
	"prof_port":              {[]string{"profile"}, intKey(func(f *flags) *int { return &f.profilePort })},
	"http":                   {nil, applyHTTP},
	"http_port":              {[]string{"m", "http_port"}, intKey(func(f *flags) *int { return &f.httpPort })},
	"monitor_port":           {[]string{"m", "http_port"}, intKey(func(f *flags) *int { return &f.httpPort })},
}

// notSupportedYet are nats-server keys whose features reactor does not have yet. nats-server v2.15.2 accepts
// each of them (checked with -t).
var notSupportedYet = map[string]bool{
	// auth and accounts
	"no_sys_acc": true, "no_system_account": true, "mappings": true,
	// other connection kinds and their security
	"gateway": true, "leafnodes": true, "leaf": true, "mqtt": true,
	"ocsp": true, "ocsp_cache": true, "proxies": true,
	// JetStream
	"default_js_domain": true,
	// monitoring over TLS, logging and tracing extras
	"https": true, "https_port": true, "http_base_path": true, "syslog": true, "remote_syslog": true,
	"logtime_utc": true, "max_traced_msg_len": true, "trace_verbose": true, "ports_file_dir": true,
	"connect_error_reports": true, "reconnect_error_reports": true,
	// server identity and tuning
	"server_tags": true, "server_metadata": true, "disable_sublist_cache": true, "no_fast_producer_stall": true,
	"write_timeout": true,
}

// authKeys are read by the auth package, from the whole file at once (users refer to accounts, accounts
// to each other).
var authKeys = map[string]bool{
	"authorization": true, "accounts": true, "no_auth_user": true, "system_account": true, "system": true,
	"operator": true, "operators": true, "roots": true, "root": true, "root_operators": true,
	"root_operator": true, "trusted": true, "trusted_keys": true, "resolver": true, "account_resolver": true,
	"accounts_resolver": true, "resolver_preload": true, "resolver_tls": true,
	"resolver_pinned_accounts": true, "default_sentinel": true,
}

// loadConfigFile applies the file at path to f, under the flags the command line set.
func loadConfigFile(path string, f *flags, set map[string]bool) error {
	m, err := config.ParseFile(path)
	if err != nil {
		return err
	}
	if data, err := os.ReadFile(path); err == nil {
		f.opts.ConfigDigest = fmt.Sprintf("sha256:%x", sha256.Sum256(data))
	}
	if err := loadAuth(path, m, f); err != nil {
		return err
	}
	for _, key := range m.Keys {
		v := m.Values[key]
		name := strings.ToLower(key)
		k, ok := configKeys[name]
		switch {
		case authKeys[name]:
			continue
		case notSupportedYet[name]:
			return &config.Error{Pos: m.KeyPos[key], Msg: fmt.Sprintf("%q is not supported yet", key)}
		case !ok:
			return &config.Error{Pos: m.KeyPos[key], Msg: fmt.Sprintf("unknown field %q", key)}
		case anySet(set, k.overriddenBy):
			continue
		}
		if err := k.apply(f, v, set); err != nil {
			var positioned *config.Error
			if errors.As(err, &positioned) && positioned.Pos != v.Pos {
				return err // a key or value inside a block, already placed
			}
			return &config.Error{Pos: v.Pos, Msg: fmt.Sprintf("%s: %v", key, err)}
		}
	}
	return nil
}

// loadAuth builds the authenticator and the configured accounts when the file has auth keys. Building it
// here, not at start, makes -t check credentials, keys and operator JWTs as well as syntax.
func loadAuth(path string, m *config.Map, f *flags) error {
	cfg, err := auth.FromConfig(m)
	if err != nil {
		return err
	}
	a, err := auth.New(cfg)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if a.Required() || len(cfg.Accounts) > 0 {
		f.opts.Auth, f.opts.Accounts = a, cfg.Accounts
	}
	f.authDigest = authDigest(m)
	return nil
}

func anySet(set map[string]bool, names []string) bool {
	for _, n := range names {
		if set[n] {
			return true
		}
	}
	return false
}

// applyListen takes "host:port", ":port" or a bare port; each half yields to its own flags.
func applyListen(f *flags, v *config.Value, set map[string]bool) error {
	return applyHostPort(v, &f.opts.Host, &f.opts.Port, anySet(set, []string{"a", "addr", "net"}),
		anySet(set, []string{"p", "port"}))
}

// applyHTTP is the monitoring listen address, spelled as listen is; -m overrides its port. nats-server has no
// flag for the monitoring host.
func applyHTTP(f *flags, v *config.Value, set map[string]bool) error {
	return applyHostPort(v, &f.httpHost, &f.httpPort, false, anySet(set, []string{"m", "http_port"}))
}

// applyHostPort sets *host and *port from "host:port", ":port" or a bare port, except the halves whose flags
// were given.
func applyHostPort(v *config.Value, host *string, port *int, keepHost, keepPort bool) error {
	var h, p string
	switch v.Kind {
	case config.KindInt:
		p = strconv.FormatInt(v.Int, 10)
	case config.KindString:
		var err error
		if h, p, err = net.SplitHostPort(v.Str); err != nil {
			return fmt.Errorf("want host:port, got %q", v.Str)
		}
	default:
		return fmt.Errorf("want host:port")
	}
	if h != "" && !keepHost {
		*host = h
	}
	if !keepPort {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 65535 {
			return fmt.Errorf("bad port %q", p)
		}
		*port = n
	}
	return nil
}

func applyPingInterval(f *flags, v *config.Value, _ map[string]bool) error {
	d, err := config.Duration(v)
	if err != nil {
		return err
	}
	if d <= 0 {
		return fmt.Errorf("must be positive")
	}
	f.opts.PingInterval = d
	return nil
}

// applyLameDuckDuration refuses what nats-server refuses: less than 30 seconds.
func applyLameDuckDuration(f *flags, v *config.Value, _ map[string]bool) error {
	d, err := durationString(v)
	if err != nil {
		return err
	}
	if d < minLameDuckDuration {
		return fmt.Errorf("invalid lame_duck_duration of %v, minimum is 30 seconds", d)
	}
	f.opts.LameDuckDuration = d
	return nil
}

// applyLameDuckGracePeriod takes 0 as nats-server does, meaning the default grace period.
func applyLameDuckGracePeriod(f *flags, v *config.Value, _ map[string]bool) error {
	d, err := durationString(v)
	if err != nil {
		return err
	}
	if d < 0 {
		return fmt.Errorf("invalid lame_duck_grace_period, needs to be positive")
	}
	f.opts.LameDuckGracePeriod = d
	return nil
}

// minLameDuckDuration is nats-server's floor for lame_duck_duration.
const minLameDuckDuration = 30 * time.Second

// durationString reads a quoted Go duration. Unlike ping_interval, nats-server takes no bare seconds for
// write_deadline and the lame duck keys.
func durationString(v *config.Value) (time.Duration, error) {
	if v.Kind != config.KindString {
		return 0, fmt.Errorf("want a duration string such as \"10s\"")
	}
	return config.Duration(v)
}

// setKey makes a key that converts its value with conv and stores it in the field of flags it names.
func setKey[T any](field func(*flags) *T, conv func(*config.Value) (T, error)) func(*flags, *config.Value, map[string]bool) error {
	return func(f *flags, v *config.Value, _ map[string]bool) error {
		x, err := conv(v)
		if err == nil {
			*field(f) = x
		}
		return err
	}
}

func stringKey(field func(*flags) *string) func(*flags, *config.Value, map[string]bool) error {
	return setKey(field, func(v *config.Value) (string, error) {
		switch v.Kind {
		case config.KindString:
			return v.Str, nil
		case config.KindInt:
			return strconv.FormatInt(v.Int, 10), nil
		}
		return "", fmt.Errorf("want a string")
	})
}

func intKey(field func(*flags) *int) func(*flags, *config.Value, map[string]bool) error {
	return setKey(field, func(v *config.Value) (int, error) {
		if v.Kind != config.KindInt {
			return 0, fmt.Errorf("want an integer")
		}
		return int(v.Int), nil
	})
}

func durationKey(field func(*flags) *time.Duration) func(*flags, *config.Value, map[string]bool) error {
	return setKey(field, durationString)
}

// int64Key takes a size with nats-server's units, unquoted (nats-server refuses a string); 0 or less means
// no limit.
func int64Key(field func(*flags) *int64) func(*flags, *config.Value, map[string]bool) error {
	return setKey(field, func(v *config.Value) (int64, error) {
		if v.Kind != config.KindInt {
			return 0, fmt.Errorf("want a size such as 10MB")
		}
		return v.Int, nil
	})
}

func sizeKey(field func(*flags) *int) func(*flags, *config.Value, map[string]bool) error {
	return setKey(field, func(v *config.Value) (int, error) {
		n, err := config.Size(v)
		if err == nil && n <= 0 {
			err = fmt.Errorf("must be positive")
		}
		return int(n), err
	})
}

func boolKey(field func(*flags) *bool) func(*flags, *config.Value, map[string]bool) error {
	return setKey(field, func(v *config.Value) (bool, error) {
		if v.Kind != config.KindBool {
			return false, fmt.Errorf("want true or false")
		}
		return v.Bool, nil
	})
}
