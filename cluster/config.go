package cluster

import (
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/reactor-nats/reactor/config"
)

// FromConfig reads nats-server's cluster { ... } block. Every error is a *config.Error positioned as
// nats-server positions it: at the key for a bad value, at the array element for a bad route URL.
//
// Stance (ROUTES.md: one route per peer, no pooling, no pinned accounts, no compression): keys that
// only tune what reactor does (ping_interval, ping_max, connect_retries, auth timeout) are read;
// keys that would change the wire to something reactor cannot speak are refused with "not supported
// yet" unless their value asks for what reactor does anyway (pool_size -1/0, compression off,
// accounts []). What nats-server refuses is refused with nats-server's text where it has a useful one.
func FromConfig(v *config.Value) (*Options, error) {
	if v.Kind != config.KindMap {
		return nil, &config.Error{Pos: v.Pos, Msg: fmt.Sprintf("Expected map to define cluster, got %s", v.Kind)}
	}
	o := &Options{Compression: CompressionOff}
	for _, key := range v.Map.Keys {
		val, keyPos := v.Map.Values[key], v.Map.KeyPos[key]
		var err error
		switch strings.ToLower(key) {
		case "name":
			if o.Name, err = wantString(val); err == nil {
				if invalid := ValidateName(o.Name); invalid != nil { // nats-server's text, unprefixed
					return nil, &config.Error{Pos: keyPos, Msg: invalid.Error()}
				}
			}
		case "listen":
			err = readListen(val, o)
		case "host", "net":
			o.Host, err = wantString(val)
		case "port":
			if o.Port, err = wantInt(val); err == nil {
				err = checkPort(o.Port)
			}
		case "advertise", "cluster_advertise":
			o.Advertise, err = wantString(val)
		case "no_advertise":
			o.NoAdvertise, err = wantBool(val)
		case "routes":
			var r *config.Error
			if r = readRoutes(val, keyPos, o); r != nil {
				return nil, r
			}
		case "connect_retries":
			o.ConnectRetries, err = wantInt(val)
		case "authorization":
			var r *config.Error
			if r = readAuthorization(val, keyPos, o); r != nil {
				return nil, r
			}
		case "pool_size":
			if o.PoolSize, err = wantInt(val); err == nil && o.PoolSize > 0 {
				err = fmt.Errorf("pool_size %d is not supported yet: reactor keeps one route per peer (use -1 or 0)", o.PoolSize)
			}
		case "compression":
			err = readCompression(val)
		case "accounts":
			var names []*config.Value
			if names, err = wantArray(val); err == nil && len(names) > 0 {
				err = fmt.Errorf("pinned accounts are not supported yet: reactor keeps one route per peer")
			}
		case "ping_interval":
			o.PingInterval, err = readDuration(val)
		case "ping_max":
			o.PingMax, err = wantInt(val)
		case "tls":
			if val.Kind != config.KindMap {
				err = fmt.Errorf("want a block, got %s", val.Kind)
			}
			o.TLS = val
		default:
			return nil, &config.Error{Pos: keyPos, Msg: fmt.Sprintf("unknown field %q", key)}
		}
		if err != nil {
			return nil, keyError(keyPos, key, err)
		}
	}
	return o, nil
}

// keyError positions err at the key, the way nats-server reports a bad value.
func keyError(pos config.Pos, key string, err error) *config.Error {
	if ce, ok := err.(*config.Error); ok && ce.Pos.Line != 0 {
		return ce
	}
	return &config.Error{Pos: pos, Msg: "cluster " + key + ": " + err.Error()}
}

func readListen(v *config.Value, o *Options) error {
	if v.Kind == config.KindInt { // listen: 6222 is a port alone
		if v.Int < -1 || v.Int > 65535 {
			return checkPort(-2)
		}
		o.Port = int(v.Int)
		return checkPort(o.Port)
	}
	s, err := wantString(v)
	if err != nil {
		return err
	}
	host, portText, err := net.SplitHostPort(s)
	if err != nil {
		return fmt.Errorf("could not parse address string %q", s)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return fmt.Errorf("could not parse port %q", portText)
	}
	o.Host, o.Port = host, port
	return checkPort(port)
}

// checkPort refuses at load time a port nats-server only refuses when it fails to listen
// ("Error listening on router port: 70000 - … invalid port"). -1 asks for a random port.
func checkPort(port int) error {
	if port < -1 || port > 65535 {
		return fmt.Errorf("invalid port %d: want 0-65535, or -1 for a random port", port)
	}
	return nil
}

func readRoutes(v *config.Value, keyPos config.Pos, o *Options) *config.Error {
	elems, err := wantArray(v)
	if err != nil {
		return keyError(keyPos, "routes", err)
	}
	o.Routes = o.Routes[:0]
	for _, e := range elems {
		s, err := wantString(e)
		if err != nil {
			return &config.Error{Pos: e.Pos, Msg: "cluster routes: " + err.Error()}
		}
		u, err := parseRouteURL(s)
		if err != nil {
			return &config.Error{Pos: e.Pos, Msg: err.Error()}
		}
		o.Routes = append(o.Routes, u)
	}
	return nil
}

