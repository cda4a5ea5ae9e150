package main

import (
	"fmt"
	"net"
	"strconv"
	"strings"

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
	"listen":            {nil, applyListen},
	"host":              {[]string{"a", "addr", "net"}, stringKey(func(f *flags) *string { return &f.opts.Host })},
	"net":               {[]string{"a", "addr", "net"}, stringKey(func(f *flags) *string { return &f.opts.Host })},
	"port":              {[]string{"p", "port"}, intKey(func(f *flags) *int { return &f.opts.Port })},
	"server_name":       {[]string{"n", "name", "server_name"}, stringKey(func(f *flags) *string { return &f.opts.ServerName })},
	"max_payload":       {nil, sizeKey(func(f *flags) *int { return &f.opts.MaxPayload })},
	"max_pending":       {nil, sizeKey(func(f *flags) *int { return &f.opts.MaxPending })},
	"max_control_line":  {nil, sizeKey(func(f *flags) *int { return &f.opts.MaxControlLine })},
	"max_connections":   {nil, intKey(func(f *flags) *int { return &f.opts.MaxConnections })},
	"max_subscriptions": {nil, intKey(func(f *flags) *int { return &f.opts.MaxSubscriptions })},
	"ping_max":          {nil, intKey(func(f *flags) *int { return &f.opts.MaxPingsOut })},
	"ping_interval":     {nil, applyPingInterval},
	"no_header_support": {nil, boolKey(func(f *flags) *bool { return &f.opts.NoHeaderSupport })},
	"debug":             {[]string{"D", "debug", "DV"}, boolKey(func(f *flags) *bool { return &f.debug })},
	"trace":             {[]string{"V", "trace", "DV"}, boolKey(func(f *flags) *bool { return &f.trace })},
	"logtime":           {nil, boolKey(func(f *flags) *bool { return &f.logTime })},
	"log_file":          {[]string{"l", "log"}, stringKey(func(f *flags) *string { return &f.logFile })},
	"pid_file":          {[]string{"P", "pid"}, stringKey(func(f *flags) *string { return &f.pidFile })},
	"prof_port":         {[]string{"profile"}, intKey(func(f *flags) *int { return &f.profilePort })},
}

// notSupportedYet are nats-server keys whose features reactor does not have yet.
var notSupportedYet = map[string]bool{
	"authorization": true, "accounts": true, "no_auth_user": true, "system_account": true, "operator": true,
	"operators": true, "resolver": true, "resolver_preload": true, "cluster": true, "gateway": true,
	"leafnodes": true, "jetstream": true, "tls": true, "websocket": true, "mqtt": true, "http": true,
	"http_port": true, "https": true, "https_port": true, "monitor_port": true, "lame_duck_duration": true,
	"lame_duck_grace_period": true, "log_size_limit": true, "write_deadline": true, "client_advertise": true,
	"syslog": true, "remote_syslog": true, "trusted": true, "trusted_keys": true, "server_tags": true,
}

// loadConfigFile applies the file at path to f, under the flags the command line set.
func loadConfigFile(path string, f *flags, set map[string]bool) error {
	m, err := config.ParseFile(path)
	if err != nil {
		return err
	}
	for _, key := range m.Keys {
		v := m.Values[key]
		name := strings.ToLower(key)
		k, ok := configKeys[name]
		switch {
		case notSupportedYet[name]:
			return &config.Error{Pos: m.KeyPos[key], Msg: fmt.Sprintf("%q is not supported yet", key)}
		case !ok:
			return &config.Error{Pos: m.KeyPos[key], Msg: fmt.Sprintf("unknown field %q", key)}
		case anySet(set, k.overriddenBy):
			continue
		}
		if err := k.apply(f, v, set); err != nil {
			return &config.Error{Pos: v.Pos, Msg: fmt.Sprintf("%s: %v", key, err)}
		}
	}
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
	var host, port string
	switch v.Kind {
	case config.KindInt:
		port = strconv.FormatInt(v.Int, 10)
	case config.KindString:
		var err error
		if host, port, err = net.SplitHostPort(v.Str); err != nil {
			return fmt.Errorf("want host:port, got %q", v.Str)
		}
	default:
		return fmt.Errorf("want host:port")
	}
	if host != "" && !anySet(set, []string{"a", "addr", "net"}) {
		f.opts.Host = host
	}
	if !anySet(set, []string{"p", "port"}) {
		p, err := strconv.Atoi(port)
		if err != nil || p < 0 || p > 65535 {
			return fmt.Errorf("bad port %q", port)
		}
		f.opts.Port = p
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
