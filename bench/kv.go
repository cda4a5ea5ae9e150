package bench

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// The KV rows drive a key-value bucket as `nats bench kv put` and `nats bench kv get` do: one nats.go
// connection, one key per message ("0", "1", ...), every call waiting for its answer. Each run makes a
// bucket of its own (file storage, history 1, nats.go's defaults otherwise) and deletes it after.

// runKV runs a KVPut or KVGet row against srv.
func runKV(ctx context.Context, srv *Server, row Row, subject string) (Sample, error) {
	cs := newClients()
	defer cs.close()
	js, err := jsPublisher(cs, srv)
	if err != nil {
		return Sample{}, err
	}
	bucket := streamName(subject)
	kv, err := createBucket(ctx, js, bucket)
	if err != nil {
		return Sample{}, err
	}
	defer func() {
		del, cancel := context.WithTimeout(context.Background(), setupTimeout)
		defer cancel()
		_ = js.DeleteKeyValue(del, bucket)
	}()
	payload := make([]byte, row.Payload)
	if row.Kind == KVGet {
		if err := fillBucket(ctx, cs, js, bucket, payload, row.Msgs); err != nil {
			return Sample{}, err
		}
	} else if _, err := kv.Put(ctx, "warm-up", payload); err != nil {
		return Sample{}, fmt.Errorf("kv: warm-up put: %w", err)
	}
	return watched(ctx, cs, func() (Sample, error) {
		return timeKV(ctx, row.Msgs, func(key string) error {
			if row.Kind == KVPut {
				_, err := kv.Put(ctx, key, payload)
				return err
			}
			entry, err := kv.Get(ctx, key)
			if err == nil && len(entry.Value()) != len(payload) {
				err = fmt.Errorf("got %d bytes, want %d", len(entry.Value()), len(payload))
			}
			return err
		})
	})
}

func createBucket(ctx context.Context, js jetstream.JetStream, bucket string) (jetstream.KeyValue, error) {
	ctx, cancel := context.WithTimeout(ctx, setupTimeout)
	defer cancel()
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: bucket, Storage: jetstream.FileStorage})
	if err != nil {
		return nil, fmt.Errorf("create bucket %s: %w", bucket, err)
	}
	return kv, nil
}

// fillBucket puts keys "0" to count-1, untimed, by async publish to the bucket's subjects: what kv.Put
// sends, without waiting for each ack.
func fillBucket(ctx context.Context, cs *clients, js jetstream.JetStream, bucket string, payload []byte, count int) error {
	_, err := watched(ctx, cs, func() (Sample, error) {
		for i := range count {
			if _, err := js.PublishAsync("$KV."+bucket+"."+strconv.Itoa(i), payload, jetstream.WithStallWait(requestTimeout)); err != nil {
				return Sample{}, fmt.Errorf("kv: fill %d: %w", i, err)
			}
		}
		select {
		case <-js.PublishAsyncComplete():
			return Sample{}, nil
		case <-ctx.Done():
			return Sample{}, fmt.Errorf("kv: fill unfinished: %w", context.Cause(ctx))
		}
	})
	return err
}

// timeKV calls op on keys "0" to count-1, one at a time, and times each call.
func timeKV(ctx context.Context, count int, op func(key string) error) (Sample, error) {
	keys := make([]string, count)
	for i := range keys {
		keys[i] = strconv.Itoa(i)
	}
	latencies := make([]time.Duration, 0, count)
	start := time.Now()
	for i, key := range keys {
		sent := time.Now()
		if err := op(key); err != nil {
			if ctx.Err() != nil {
				err = fmt.Errorf("unfinished: %w", context.Cause(ctx))
			}
			return Sample{}, fmt.Errorf("kv: key %d: %w", i, err)
		}
		latencies = append(latencies, time.Since(sent))
	}
	elapsed := time.Since(start)
	slices.Sort(latencies)
	return Sample{Msgs: count, Elapsed: elapsed, P50: Percentile(latencies, 50), P99: Percentile(latencies, 99)}, nil
}
