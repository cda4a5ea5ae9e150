package cluster

import (
	"errors"
	"testing"

	"github.com/reactor-nats/reactor/config"
)

// FuzzFromConfig: whatever the cluster block holds, FromConfig does not panic and every refusal is a
// positioned *config.Error.
func FuzzFromConfig(f *testing.F) {
	for _, seed := range []string{
		`cluster { name: C, listen: "127.0.0.1:6222", routes: ["nats-route://a:b@127.0.0.1:6223"] }`,
		`cluster { port: 1, authorization { user: a, password: b, timeout: 2.5 }, compression: { mode: off } }`,
		`cluster { port: 1, pool_size: 3, accounts: [A], tls { cert_file: x } }`,
		`cluster { listen: 7222, routes: ["::bad"], no_advertise: 3 }`,
		`cluster: 5`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		m, err := config.Parse("f.conf", []byte(src))
		if err != nil {
			return
		}
		_, v, ok := m.GetFold("cluster")
		if !ok {
			return
		}
		if _, err := FromConfig(v); err != nil {
			var ce *config.Error
			if !errors.As(err, &ce) || ce.Pos.Line == 0 {
				t.Fatalf("unpositioned error %v for %q", err, src)
			}
		}
	})
}
