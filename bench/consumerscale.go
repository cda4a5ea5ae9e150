package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// What an idle durable consumer costs (make bench-consumers, issue 10): each server is started with
// JetStream on a fresh store directory and its pprof port; one stream gets a few messages; the server's
// RSS, Go heap in use (after a forced GC) and goroutine count are read; N durable pull consumers with
// explicit acks are created on the stream and left idle; the same figures are read again. The difference
// divided by N is the cost of one idle consumer. Both servers take --profile and serve the same pprof
// pages, so the figures are read the same way from both.

// ConsumerScaleConfig says what to measure.
type ConsumerScaleConfig struct {
	ReactorBin, NatsServerBin string
	Counts                    []int         // consumers per run
	Storages                  []string      // "file", "memory": the stream's storage (its consumers inherit it)
	StreamMsgs                int           // messages stored before the consumers exist
	Settle                    time.Duration // pause before each reading, so a server's background work ends
	Progress                  io.Writer
}

// ConsumerScaleResult is one server's figures for one count and storage.
type ConsumerScaleResult struct {
	Server, Storage string
	Consumers       int
	Create          time.Duration // creating all of them, 16 requests in flight
	Before, After   processFigures
	Err             string
}

// processFigures are a server process's memory and goroutines at one moment.
type processFigures struct {
	RSS, HeapInuse int64
	Goroutines     int
}

// RSSPerConsumer and HeapPerConsumer are the growth per consumer, in bytes.
func (r ConsumerScaleResult) RSSPerConsumer() float64 {
	return float64(r.After.RSS-r.Before.RSS) / float64(r.Consumers)
}

func (r ConsumerScaleResult) HeapPerConsumer() float64 {
	return float64(r.After.HeapInuse-r.Before.HeapInuse) / float64(r.Consumers)
}

// RunConsumerScale measures each count and storage on reactor and then nats-server.
func RunConsumerScale(ctx context.Context, cfg ConsumerScaleConfig) ([]ConsumerScaleResult, error) {
	var results []ConsumerScaleResult
	for _, storage := range cfg.Storages {
		for _, n := range cfg.Counts {
			for _, st := range Starters(cfg.ReactorBin, cfg.NatsServerBin) {
				if err := ctx.Err(); err != nil {
					return results, err
				}
				r := measureConsumers(ctx, cfg, st, storage, n)
				if cfg.Progress != nil {
					fmt.Fprintf(cfg.Progress, "%s %s %d consumers: %+v %s\n", r.Server, storage, n, r.After, r.Err)
				}
				results = append(results, r)
			}
		}
	}
	return results, nil
}

func measureConsumers(ctx context.Context, cfg ConsumerScaleConfig, st Starter, storage string, n int) ConsumerScaleResult {
	r := ConsumerScaleResult{Server: st.Name, Storage: storage, Consumers: n}
	fail := func(err error) ConsumerScaleResult { r.Err = err.Error(); return r }
	dir, err := os.MkdirTemp("", "consumerscale-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(dir)
	profilePort, err := freePort()
	if err != nil {
		return fail(err)
	}
	srv, err := st.Run("-js", "-sd", dir, "--profile", strconv.Itoa(profilePort))
	if err != nil {
		return fail(err)
	}
	defer srv.Stop()
	profile := fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/", profilePort)

	nc, err := nats.Connect(srv.URL, nats.Timeout(10*time.Second))
	if err != nil {
		return fail(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return fail(err)
	}
	storageType := jetstream.FileStorage
	if storage == "memory" {
		storageType = jetstream.MemoryStorage
	}
	// nats-server 2.15 limits a stream to 1000 consumers unless its max_consumers says more.
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "SCALE", Subjects: []string{"scale.>"}, Storage: storageType,
		MaxConsumers: 2 * n})
	if err != nil {
		return fail(err)
	}
	for i := range cfg.StreamMsgs {
		if _, err := js.PublishAsync(fmt.Sprintf("scale.%d", i%16), []byte("an idle consumer's stream")); err != nil {
			return fail(err)
		}
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-ctx.Done():
		return fail(ctx.Err())
	}

	sleepCtx(ctx, cfg.Settle)
	if r.Before, err = readFigures(srv, profile); err != nil {
		return fail(err)
	}
	start := time.Now()
	if err := createConsumers(ctx, stream, n); err != nil {
		return fail(err)
	}
	r.Create = time.Since(start)
	info, err := stream.Info(ctx)
	if err != nil {
		return fail(err)
	}
	if info.State.Consumers != n {
		return fail(fmt.Errorf("stream counts %d consumers, want %d", info.State.Consumers, n))
	}
	sleepCtx(ctx, cfg.Settle)
	if r.After, err = readFigures(srv, profile); err != nil {
		return fail(err)
	}
	return r
}

// createConsumers makes n durable pull consumers C00000… on stream, 16 requests in flight.
func createConsumers(ctx context.Context, stream jetstream.Stream, n int) error {
	const inFlight = 16
	names := make(chan int)
	errs := make(chan error, inFlight)
	var wg sync.WaitGroup
	for range inFlight {
		wg.Go(func() {
			for i := range names {
				if _, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: fmt.Sprintf("C%05d", i),
					AckPolicy: jetstream.AckExplicitPolicy}); err != nil {
					errs <- fmt.Errorf("consumer %d: %w", i, err)
					return
				}
			}
		})
	}
	var err error
feed:
	for i := range n {
		select {
		case names <- i:
		case err = <-errs:
			break feed
		}
	}
	close(names)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	return err
}

func sleepCtx(ctx context.Context, d time.Duration) {
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
}

// readFigures reads the process's RSS, and from its pprof pages its goroutine count and its Go heap in
// use after a GC.
func readFigures(srv *Server, profile string) (processFigures, error) {
	var f processFigures
	var err error
	if f.RSS, err = srv.RSS(); err != nil {
		return f, err
	}
	goroutines, err := httpLines(profile + "goroutine?debug=1")
	if err != nil {
		return f, err
	}
	if len(goroutines) == 0 {
		return f, errors.New("empty goroutine profile")
	}
	total, ok := strings.CutPrefix(goroutines[0], "goroutine profile: total ")
	if !ok {
		return f, fmt.Errorf("goroutine profile begins %q", goroutines[0])
	}
	if f.Goroutines, err = strconv.Atoi(strings.TrimSpace(total)); err != nil {
		return f, err
	}
	heap, err := httpLines(profile + "heap?debug=1&gc=1")
	if err != nil {
		return f, err
	}
	for _, line := range heap {
		if v, ok := strings.CutPrefix(line, "# HeapInuse = "); ok {
			f.HeapInuse, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return f, err
		}
	}
	return f, errors.New("no HeapInuse in the heap profile")
}

func httpLines(url string) ([]string, error) {
	client := http.Client{Timeout: 30 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	var lines []string
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines, sc.Err()
}
