package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// JetStream recovery: how long a server takes, from exec, to serve a file stream of many messages after a
// clean shutdown, and how much memory it holds once it does. Each server fills its own store once (async
// publish, then SIGTERM), and every repetition only restarts it on that store, so the fill's cost is paid
// once per run of the matrix.

// RecoverySection is the name -run matches to select the recovery section.
const RecoverySection = "JetStream recovery"

// RecoveryConfig sizes the recovery section.
type RecoveryConfig struct {
	Msgs     int // in the stream
	Payload  int
	Reps     int           // restarts of each server
	Timeout  time.Duration // bounds the fill, and each restart until the stream answers with every message
	StoreDir string        // each server's store is a fresh directory under it, named for the server
	Progress io.Writer
}

// DefaultRecovery is a stream of a million 128-byte messages.
var DefaultRecovery = RecoveryConfig{Msgs: 1_000_000, Payload: 128}

// recoveryStream is the stream the section fills and recovers, on subject recoverySubject.
const (
	recoveryStream  = "RECOVERY"
	recoverySubject = "bench.recovery"
	// shutdownGrace is how long a server may take to stop cleanly (to write whatever it writes at a clean
	// shutdown) before it is killed and the run fails.
	shutdownGrace = 60 * time.Second
	// recoveryPoll is how often STREAM.INFO is asked while a server recovers: the resolution of the time.
	recoveryPoll = 5 * time.Millisecond
)

// RecoveryReport is the recovery section's outcome, one entry per server.
type RecoveryReport struct {
	Msgs, Payload int
	Servers       []RecoveryResult
}

// RecoveryResult is one server's outcome: medians over the restarts that finished.
type RecoveryResult struct {
	Server   string
	FillRate float64       // msgs/s of the one fill (async publish); 0 when it failed
	Time     time.Duration // from exec until STREAM.INFO reports every message
	RSS      int64         // VmRSS at that moment, bytes
	Runs     int           // restarts that finished
	Spread   float64       // of the times, as Summary.Spread
	Errors   []string      // why the fill or the other restarts failed
}

// OK reports whether any restart finished.
func (r RecoveryResult) OK() bool { return r.Runs > 0 }

// recovery is one restart's measurement.
type recovery struct {
	elapsed time.Duration
	rss     int64
}

// RunRecovery fills a store for each server, then restarts each cfg.Reps times on it, alternating the
// servers as RunMatrix does. The stores are left under cfg.StoreDir for the caller to remove.
func RunRecovery(ctx context.Context, starters []Starter, cfg RecoveryConfig) *RecoveryReport {
	type runs struct {
		fillRate  float64
		fillErr   error
		recovered []recovery
		errs      []error
	}
	byServer := map[string]*runs{}
	for _, st := range starters {
		r := &runs{}
		byServer[st.Name] = r
		fill, err := runOnce(ctx, cfg.Timeout, func(ctx context.Context) (Sample, error) {
			return fillStore(ctx, st, storeDirOf(cfg, st), cfg)
		})
		prefix := fmt.Sprintf("[recovery] %-11s fill %s msgs:", st.Name, formatCount(float64(cfg.Msgs)))
		if err != nil {
			r.fillErr = err
			fmt.Fprintf(cfg.Progress, "%s FAILED: %v\n", prefix, err)
			continue
		}
		r.fillRate = fill.Rate()
		fmt.Fprintf(cfg.Progress, "%s %s msgs/s (%v)\n", prefix, formatCount(fill.Rate()), fill.Elapsed.Round(time.Millisecond))
	}
	eachRep(starters, cfg.Reps, func(rep int, st Starter) {
		r := byServer[st.Name]
		if r.fillErr != nil {
			return
		}
		got, err := runOnce(ctx, cfg.Timeout, func(ctx context.Context) (recovery, error) {
			return recoverStore(ctx, st, storeDirOf(cfg, st), cfg.Msgs)
		})
		prefix := fmt.Sprintf("[recovery] %-11s rep %d/%d:", st.Name, rep+1, cfg.Reps)
		if err != nil {
			r.errs = append(r.errs, err)
			fmt.Fprintf(cfg.Progress, "%s FAILED: %v\n", prefix, err)
			return
		}
		r.recovered = append(r.recovered, got)
		fmt.Fprintf(cfg.Progress, "%s %v to serve %s msgs, %.0f MiB RSS\n", prefix,
			got.elapsed.Round(time.Millisecond), formatCount(float64(cfg.Msgs)), float64(got.rss)/(1<<20))
	})

	report := &RecoveryReport{Msgs: cfg.Msgs, Payload: cfg.Payload}
	for _, st := range starters {
		r := byServer[st.Name]
		res := RecoveryResult{Server: st.Name, FillRate: r.fillRate, Runs: len(r.recovered)}
		if r.fillErr != nil {
			res.Errors = append(res.Errors, "fill: "+r.fillErr.Error())
		}
		for _, err := range r.errs {
			res.Errors = append(res.Errors, err.Error())
		}
		var times, rss []float64
		for _, got := range r.recovered {
			times = append(times, float64(got.elapsed))
			rss = append(rss, float64(got.rss))
		}
		res.Time, res.RSS, res.Spread = time.Duration(Median(times)), int64(Median(rss)), Spread(times)
		report.Servers = append(report.Servers, res)
	}
	return report
}

