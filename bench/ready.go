package bench

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
)

// A subscriber's Flush proves that its own server has the subscription, not that the other nodes of a
// cluster know of it: they learn it from an RS+ that crosses a route a little later, and a message
// published there before it arrives is dropped for want of interest. So before a run publishes, every
// subscriber (or responder) must have heard a probe from every publisher (or requester). Each subscriber
// connection also subscribes to the run's ready subject, after its real subscription: a route carries one
// server's RS+ lines in order, so a probe that reaches it through the publisher's node proves that node
// holds the real subscription's interest too. On a single server the first round of probes settles it.

// probeInterval is how long one round of probes waits for answers before the next round goes out.
const probeInterval = 10 * time.Millisecond

// readySubject is the subject of subject's probes.
func readySubject(subject string) string { return subject + ".ready" }

// readiness records which publishers each subscriber has heard a probe from.
type readiness struct {
	pubs int

	mu    sync.Mutex     // guards heard and ready
	heard []map[int]bool // by subscriber: the publishers heard from
	ready int            // subscribers that have heard from every publisher
	done  chan struct{}  // closed when every subscriber has heard from every publisher
}

func newReadiness(pubs, subs int) *readiness {
	r := &readiness{pubs: pubs, heard: make([]map[int]bool, subs), done: make(chan struct{})}
	for i := range r.heard {
		r.heard[i] = map[int]bool{}
	}
	if subs == 0 {
		close(r.done)
	}
	return r
}

// onProbe is subscriber sub's handler for the ready subject; a probe's payload is its publisher's index.
func (r *readiness) onProbe(sub int) nats.MsgHandler {
	return func(m *nats.Msg) {
		pub, err := strconv.Atoi(string(m.Data))
		if err != nil || pub < 0 || pub >= r.pubs {
			return
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.heard[sub][pub] {
			return
		}
		r.heard[sub][pub] = true
		if len(r.heard[sub]) == r.pubs {
			r.ready++
			if r.ready == len(r.heard) {
				close(r.done)
			}
		}
	}
}

// await sends rounds of probes, one from each publisher, until every subscriber has heard from every
// publisher, or fails after within naming a subscriber still waiting.
func (r *readiness) await(ctx context.Context, subject string, pubs []*nats.Conn, within time.Duration) error {
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	for {
		for i, nc := range pubs {
			if err := nc.Publish(readySubject(subject), []byte(strconv.Itoa(i))); err != nil {
				return fmt.Errorf("pub-%d: probe: %w", i, err)
			}
		}
		select {
		case <-r.done:
			return nil
		case <-ctx.Done():
			return fmt.Errorf("waiting for interest: %w", context.Cause(ctx))
		case <-deadline.C:
			return fmt.Errorf("probes unanswered after %v: %s", within, r.missing())
		case <-time.After(probeInterval):
		}
	}
}

// missing names the first subscriber that has not heard from every publisher.
func (r *readiness) missing() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	for sub, heard := range r.heard {
		if len(heard) < r.pubs {
			return fmt.Sprintf("subscriber %d heard from %d of %d publishers", sub, len(heard), r.pubs)
		}
	}
	return "none"
}
