// Command conns is make bench-conns: it holds N idle subscribers against reactor and then nats-server and
// writes what each connection costs to bench/CONNS.md. Run with -worker it is instead one of its own client
// processes (see package conns). Flags, wiring and signals only; the measuring is in bench/conns.
//
// With -tls every count is measured a second time over TLS, both servers serving one generated
// certificate, for the memory of an idle TLS connection:
//
//	go run ./bench/cmd/conns -tls -n 10000 -reactor bin/reactor -nats-server bin/nats-server -out bench/CONNS.md
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/reactor-nats/reactor/bench"
	"github.com/reactor-nats/reactor/bench/conns"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == conns.WorkerFlag {
		os.Exit(conns.WorkerMain(os.Args[2:]))
	}
	os.Exit(drive())
}

func drive() int {
	cfg := conns.Config{Progress: os.Stderr}
	counts := flag.String("n", "10000,19000", "connection counts, comma- or space-separated")
	out := flag.String("out", "bench/CONNS.md", "report file; empty for stdout only")
	flag.StringVar(&cfg.ReactorBin, "reactor", "bin/reactor", "reactor binary")
	flag.StringVar(&cfg.NatsServerBin, "nats-server", "bin/nats-server", "nats-server binary")
	flag.IntVar(&cfg.PerWorker, "per-worker", 6500, "subscribers per worker process at most (each worker has one source address)")
	flag.IntVar(&cfg.Dialers, "dialers", 64, "handshakes in flight per worker")
	flag.DurationVar(&cfg.Settle, "settle", 2*time.Second, "pause before the baseline and after connecting")
	flag.DurationVar(&cfg.IdleWindow, "idle", 10*time.Second, "idle CPU window")
	flag.IntVar(&cfg.Rounds, "rounds", 5, "fan-out rounds (median reported)")
	flag.DurationVar(&cfg.Timeout, "timeout", 10*time.Minute, "abort the whole run after this")
	flag.BoolVar(&cfg.TLS, "tls", false, "measure every count over TLS too: both servers serve TLS with a certificate generated for the run, and every connection completes a TLS handshake before CONNECT")
	flag.Parse()

	var err error
	if cfg.Counts, err = parseCounts(*counts); err != nil {
		fmt.Fprintln(os.Stderr, "conns:", err)
		return 2
	}
	// Each worker holds its share on one source address and within one process's open files.
	if cfg.PerWorker < 1 || cfg.PerWorker > 15000 || cfg.Dialers < 1 || cfg.Rounds < 1 {
		fmt.Fprintln(os.Stderr, "conns: need 1 ≤ -per-worker ≤ 15000, -dialers ≥ 1, -rounds ≥ 1")
		return 2
	}
	if cfg.Self, err = os.Executable(); err != nil {
		fmt.Fprintln(os.Stderr, "conns:", err)
		return 1
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeoutCause(ctx, cfg.Timeout, fmt.Errorf("global timeout of %v", cfg.Timeout))
	defer cancel()

	rep := conns.Report{Date: time.Now(), Machine: bench.Machine(), Commit: gitCommit(), Config: cfg, Projection: 1_000_000}
	rep.Results, err = conns.Run(ctx, cfg)
	if err != nil {
		rep.Aborted = context.Cause(ctx).Error()
	}
	markdown := rep.Markdown()
	fmt.Print(markdown)
	if *out != "" {
		if werr := os.WriteFile(*out, []byte(markdown), 0o644); werr != nil {
			fmt.Fprintln(os.Stderr, "conns:", werr)
			return 1
		}
		fmt.Fprintln(os.Stderr, "wrote", *out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "conns: aborted:", rep.Aborted)
		return 1
	}
	return 0
}

func parseCounts(text string) ([]int, error) {
	var counts []int
	for _, field := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ' ' }) {
		n, err := strconv.Atoi(field)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad connection count %q", field)
		}
		counts = append(counts, n)
	}
	if len(counts) == 0 {
		return nil, errors.New("no connection counts")
	}
	return counts, nil
}

// gitCommit names the tree measured: the short commit, marked when the working tree differs from it.
func gitCommit() string {
	head, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return ""
	}
	commit := strings.TrimSpace(string(head))
	if status, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(status) > 0 {
		commit += " (with uncommitted changes)"
	}
	return commit
}