func storeDirOf(cfg RecoveryConfig, st Starter) string {
	return filepath.Join(cfg.StoreDir, "recovery-"+st.Name)
}

// fillStore starts st on a fresh store at dir, publishes cfg.Msgs messages into a file stream with
// PublishAsync, checks that the stream holds them all and stops the server cleanly.
func fillStore(ctx context.Context, st Starter, dir string, cfg RecoveryConfig) (Sample, error) {
	if err := os.RemoveAll(dir); err != nil {
		return Sample{}, err
	}
	srv, err := StartJetStream(st, dir)
	if err != nil {
		return Sample{}, err
	}
	defer srv.Stop()
	cs := newClients()
	defer cs.close()
	js, err := jsPublisher(cs, srv)
	if err != nil {
		return Sample{}, err
	}
	stream, err := createStream(ctx, js, recoveryStream, recoverySubject, false)
	if err != nil {
		return Sample{}, err
	}
	fill, err := watched(ctx, cs, func() (Sample, error) {
		return publishAsync(ctx, js, recoverySubject, make([]byte, cfg.Payload), cfg.Msgs)
	})
	if err != nil {
		return Sample{}, fmt.Errorf("%s: %w", srv.Name, err)
	}
	if err := checkStored(ctx, stream, cfg.Msgs); err != nil {
		return Sample{}, fmt.Errorf("%s: %w", srv.Name, err)
	}
	cs.close()
	if err := srv.Terminate(shutdownGrace); err != nil {
		return Sample{}, err
	}
	return fill, nil
}

// recoverStore starts st on the filled store at dir and measures the time from exec until STREAM.INFO
// reports all msgs, and the server's RSS then; it stops the server cleanly again, so the next restart
// recovers from a clean shutdown too.
func recoverStore(ctx context.Context, st Starter, dir string, msgs int) (recovery, error) {
	srv, err := StartJetStream(st, dir)
	if err != nil {
		return recovery{}, err
	}
	defer srv.Stop()
	cs := newClients()
	defer cs.close()
	nc, err := cs.connect("recovery-probe", srv)
	if err != nil {
		return recovery{}, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return recovery{}, err
	}
	var lastErr error
	for {
		held, err := streamMsgs(ctx, js)
		if err == nil && held == uint64(msgs) {
			break
		}
		if err == nil {
			err = fmt.Errorf("stream holds %d of %d messages", held, msgs)
		}
		lastErr = err
		select {
		case <-ctx.Done():
			return recovery{}, fmt.Errorf("%s: not recovered: %v: %w", srv.Name, lastErr, context.Cause(ctx))
		case failure := <-cs.failed:
			return recovery{}, fmt.Errorf("%s: %w (while recovering: %v)", srv.Name, failure, lastErr)
		case <-time.After(recoveryPoll):
		}
	}
	got := recovery{elapsed: time.Since(srv.Started)}
	if got.rss, err = srv.RSS(); err != nil {
		return recovery{}, err
	}
	cs.close()
	return got, srv.Terminate(shutdownGrace)
}

// streamMsgs asks the recovery stream's info and returns how many messages it holds.
func streamMsgs(ctx context.Context, js jetstream.JetStream) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	stream, err := js.Stream(ctx, recoveryStream)
	if err != nil {
		return 0, err
	}
	info := stream.CachedInfo()
	if info == nil {
		return 0, errors.New("stream info empty")
	}
	return info.State.Msgs, nil
}
