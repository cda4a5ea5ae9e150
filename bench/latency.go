package bench

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
)

// requestTimeout bounds one request; a reply that takes this long fails the run.
const requestTimeout = 5 * time.Second

// runRequestReply runs a RequestReply row: one responder connection answers every request with its own
// payload, and row.Pubs requesters, each on its own connection, call Request in a loop, one request
// outstanding at a time. The rate counts requests over the wall time of the whole run; the percentiles
// are over every round trip of every requester.
func runRequestReply(ctx context.Context, srv *Server, row Row, subject string) (Sample, error) {
	cs := newClients(srv)
	defer cs.close()

	respond := func(m *nats.Msg) {
		if err := m.Respond(m.Data); err != nil {
			cs.fail(fmt.Errorf("responder: %w", err))
		}
	}
	if err := subscribe(cs, "responder", subject, false, respond); err != nil {
		return Sample{}, err
	}

	payload := make([]byte, row.Payload)
	requesters := make([]*nats.Conn, row.Pubs)
	for i := range requesters {
		nc, err := cs.connect(fmt.Sprintf("requester-%d", i))
		if err != nil {
			return Sample{}, err
		}
		// The first request sets up the connection's reply subscription; it is not a round trip we measure.
		if _, err := nc.Request(subject, payload, setupTimeout); err != nil {
			return Sample{}, fmt.Errorf("requester-%d: warm-up request: %w", i, err)
		}
		requesters[i] = nc
	}

	latencies := make([][]time.Duration, len(requesters))
	finished := make(chan struct{})
	var wg sync.WaitGroup
	start := time.Now()
	for i, nc := range requesters {
		share := row.Msgs / len(requesters)
		if i == 0 {
			share += row.Msgs % len(requesters)
		}
		latencies[i] = make([]time.Duration, 0, share)
		wg.Go(func() {
			for range share {
				sent := time.Now()
				if _, err := nc.Request(subject, payload, requestTimeout); err != nil {
					cs.fail(fmt.Errorf("requester-%d: %w", i, err))
					return
				}
				latencies[i] = append(latencies[i], time.Since(sent))
				if ctx.Err() != nil {
					cs.fail(fmt.Errorf("unfinished: %w", context.Cause(ctx)))
					return
				}
			}
		})
	}
	go func() { wg.Wait(); close(finished) }()
	if err := cs.wait(ctx, finished); err != nil {
		return Sample{}, err
	}
	elapsed := time.Since(start)

	all := slices.Concat(latencies...)
	slices.Sort(all)
	return Sample{Msgs: len(all), Elapsed: elapsed, P50: Percentile(all, 50), P99: Percentile(all, 99)}, nil
}
