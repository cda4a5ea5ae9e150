package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Helpers for tests that run the daemon with JetStream on a store directory and restart it on the same
// store and port: after a kill -9, after a clean stop, after its files were damaged.

// jsDaemon is a daemon's command line with JetStream on: the same port and store directory at every start.
type jsDaemon struct {
	bin      string
	port     int
	storeDir string
}

func newJSDaemon(t *testing.T) *jsDaemon {
	return &jsDaemon{bin: reactorBinary(t), port: freePort(t), storeDir: t.TempDir()}
}

// start runs the daemon and returns once it accepts connections (its streams may still be recovering:
// awaitStream waits for one).
func (j *jsDaemon) start(t *testing.T) *daemon {
	t.Helper()
	return startListening(t, j.bin, j.port, "-a", "127.0.0.1", "-p", fmt.Sprint(j.port), "-js", "-sd", j.storeDir)
}

// kill ends d with sig and waits for it to exit, leaving the exit for startListening's cleanup.
func (d *daemon) kill(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := d.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %v: %v", sig, err)
	}
	select {
	case exit := <-d.done:
		d.done <- exit
		if sig == syscall.SIGTERM && exit != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", exit, d.logs)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("daemon still running 30s after %v\n%s", sig, d.logs)
	}
}

// jsClient connects to d without reconnecting (a connection to a killed daemon closes, and whatever it was
// doing fails at once) and closes at the end of the test. Asynchronous errors are expected of a daemon
// killed under it; what the tests judge is what the stream holds.
func jsClient(t *testing.T, d *daemon, opts ...jetstream.JetStreamOpt) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(d.url, nats.NoReconnect(), nats.Timeout(5*time.Second),
		nats.ErrorHandler(func(*nats.Conn, *nats.Subscription, error) {}))
	if err != nil {
		t.Fatalf("connect %s: %v\n%s", d.url, err, d.logs)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return nc, js
}

// awaitStream waits until STREAM.INFO for name answers, as it does once the daemon has recovered it.
func awaitStream(t *testing.T, d *daemon, js jetstream.JetStream, name string) jetstream.Stream {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		stream, err := js.Stream(ctx, name)
		cancel()
		if err == nil {
			return stream
		}
		if time.Now().After(deadline) {
			t.Fatalf("stream %s never served after restart: %v\n%s", name, err, d.logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// createFileStream makes a file stream of subjects with default limits.
func createFileStream(t *testing.T, js jetstream.JetStream, name string, subjects ...string) jetstream.Stream {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: name, Subjects: subjects, Storage: jetstream.FileStorage})
	if err != nil {
		t.Fatalf("create stream %s: %v", name, err)
	}
	return stream
}

// storedMsg is one message as STREAM.MSG.GET returned it.
type storedMsg struct {
	subject string
	data    string
}

// readStream loads every sequence from first to last with STREAM.MSG.GET, several requests outstanding at
// once: the messages found by sequence, and the sequences the stream answered with an API error for ("no
// message found", or another error for a record it could not read). A request with no answer fails the
// test.
func readStream(t *testing.T, stream jetstream.Stream, first, last uint64) (map[uint64]storedMsg, []uint64) {
	t.Helper()
	const workers = 16
	found := make(map[uint64]storedMsg, last-first+1)
	var missing []uint64
	var mu sync.Mutex
	var failure error
	seqs := make(chan uint64)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for seq := range seqs {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				msg, err := stream.GetMsg(ctx, seq)
				cancel()
				mu.Lock()
				switch {
				case err == nil:
					found[seq] = storedMsg{msg.Subject, string(msg.Data)}
				case errors.As(err, new(*jetstream.APIError)):
					missing = append(missing, seq)
				case failure == nil:
					failure = fmt.Errorf("get message %d: %w", seq, err)
				}
				mu.Unlock()
			}
		})
	}
	for seq := first; seq <= last && seq != 0; seq++ {
		seqs <- seq
	}
	close(seqs)
	wg.Wait()
	if failure != nil {
		t.Fatal(failure)
	}
	slices.Sort(missing)
	return found, missing
}

// streamState is the stream's state as STREAM.INFO reports it now.
func streamState(t *testing.T, stream jetstream.Stream) jetstream.StreamState {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	info, err := stream.Info(ctx)
	if err != nil {
		t.Fatalf("stream info: %v", err)
	}
	return info.State
}

// publishAfterRestart publishes one message to subject and requires the next sequence after last: the
// restarted stream accepts publishes and has kept its last sequence.
func publishAfterRestart(t *testing.T, js jetstream.JetStream, subject string, last uint64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ack, err := js.Publish(ctx, subject, []byte("after restart"))
	if err != nil {
		t.Fatalf("publish after restart: %v", err)
	}
	if ack.Sequence != last+1 {
		t.Fatalf("publish after restart stored at %d, want %d", ack.Sequence, last+1)
	}
}

// segmentFiles are the message files of stream under the store directory, oldest first, the newest last:
// the files in a directory named msgs under the stream's directory with a segment's extension, .seg for
// reactor's segments (beside their .idx indexes), .blk for nats-server's blocks (beside its index.db), so
// that the tests can be pointed at nats-server too. It fails the test when there are none, listing what
// there is.
func segmentFiles(t *testing.T, storeDir, stream string) []string {
	t.Helper()
	segments, everything := listSegments(storeDir, stream)
	if len(segments) == 0 {
		t.Fatalf("no segment files of stream %s under %s/jetstream/*/streams/%s/msgs; the store holds %q",
			stream, storeDir, stream, everything)
	}
	return segments
}

// listSegments are the stream's message files as segmentFiles orders them, and every file of the stream.
func listSegments(storeDir, stream string) (segments, everything []string) {
	dirs, _ := filepath.Glob(filepath.Join(storeDir, "jetstream", "*", "streams", stream))
	for _, dir := range dirs {
		_ = filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			everything = append(everything, path)
			if ext := filepath.Ext(path); filepath.Base(filepath.Dir(path)) == "msgs" && (ext == ".seg" || ext == ".blk") {
				segments = append(segments, path)
			}
			return nil
		})
	}
	// In the order they were made: segment names count up (00000001.seg, 00000002.seg; 1.blk, …, 10.blk),
	// so shorter first.
	slices.SortFunc(segments, func(a, b string) int {
		if c := len(a) - len(b); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return segments, everything
}

// warnedAbout reports whether the daemon logged a warning (or error) line naming file.
func warnedAbout(logs, file string) bool {
	for _, line := range strings.Split(logs, "\n") {
		if (strings.Contains(line, "WRN") || strings.Contains(line, "ERR")) && strings.Contains(line, filepath.Base(file)) {
			return true
		}
	}
	return false
}
