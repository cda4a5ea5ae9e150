package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/reactor-nats/reactor/auth"
	"github.com/reactor-nats/reactor/config"
	"github.com/reactor-nats/reactor/reactor"
)

// JetStream is on with -js (--jetstream) or the file's jetstream key: `jetstream: enabled` (true, enable,
// or disabled, false, disable) or a block { enabled, store_dir, max_memory_store, max_file_store,
// sync_interval } with nats-server's aliases. -sd (--store_dir) and the top-level store_dir name the store
// directory without turning JetStream on, as in nats-server; the flag wins over the file. -js wins over a
// file that disables JetStream. Keys of the block nats-server has and reactor does not (domain, encryption,
// limits, ...) are refused. A reload may change nothing about JetStream, nor any account's jetstream block
// (nats-server can turn it on and off and raise limits; reactor cannot yet).

// jetStreamSettings are JetStream's settings from the command line and the file.
type jetStreamSettings struct {
	enabled  bool   // -js, or the file's jetstream key
	storeDir string // -sd, or store_dir in the file (top level or in the block)
	block    reactor.JetStreamOptions
}

// options is what the engine gets: nil when JetStream is off.
func (js *jetStreamSettings) options() *reactor.JetStreamOptions {
	if !js.enabled {
		return nil
	}
	o := js.block
	o.StoreDir = js.storeDir
	return &o
}

// jetStreamNotSupportedYet are keys of nats-server's jetstream block reactor does not implement yet.
var jetStreamNotSupportedYet = map[string]bool{
	"domain": true, "encryption_key": true, "key": true, "cipher": true, "prev_encryption_key": true,
	"extension_hint": true, "strict": true, "max_buffered_msgs": true, "max_buffered_size": true,
	"request_queue_limit": true, "limits": true, "unique_tag": true, "max_outstanding_catchup": true, "tpm": true,
}

// applyJetStream reads the jetstream key. -js wins over a file that turns JetStream off, and -sd over the
// file's store_dir.
func applyJetStream(f *flags, v *config.Value, set map[string]bool) error {
	js := &f.js
	enabled := false
	switch v.Kind {
	case config.KindBool:
		enabled = v.Bool
	case config.KindString:
		switch strings.ToLower(v.Str) {
		case "enabled", "enable":
			enabled = true
		case "disabled", "disable":
		default:
			return fmt.Errorf("Expected 'enabled' or 'disabled' for string value, got '%s'", v.Str)
		}
	case config.KindMap:
		enabled = true
		if err := js.applyBlock(v.Map, anySet(set, []string{"sd", "store_dir"}), &enabled); err != nil {
			return err
		}
	default:
		return fmt.Errorf("Expected map, bool or string to define JetStream, got %s", v.Kind)
	}
	if !anySet(set, []string{"js", "jetstream"}) {
		js.enabled = enabled
	}
	return nil
}

// applyBlock reads the keys of a jetstream block; keepStoreDir says -sd was given.
func (js *jetStreamSettings) applyBlock(m *config.Map, keepStoreDir bool, enabled *bool) error {
	for _, key := range m.Keys {
		val := m.Values[key]
		name := strings.ToLower(key)
		var err error
		switch name {
		case "enabled", "enable":
			*enabled, err = wantBool(val)
		case "store_dir", "store", "storedir":
			var dir string
			if dir, err = wantString(val); err == nil && !keepStoreDir {
				js.storeDir = dir
			}
		case "max_memory_store", "max_mem_store", "max_mem":
			js.block.MaxMemory, err = config.Size(val)
		case "max_file_store", "max_file":
			js.block.MaxStore, err = config.Size(val)
		case "sync_interval", "sync":
			js.block.SyncInterval, js.block.SyncAlways, err = syncInterval(val)
		default:
			msg := fmt.Sprintf("unknown field %q", key)
			if jetStreamNotSupportedYet[name] {
				msg = fmt.Sprintf("jetstream: %q is not supported yet", key)
			}
			return &config.Error{Pos: m.KeyPos[key], Msg: msg}
		}
		if err != nil {
			return &config.Error{Pos: val.Pos, Msg: fmt.Sprintf("jetstream %s: %v", key, err)}
		}
	}
	return nil
}

// syncInterval reads sync_interval: "always" (any case), or a duration string, as nats-server takes it.
func syncInterval(v *config.Value) (time.Duration, bool, error) {
	if v.Kind == config.KindString && strings.EqualFold(v.Str, "always") {
		return 0, true, nil
	}
	if v.Kind != config.KindString {
		return 0, false, errors.New("sync_interval should be converted to a duration")
	}
	d, err := config.Duration(v)
	return d, false, err
}

// refuseJetStreamChange refuses a reload that changes JetStream's settings or an account's jetstream block,
// in nats-server's words where it has them.
func refuseJetStreamChange(old, next *flags) error {
	was, now := old.opts.JetStream, next.opts.JetStream
	if (was == nil) != (now == nil) {
		return fmt.Errorf("config reload not supported for JetStream: old=%v, new=%v", was != nil, now != nil)
	}
	if was != nil {
		if was.StoreDir != now.StoreDir {
			return errors.New("config reload not supported for jetstream storage directory")
		}
		if was.MaxMemory != now.MaxMemory || was.MaxStore != now.MaxStore {
			return errors.New("config reload not supported for jetstream dynamic max memory and store")
		}
		err := refuseChanged([]fixedSetting{
			{"SyncInterval", was.SyncInterval, now.SyncInterval},
			{"SyncAlways", was.SyncAlways, now.SyncAlways},
		})
		if err != nil {
			return err
		}
	}
	limits := map[string]*auth.JetStreamLimits{}
	for _, spec := range old.opts.Accounts {
		limits[spec.Name] = spec.JetStream
	}
	for _, spec := range next.opts.Accounts {
		before, known := limits[spec.Name]
		if !known && spec.JetStream == nil {
			continue
		}
		if (before == nil) != (spec.JetStream == nil) || before != nil && *before != *spec.JetStream {
			return fmt.Errorf("config reload not supported for jetstream of account %s", spec.Name)
		}
	}
	return nil
}