// readAuthorization takes the one user nats-server allows on routes, and refuses what it refuses.
func readAuthorization(v *config.Value, keyPos config.Pos, o *Options) *config.Error {
	if v.Kind != config.KindMap {
		return keyError(keyPos, "authorization", fmt.Errorf("want a block, got %s", v.Kind))
	}
	for _, key := range v.Map.Keys {
		val, pos := v.Map.Values[key], v.Map.KeyPos[key]
		var err error
		switch strings.ToLower(key) {
		case "user", "username":
			o.Username, err = wantString(val)
		case "pass", "password":
			o.Password, err = wantString(val)
		case "timeout":
			o.AuthTimeout, err = readDuration(val)
		case "users", "nkeys":
			return &config.Error{Pos: keyPos, Msg: "Cluster authorization does not allow multiple users"}
		case "token":
			return &config.Error{Pos: keyPos, Msg: "Cluster authorization does not support tokens"}
		case "permissions":
			return &config.Error{Pos: keyPos, Msg: `invalid use of field "authorization": setting "permissions" within cluster authorization block is deprecated`}
		default:
			return &config.Error{Pos: pos, Msg: fmt.Sprintf("unknown field %q", key)}
		}
		if err != nil {
			return &config.Error{Pos: pos, Msg: "cluster authorization " + key + ": " + err.Error()}
		}
	}
	return nil
}

// compressionModes are the modes nats-server knows, lowercased; only the off spellings are supported.
var compressionModes = map[string]bool{
	"off": true, "disabled": true, "false": true,
	"accept": false, "on": false, "enabled": false, "true": false,
	"s2_uncompressed": false, "s2_fast": false, "s2_better": false, "s2_best": false, "s2_auto": false,
}

// readCompression accepts compression: off (as a bool, a word or { mode: off }). Anything else that
// nats-server knows is "not supported yet"; anything it does not know gets its startup error.
func readCompression(v *config.Value) error {
	mode := ""
	switch v.Kind {
	case config.KindBool:
		mode = strconv.FormatBool(v.Bool)
	case config.KindString:
		mode = v.Str
	case config.KindMap:
		for _, key := range v.Map.Keys {
			switch strings.ToLower(key) {
			case "mode":
				m, err := wantString(v.Map.Values[key])
				if err != nil {
					return err
				}
				mode = m
			case "rtt_thresholds":
			default:
				return &config.Error{Pos: v.Map.KeyPos[key], Msg: fmt.Sprintf("unknown field %q", key)}
			}
		}
	default:
		return fmt.Errorf("want a string, a bool or a block, got %s", v.Kind)
	}
	off, known := compressionModes[strings.ToLower(mode)]
	switch {
	case !known:
		return fmt.Errorf("unsupported compression mode %q", mode)
	case !off:
		return fmt.Errorf("compression %q is not supported yet: reactor routes are uncompressed (use off)", mode)
	}
	return nil
}

// readDuration reads seconds (integer or fraction) or a Go duration string.
func readDuration(v *config.Value) (time.Duration, error) {
	switch v.Kind {
	case config.KindFloat:
		if v.Float < 0 || v.Float > math.MaxInt64/float64(time.Second) {
			return 0, fmt.Errorf("duration %v out of range", v.Float)
		}
		return time.Duration(v.Float * float64(time.Second)), nil
	case config.KindInt, config.KindString:
		d, err := config.Duration(v)
		if err != nil {
			return 0, fmt.Errorf("%s", strings.TrimPrefix(err.Error(), v.Pos.String()+": "))
		}
		return d, nil
	}
	return 0, fmt.Errorf("want a duration, got %s", v.Kind)
}

func wantString(v *config.Value) (string, error) {
	if v.Kind != config.KindString {
		return "", fmt.Errorf("want a string, got %s", v.Kind)
	}
	return v.Str, nil
}

func wantInt(v *config.Value) (int, error) {
	if v.Kind != config.KindInt {
		return 0, fmt.Errorf("want an integer, got %s", v.Kind)
	}
	if v.Int > math.MaxInt32 || v.Int < math.MinInt32 {
		return 0, fmt.Errorf("%d is out of range", v.Int)
	}
	return int(v.Int), nil
}

func wantBool(v *config.Value) (bool, error) {
	if v.Kind != config.KindBool {
		return false, fmt.Errorf("want a boolean, got %s", v.Kind)
	}
	return v.Bool, nil
}

func wantArray(v *config.Value) ([]*config.Value, error) {
	if v.Kind != config.KindArray {
		return nil, fmt.Errorf("want an array, got %s", v.Kind)
	}
	return v.Array, nil
}
