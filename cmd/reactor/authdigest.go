package main

import (
	"crypto/sha256"
	"fmt"
	"hash"
	"sort"
	"strings"

	"github.com/reactor-nats/reactor/config"
)

// A reload re-checks every connected client when authentication changed, which for bcrypt users costs real
// CPU per client. So the daemon fingerprints the file's auth keys (their values, not where they were
// written) and a reload that leaves them alone keeps the authenticator in force.

// authDigest fingerprints the auth keys of m.
func authDigest(m *config.Map) string {
	h := sha256.New()
	keys := make([]string, 0, len(m.Keys))
	for _, k := range m.Keys {
		if authKeys[strings.ToLower(k)] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(h, "%s=", strings.ToLower(k))
		writeValue(h, m.Values[k])
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func writeValue(h hash.Hash, v *config.Value) {
	switch v.Kind {
	case config.KindMap:
		h.Write([]byte("{"))
		for _, k := range v.Map.Keys {
			fmt.Fprintf(h, "%q:", k)
			writeValue(h, v.Map.Values[k])
		}
		h.Write([]byte("}"))
	case config.KindArray:
		h.Write([]byte("["))
		for _, e := range v.Array {
			writeValue(h, e)
			h.Write([]byte(","))
		}
		h.Write([]byte("]"))
	default:
		fmt.Fprintf(h, "%d:%q/%d/%g/%t;", v.Kind, v.Str, v.Int, v.Float, v.Bool)
	}
}
