// Command consumers is make bench-consumers: it creates N idle durable consumers on one stream of reactor
// and then of nats-server and writes what each consumer costs in memory and goroutines to
// bench/CONSUMERS.md. Flags, wiring and signals only; the measuring is in bench/consumerscale.go.
//
//	go run ./bench/cmd/consumers -n 10000 -reactor bin/reactor -nats-server bin/nats-server -out bench/CONSUMERS.md
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/reactor-nats/reactor/bench"
)

func main() { os.Exit(run()) }

func run() int {
	cfg := bench.ConsumerScaleConfig{Progress: os.Stderr}
	counts := flag.String("n", "10000", "consumer counts, comma- or space-separated")
	storages := flag.String("storage", "file,memory", "stream storages to measure, comma-separated")
	out := flag.String("out", "bench/CONSUMERS.md", "report file; empty for stdout only")
	timeout := flag.Duration("timeout", 10*time.Minute, "abort the whole run after this")
	flag.StringVar(&cfg.ReactorBin, "reactor", "bin/reactor", "reactor binary")
	flag.StringVar(&cfg.NatsServerBin, "nats-server", "bin/nats-server", "nats-server binary")
	flag.IntVar(&cfg.StreamMsgs, "msgs", 1000, "messages in the stream before the consumers are created")
	flag.DurationVar(&cfg.Settle, "settle", 2*time.Second, "pause before each reading")
	flag.Parse()

	for _, f := range strings.FieldsFunc(*counts, func(r rune) bool { return r == ',' || r == ' ' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > 100_000 {
			fmt.Fprintf(os.Stderr, "consumers: bad count %q (1 to 100000)\n", f)
			return 2
		}
		cfg.Counts = append(cfg.Counts, n)
	}
	for _, s := range strings.Split(*storages, ",") {
		if s != "file" && s != "memory" {
			fmt.Fprintf(os.Stderr, "consumers: storage %q is neither file nor memory\n", s)
			return 2
		}
		cfg.Storages = append(cfg.Storages, s)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeoutCause(ctx, *timeout, fmt.Errorf("global timeout of %v", *timeout))
	defer cancel()

	rep := bench.ConsumerScaleReport{Date: time.Now(), Machine: bench.Machine(), Commit: bench.Commit("."), Config: cfg}
	var err error
	rep.Results, err = bench.RunConsumerScale(ctx, cfg)
	if err != nil {
		rep.Aborted = context.Cause(ctx).Error()
	}
	markdown := rep.Markdown()
	fmt.Print(markdown)
	if *out != "" {
		if werr := os.WriteFile(*out, []byte(markdown), 0o644); werr != nil {
			fmt.Fprintln(os.Stderr, "consumers:", werr)
			return 1
		}
	}
	failed := err != nil
	for _, r := range rep.Results {
		failed = failed || r.Err != ""
	}
	if failed {
		return 1
	}
	return 0
}
