package auth

import "testing"

// The publish path asks CanPublish for every PUB; a repeated subject must cost a map lookup and no
// allocation.
func BenchmarkCheckerCanPublishHit(b *testing.B) {
	c := NewChecker(permissionsFrom(b, `{ publish: { allow: ["orders.>", "events.*.created"], deny: "orders.secret.>" } }`))
	subject := []byte("orders.eu.new")
	if !c.CanPublish(subject) {
		b.Fatal("orders.eu.new must be allowed")
	}
	b.SetBytes(int64(len(subject)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if !c.CanPublish(subject) {
			b.Fatal("denied")
		}
	}
}

// A miss walks the lists; it allocates only the cache entry.
func BenchmarkCheckerCanPublishMiss(b *testing.B) {
	c := NewChecker(permissionsFrom(b, `{ publish: { allow: ["orders.>", "events.*.created"], deny: "orders.secret.>" } }`))
	subjects := [][]byte{[]byte("orders.eu.new"), []byte("events.user.created"), []byte("orders.secret.x"), []byte("other")}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		clear(c.publishAnswers)
		c.CanPublish(subjects[i%len(subjects)])
	}
}

func BenchmarkCheckerCanDeliverHit(b *testing.B) {
	c := NewChecker(permissionsFrom(b, `{ subscribe: { deny: ["orders.secret.>", "*.internal"] } }`))
	subject := []byte("orders.eu.new")
	c.CanDeliver(subject)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if !c.CanDeliver(subject) {
			b.Fatal("denied")
		}
	}
}

// A DeliverFilter is asked uncached, from any loop; it must not allocate either.
func BenchmarkDeliverFilterAllows(b *testing.B) {
	c := NewChecker(permissionsFrom(b, `{ subscribe: { deny: ["orders.secret.>", "*.internal"] } }`))
	f := c.DeliverFilter([]byte("orders.>"), nil)
	if f == nil {
		b.Fatal("orders.> overlaps orders.secret.>: want a filter")
	}
	subject := []byte("orders.eu.new")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if !f.Allows(subject) {
			b.Fatal("denied")
		}
	}
}

func TestCheckerHitsDoNotAllocate(t *testing.T) {
	c := NewChecker(permissionsFrom(t, `{ publish: "orders.>", subscribe: { deny: "orders.secret" } }`))
	subject := []byte("orders.eu.new")
	c.CanPublish(subject)
	c.CanDeliver(subject)
	f := c.DeliverFilter([]byte("orders.*"), nil)
	allocs := testing.AllocsPerRun(1000, func() {
		c.CanPublish(subject)
		c.CanDeliver(subject)
		f.Allows(subject)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per cache hit, want 0", allocs)
	}
}
