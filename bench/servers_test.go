package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testBinaries are reactor and nats-server as make passes them or bin/ holds them; the test is skipped
// when either has not been built.
func testBinaries(t *testing.T) (reactorBin, natsBin string) {
	root, _ := filepath.Abs("..")
	reactorBin, natsBin = os.Getenv("REACTOR_BIN"), os.Getenv("NATS_SERVER_BIN")
	if reactorBin == "" {
		reactorBin = filepath.Join(root, "bin", "reactor")
	}
	if natsBin == "" {
		natsBin = filepath.Join(root, "bin", "nats-server")
	}
	for _, bin := range []string{reactorBin, natsBin} {
		if _, err := os.Stat(bin); err != nil {
			t.Skipf("%s not built (make build tools)", bin)
		}
	}
	return reactorBin, natsBin
}

// TestStartBothServers: the harness starts and measures both servers, as make bench will.
func TestStartBothServers(t *testing.T) {
	reactorBin, natsBin := testBinaries(t)
	r, err := StartReactor(reactorBin)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	n, err := StartNatsServer(natsBin)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Stop()
	for _, s := range []*Server{r, n} {
		rss, err := s.RSS()
		if err != nil || rss < 1<<20 {
			t.Fatalf("%s RSS %d: %v", s.Name, rss, err)
		}
		if _, err := s.CPUTime(); err != nil {
			t.Fatalf("%s CPU time: %v", s.Name, err)
		}
	}
	if m := Machine(); !strings.Contains(m, "CPUs") || !strings.Contains(m, "go1.") {
		t.Fatalf("machine description %q lacks CPUs or Go version", m)
	}
}
