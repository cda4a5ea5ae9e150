package reactor

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/reactor-nats/reactor/internal/testref"
)

// The wire tables in this package are nats-server's observed behaviour. These tests hold them to it: every
// case also runs against the reference nats-server v2.15.2 (installed into bin/ by `make tools`), so a
// wrong expectation fails here rather than teaching reactor a wrong answer.

// referenceServer starts nats-server with the given config file contents and returns its client address.
func referenceServer(t *testing.T, config string) string {
	t.Helper()
	conf := filepath.Join(t.TempDir(), "ref.conf")
	if err := os.WriteFile(conf, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	return testref.StartNatsServer(t, "-c", conf)
}

func TestWireCasesHoldForReferenceServer(t *testing.T) {
	addr := referenceServer(t, "")
	for _, tc := range wireCases {
		t.Run(tc.name, func(t *testing.T) {
			runWireCase(t, addr, tc, func(rc *rawConn) { rc.send(tc.send) })
		})
	}
}

func TestLimitCasesHoldForReferenceServer(t *testing.T) {
	addr := referenceServer(t, "max_payload: 1024\nmax_control_line: 256\n")
	for _, tc := range limitCases {
		t.Run(tc.name, func(t *testing.T) {
			runWireCase(t, addr, tc, func(rc *rawConn) { rc.send(tc.send) })
		})
	}
}
