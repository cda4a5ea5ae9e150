package bench

import (
	"context"
	"crypto/tls"
	"os"
	"testing"
	"time"
)

// TestTLSRowsRunOnBothServers: both servers start with the generated certificate, and the TLS rows, at a
// small count, run against them over TLS and deliver every message.
func TestTLSRowsRunOnBothServers(t *testing.T) {
	reactorBin, natsBin := testBinaries(t)
	certs, err := GenerateTLS()
	if err != nil {
		t.Fatal(err)
	}
	defer certs.Remove()
	var rows []Row
	for _, row := range Rows(0.001) {
		if row.TLS {
			rows = append(rows, row)
		}
	}
	if len(rows) != 2 {
		t.Fatalf("TLS rows: %+v", rows)
	}
	for bin, start := range map[string]func(string, ...string) (*Server, error){
		reactorBin: StartReactor, natsBin: StartNatsServer,
	} {
		srv, err := certs.Start(start, bin)
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Stop()
		for _, row := range rows {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			sample, err := Run(ctx, []*Server{srv}, row, "bench.tls.test")
			cancel()
			if err != nil || sample.Msgs != row.Deliveries() {
				t.Errorf("%s, %s: %+v, %v", srv.Name, row.Name, sample, err)
			}
		}
		// Not by accident in plaintext: a client that does not trust the CA is refused.
		plain := *srv
		plain.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
		if _, err := newClients().connect("untrusting", &plain); err == nil {
			t.Errorf("%s: a client without the CA connected", srv.Name)
		}
	}
	if _, err := os.Stat(certs.Key); err != nil {
		t.Fatalf("key file: %v", err)
	}
	certs.Remove()
	if _, err := os.Stat(certs.Dir); !os.IsNotExist(err) {
		t.Fatalf("Remove left %s: %v", certs.Dir, err)
	}
}
