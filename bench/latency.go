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

// runRequestReply runs a RequestReply row against nodes, each client on its node of row.Place: one
// responder connection answers every request with its own payload, and row.Pubs requesters, each on its
// own connection, call Request in a loop, one request outstanding at a time. The rate counts requests over
// the wall time of the whole run; the percentiles are over every round trip of every requester.
func runRequestReply(ctx context.Context, nodes []*Server, row Row, subject string) (Sample, error) {
	cs := newClients()
	defer cs.close()

	respond := func(m *nats.Msg) {
		if err := m.Respond(m.Data); err != nil {
			cs.fail(fmt.Errorf("responder: %w", err))
		}
	}
	ready := newReadiness(row.Pubs, 1)
	if err := subscribe(cs, "responder", nodes[row.Place.Sub(0)], subject, false, respond, ready.onProbe(0)); err != nil {
		return Sample{}, err
	}

	payload := make([]byte, row.Payload)
	requesters := make([]*nats.Conn, row.Pubs)
	for i := range requesters {
		nc, err := cs.connect(fmt.Sprintf("requester-%d", i), nodes[row.Place.Pub(i)])
		if err != nil {
			return Sample{}, err
		}
		requesters[i] = nc
	}
	if err := ready.await(ctx, subject, requesters, setupTimeout); err != nil {
		return Sample{}, err
	}
	for i, nc := range requesters {
		// The first request sets up the connection's reply subscription; it is not a round trip we measure.
		if _, err := nc.Request(subject, payload, setupTimeout); err != nil {
			return Sample{}, fmt.Errorf("requester-%d: warm-up request: %w", i, err)
		}
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
