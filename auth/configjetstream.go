package auth

import (
	"strconv"
	"strings"

	"github.com/reactor-nats/reactor/config"
)

// parseAccountJetStream reads an account's jetstream key as nats-server accepts it: a boolean, "enabled" /
// "enable" / "disabled" / "disable", or a block of limits (a key not given is unlimited). It returns nil
// for a disabled account.
func parseAccountJetStream(v *config.Value) (*JetStreamLimits, error) {
	switch v.Kind {
	case config.KindBool:
		if !v.Bool {
			return nil, nil
		}
		limits := UnlimitedJetStream
		return &limits, nil
	case config.KindString:
		switch strings.ToLower(v.Str) {
		case "enabled", "enable":
			limits := UnlimitedJetStream
			return &limits, nil
		case "disabled", "disable":
			return nil, nil
		}
		return nil, errAt(v.Pos, "Expected 'enabled' or 'disabled' for string value, got '%s'", v.Str)
	case config.KindMap:
		limits := UnlimitedJetStream
		return &limits, eachKey(v.Map, func(name, key string, item *config.Value) error {
			return limits.set(name, key, v.Map.KeyPos[key], item)
		})
	}
	return nil, errAt(v.Pos, "Expected map, bool or string to define JetStream, got %s", v.Kind)
}

// set applies one key of an account's jetstream block.
func (l *JetStreamLimits) set(name, key string, keyPos config.Pos, v *config.Value) error {
	var field *int64
	switch name {
	case "max_memory", "max_mem":
		field = &l.MaxMemory
	case "max_file", "max_store", "max_disk":
		field = &l.MaxStore
	case "max_streams":
		field = &l.MaxStreams
	case "max_consumers":
		field = &l.MaxConsumers
	case "max_ack_pending":
		field = &l.MaxAckPending
	case "memory_max_stream_bytes", "mem_max_stream_bytes":
		field = &l.MemoryMaxStreamBytes
	case "disk_max_stream_bytes", "store_max_stream_bytes":
		field = &l.StoreMaxStreamBytes
	case "max_bytes_required", "max_stream_bytes", "max_bytes":
		if v.Kind != config.KindBool {
			return errAt(keyPos, "Expected a parseable bool for %q, got %s", key, shown(v))
		}
		l.MaxBytesRequired = v.Bool
		return nil
	case "cluster_traffic":
		return errAt(keyPos, "%q is not supported yet", key)
	default:
		return errAt(keyPos, "unknown field %q", key)
	}
	if v.Kind != config.KindInt {
		return errAt(keyPos, "Expected a parseable size for %q, got %s", key, shown(v))
	}
	*field = v.Int
	return nil
}

// shown is a scalar value as nats-server quotes it in its errors.
func shown(v *config.Value) string {
	switch v.Kind {
	case config.KindString:
		return v.Str
	case config.KindInt:
		return strconv.FormatInt(v.Int, 10)
	case config.KindBool:
		return strconv.FormatBool(v.Bool)
	case config.KindFloat:
		return strconv.FormatFloat(v.Float, 'g', -1, 64)
	}
	return v.Kind.String()
}
