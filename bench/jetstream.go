package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// The JetStream rows publish into a stream of one subject, created for the run and deleted after it, on
// servers started with JetStream (StartJetStream). One nats.go connection publishes through nats.go's
// jetstream package, as an application would.

const (
	// JSAsyncMsgs is what the async-publish rows send per run (the 1 KiB row half of it): one to two
	// seconds against nats-server on a 2-core machine, as is JSSyncMsgs.
	JSAsyncMsgs = 300_000
	// JSSyncMsgs is what the sync-publish row sends per run, one round trip each.
	JSSyncMsgs = 15_000
	// AsyncWindow is how many PublishAsync acks a publisher keeps outstanding; the next publish waits
	// for one to arrive.
	AsyncWindow = 1024
)

// StartJetStream starts a server with JetStream enabled (-js), storing under storeDir (-sd), which is
// made when missing. Both servers take the same two flags and otherwise run with their default limits.
func StartJetStream(st Starter, storeDir string) (*Server, error) {
	if err := os.MkdirAll(storeDir, 0o755); err != nil {
		return nil, err
	}
	return st.Run("-js", "-sd", storeDir)
}

// streamName is the stream a run on subject publishes into: stream names may not contain dots.
func streamName(subject string) string {
	return "BENCH_" + strings.ReplaceAll(subject, ".", "_")
}

// jsPublisher is one JetStream publisher's connection: its async publish errors fail the run.
func jsPublisher(cs *clients, srv *Server) (jetstream.JetStream, error) {
	nc, err := cs.connect("js-publisher", srv)
	if err != nil {
		return nil, err
	}
	return jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(AsyncWindow),
		jetstream.WithPublishAsyncErrHandler(func(_ jetstream.JetStream, _ *nats.Msg, err error) {
			cs.fail(fmt.Errorf("js-publisher: async publish: %w", err))
		}))
}

// createStream makes a stream of one subject with default limits, in files or in memory.
func createStream(ctx context.Context, js jetstream.JetStream, name, subject string, memory bool) (jetstream.Stream, error) {
	cfg := jetstream.StreamConfig{Name: name, Subjects: []string{subject}, Storage: jetstream.FileStorage}
	if memory {
		cfg.Storage = jetstream.MemoryStorage
	}
	ctx, cancel := context.WithTimeout(ctx, setupTimeout)
	defer cancel()
	stream, err := js.CreateStream(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("create stream %s: %w", name, err)
	}
	return stream, nil
}

// checkStored fails unless stream holds want messages: every acknowledged publish is there.
func checkStored(ctx context.Context, stream jetstream.Stream, want int) error {
	ctx, cancel := context.WithTimeout(ctx, setupTimeout)
	defer cancel()
	info, err := stream.Info(ctx)
	if err != nil {
		return fmt.Errorf("stream info after publishing: %w", err)
	}
	if info.State.Msgs != uint64(want) {
		return fmt.Errorf("stream %s holds %d messages after %d acknowledged", info.Config.Name, info.State.Msgs, want)
	}
	return nil
}

// runJetStreamPublish runs a JSAsyncPublish or JSSyncPublish row against srv: it creates the run's
// stream, publishes one untimed message (the stream is serving, the connection's reply subscription made),
// times row.Msgs publishes, checks that the stream holds all of them and deletes it.
func runJetStreamPublish(ctx context.Context, srv *Server, row Row, subject string) (Sample, error) {
	cs := newClients()
	defer cs.close()
	js, err := jsPublisher(cs, srv)
	if err != nil {
		return Sample{}, err
	}
	stream, err := createStream(ctx, js, streamName(subject), subject, row.Memory)
	if err != nil {
		return Sample{}, err
	}
	defer func() {
		// On a fresh context: the run's may have ended. A stream left behind costs disk, not the result.
		del, cancel := context.WithTimeout(context.Background(), setupTimeout)
		defer cancel()
		_ = js.DeleteStream(del, streamName(subject))
	}()
	payload := make([]byte, row.Payload)
	if err := warmUpPublish(ctx, js, subject, payload); err != nil {
		return Sample{}, err
	}

	sample, err := watched(ctx, cs, func() (Sample, error) {
		if row.Kind == JSSyncPublish {
			return publishSync(ctx, js, subject, payload, row.Msgs)
		}
		return publishAsync(ctx, js, subject, payload, row.Msgs)
	})
	if err != nil {
		return Sample{}, err
	}
	if err := checkStored(ctx, stream, row.Msgs+1); err != nil {
		return Sample{}, err
	}
	return sample, nil
}

// watched runs publish on a goroutine of its own and waits for it, for the first failure of cs (an async
// publish's error, a connection the server closed) or for ctx to end, whichever comes first.
func watched(ctx context.Context, cs *clients, publish func() (Sample, error)) (Sample, error) {
	var sample Sample
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var err error
		if sample, err = publish(); err != nil {
			cs.fail(err)
		}
	}()
	if err := cs.wait(ctx, finished); err != nil {
		return Sample{}, err
	}
	return sample, nil
}

func warmUpPublish(ctx context.Context, js jetstream.JetStream, subject string, payload []byte) error {
	ctx, cancel := context.WithTimeout(ctx, setupTimeout)
	defer cancel()
	if _, err := js.Publish(ctx, subject, payload); err != nil {
		return fmt.Errorf("js-publisher: warm-up publish: %w", err)
	}
	return nil
}

// publishAsync publishes count messages with PublishAsync, at most AsyncWindow unacknowledged, and
// returns once every ack has arrived, timed from the first publish. Failed acks reach the publisher's
// error handler (jsPublisher).
func publishAsync(ctx context.Context, js jetstream.JetStream, subject string, payload []byte, count int) (Sample, error) {
	start := time.Now()
	for i := range count {
		// The window is full for most of the run: wait for an ack for as long as a request may take.
		if _, err := js.PublishAsync(subject, payload, jetstream.WithStallWait(requestTimeout)); err != nil {
			return Sample{}, fmt.Errorf("js-publisher: publish %d: %w", i+1, err)
		}
		if i%AsyncWindow == 0 && ctx.Err() != nil {
			return Sample{}, fmt.Errorf("unfinished: %w", context.Cause(ctx))
		}
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-ctx.Done():
		return Sample{}, fmt.Errorf("unfinished, %d acks outstanding: %w", js.PublishAsyncPending(), context.Cause(ctx))
	}
	return Sample{Msgs: count, Elapsed: time.Since(start)}, nil
}

// publishSync publishes count messages one at a time, each waiting for its ack, and times each.
func publishSync(ctx context.Context, js jetstream.JetStream, subject string, payload []byte, count int) (Sample, error) {
	latencies := make([]time.Duration, 0, count)
	start := time.Now()
	for i := range count {
		sent := time.Now()
		if _, err := js.Publish(ctx, subject, payload); err != nil {
			if ctx.Err() != nil {
				err = fmt.Errorf("unfinished: %w", context.Cause(ctx))
			}
			return Sample{}, fmt.Errorf("js-publisher: publish %d: %w", i+1, err)
		}
		latencies = append(latencies, time.Since(sent))
	}
	elapsed := time.Since(start)
	slices.Sort(latencies)
	return Sample{Msgs: count, Elapsed: elapsed, P50: Percentile(latencies, 50), P99: Percentile(latencies, 99)}, nil
}

// errNoJetStream is what a JetStream row fails with when the matrix has no servers started with it.
var errNoJetStream = errors.New("no server started with JetStream")
