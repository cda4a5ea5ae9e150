package stream_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// A stream with max_consumers unset takes 1000 consumers and refuses the next with 10026, on nats-server
// as on reactor, though its info says -1; a stream whose max_consumers is set takes that many.
func TestStreamConsumerCountDefaultsToAThousand(t *testing.T) {
	for _, side := range []struct {
		name string
		js   func(*testing.T) jetstream.JetStream
	}{
		{"reactor", func(t *testing.T) jetstream.JetStream { _, js := runJetStream(t); return js }},
		{"nats-server", func(t *testing.T) jetstream.JetStream { _, js := referenceJetStream(t); return js }},
	} {
		t.Run(side.name, func(t *testing.T) {
			js := side.js(t)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			s, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "L", Subjects: []string{"l"},
				Storage: jetstream.MemoryStorage})
			if err != nil {
				t.Fatal(err)
			}
			if got := s.CachedInfo().Config.MaxConsumers; got != -1 {
				t.Fatalf("max_consumers %d, want -1", got)
			}
			for i := range 1000 {
				if _, err := s.CreateConsumer(ctx, jetstream.ConsumerConfig{Durable: fmt.Sprint("C", i),
					MemoryStorage: true}); err != nil {
					t.Fatalf("consumer %d: %v", i, err)
				}
			}
			_, err = s.CreateConsumer(ctx, jetstream.ConsumerConfig{Durable: "C1000", MemoryStorage: true})
			wantAPIError(t, "the 1001st consumer", err, 10026, "maximum consumers limit reached")
			_, err = s.CreateConsumer(ctx, jetstream.ConsumerConfig{MemoryStorage: true})
			wantAPIError(t, "an ephemeral 1001st", err, 10026, "maximum consumers limit reached")
			if err := s.DeleteConsumer(ctx, "C0"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.CreateConsumer(ctx, jetstream.ConsumerConfig{Durable: "C1000", MemoryStorage: true}); err != nil {
				t.Fatalf("a consumer after one left: %v", err)
			}

			wide, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "W", Subjects: []string{"w"},
				Storage: jetstream.MemoryStorage, MaxConsumers: 1002})
			if err != nil {
				t.Fatal(err)
			}
			for i := range 1002 {
				if _, err := wide.CreateConsumer(ctx, jetstream.ConsumerConfig{Durable: fmt.Sprint("C", i),
					MemoryStorage: true}); err != nil {
					t.Fatalf("consumer %d of a stream allowing 1002: %v", i, err)
				}
			}
		})
	}
}
