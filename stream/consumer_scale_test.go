package stream_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Scale without goroutines per consumer (issue 10): a consumer is state in its stream (a place, pending
// acks, a slot in the stream's clock), never a goroutine, and an idle stream has no writer goroutine. So
// 10k consumers on one stream, or 10k streams with a consumer each, leave the process's goroutine count
// where it was, and each of them still works. Memory streams: the consumers of a memory stream keep no
// files, so the test measures the consumers, not the disk.

const scaleCount = 10_000

// inParallel runs do(i) for i in [0, n) on a few goroutines and returns the first error.
func inParallel(n int, do func(i int) error) error {
	const workers = 16
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range next {
				if err := do(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}

// goroutinesSettled is the process's goroutine count once it has stopped changing for a moment: the
// writers of streams just written to end by themselves, and a count taken while one is ending would
// be noise.
func goroutinesSettled() int {
	n := runtime.NumGoroutine()
	for range 50 {
		time.Sleep(20 * time.Millisecond)
		m := runtime.NumGoroutine()
		if m == n {
			return n
		}
		n = m
	}
	return n
}

// sample is a spread of indexes in [0, n): the first, the last and every step-th between.
func sample(n, step int) []int {
	var idx []int
	for i := 0; i < n; i += step {
		idx = append(idx, i)
	}
	return append(idx, n-1)
}

// fetchOne fetches from c and requires exactly one message, the one with data.
func fetchOne(t *testing.T, c jetstream.Consumer, what, data string) {
	t.Helper()
	batch, err := c.Fetch(1, jetstream.FetchMaxWait(5*time.Second))
	if err != nil {
		t.Fatalf("%s: fetch: %v", what, err)
	}
	var got []string
	for m := range batch.Messages() {
		got = append(got, string(m.Data()))
		_ = m.Ack()
	}
	if len(got) != 1 || got[0] != data {
		t.Fatalf("%s fetched %q, want [%q]", what, got, data)
	}
}

// TestTenThousandConsumersOnOneStreamCostNoGoroutine: 10k durable pull consumers created on one
// stream leave the goroutine count within 100 of what it was, and a message published afterwards is
// fetched by a sample of them (the first, the last and every 500th).
func TestTenThousandConsumersOnOneStreamCostNoGoroutine(t *testing.T) {
	if testing.Short() {
		t.Skip("10k consumers: not under -short")
	}
	_, js := runJetStream(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// nats-server 2.15 limits a stream to 1000 consumers unless it says otherwise.
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "WIDE", Subjects: []string{"wide"},
		Storage: jetstream.MemoryStorage, MaxConsumers: 2 * scaleCount})
	if err != nil {
		t.Fatal(err)
	}
	before := goroutinesSettled()
	start := time.Now()
	if err := inParallel(scaleCount, func(i int) error {
		_, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: fmt.Sprintf("C%05d", i),
			AckPolicy: jetstream.AckExplicitPolicy})
		return err
	}); err != nil {
		t.Fatalf("creating consumers: %v", err)
	}
	created := time.Since(start)
	if info, err := stream.Info(ctx); err != nil || info.State.Consumers != scaleCount {
		t.Fatalf("stream info: %v consumers, %v; want %d", info.State.Consumers, err, scaleCount)
	}
	after := goroutinesSettled()
	t.Logf("%d consumers created in %v; goroutines %d before, %d after", scaleCount, created.Round(time.Millisecond), before, after)
	if after > before+100 {
		t.Fatalf("goroutines grew from %d to %d with %d consumers", before, after, scaleCount)
	}

	if _, err := js.Publish(ctx, "wide", []byte("to all")); err != nil {
		t.Fatal(err)
	}
	for _, i := range sample(scaleCount, 500) {
		name := fmt.Sprintf("C%05d", i)
		c, err := stream.Consumer(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		fetchOne(t, c, name, "to all")
	}
	if after := goroutinesSettled(); after > before+100 {
		t.Fatalf("goroutines grew from %d to %d once the consumers delivered", before, after)
	}
}

// TestTenThousandStreamsWithAConsumerEachCostNoGoroutine: 10k memory streams with one durable pull
// consumer each leave the goroutine count within 100 of what it was; a sample of the streams (the
// first, the last and every 500th) each take a message and their consumer fetches it.
func TestTenThousandStreamsWithAConsumerEachCostNoGoroutine(t *testing.T) {
	if testing.Short() {
		t.Skip("10k streams: not under -short")
	}
	streams := scaleCount
	if raceDetector { // creating a stream is ten times slower under -race: 1000 still show no goroutine each
		streams = scaleCount / 10
	}
	_, js := runJetStream(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	before := goroutinesSettled()
	start := time.Now()
	if err := inParallel(streams, func(i int) error {
		name := fmt.Sprintf("S%05d", i)
		stream, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: name, Subjects: []string{"many." + name},
			Storage: jetstream.MemoryStorage})
		if err != nil {
			return fmt.Errorf("stream %s: %w", name, err)
		}
		if _, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "ONLY",
			AckPolicy: jetstream.AckExplicitPolicy}); err != nil {
			return fmt.Errorf("consumer of %s: %w", name, err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	created := time.Since(start)
	after := goroutinesSettled()
	t.Logf("%d streams with a consumer each created in %v; goroutines %d before, %d after", streams,
		created.Round(time.Millisecond), before, after)
	if after > before+100 {
		t.Fatalf("goroutines grew from %d to %d with %d streams and consumers", before, after, streams)
	}

	for _, i := range sample(streams, 500) {
		name := fmt.Sprintf("S%05d", i)
		if _, err := js.Publish(ctx, "many."+name, []byte(name)); err != nil {
			t.Fatal(err)
		}
		c, err := js.Consumer(ctx, name, "ONLY")
		if err != nil {
			t.Fatal(err)
		}
		fetchOne(t, c, name, name)
	}
	if after := goroutinesSettled(); after > before+100 {
		t.Fatalf("goroutines grew from %d to %d once the streams were written to", before, after)
	}
}
