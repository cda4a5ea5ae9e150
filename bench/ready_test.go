package bench

import (
	"strconv"
	"testing"

	"github.com/nats-io/nats.go"
)

// TestReadinessWaitsForEveryPublisherAtEverySubscriber: ready only once each subscriber has heard a probe
// from each publisher; repeated and malformed probes count for nothing.
func TestReadinessWaitsForEveryPublisherAtEverySubscriber(t *testing.T) {
	r := newReadiness(2, 2)
	probe := func(sub int, payload string) { r.onProbe(sub)(&nats.Msg{Data: []byte(payload)}) }
	isReady := func() bool {
		select {
		case <-r.done:
			return true
		default:
			return false
		}
	}
	for _, p := range []struct {
		sub     int
		payload string
	}{{0, "0"}, {0, "0"}, {0, "1"}, {1, "1"}, {1, "2"}, {1, "x"}} {
		probe(p.sub, p.payload)
		if isReady() {
			t.Fatalf("ready after subscriber %d heard %q", p.sub, p.payload)
		}
	}
	if got := r.missing(); got != "subscriber 1 heard from 1 of 2 publishers" {
		t.Errorf("missing: %q", got)
	}
	probe(1, strconv.Itoa(0))
	if !isReady() {
		t.Fatal("not ready when every subscriber heard from every publisher")
	}
	select {
	case <-newReadiness(1, 0).done:
	default:
		t.Fatal("with no subscribers, not ready at once")
	}
}
