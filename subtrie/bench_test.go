package subtrie

import (
	"math/rand/v2"
	"strconv"
	"sync/atomic"
	"testing"
)

// The benchmark subscriptions encode their index i in three numeric tokens, so that every subject is
// distinct and any size up to 1M has the same shape:
//
//	literal:  svc.A.B.C                           (A = i/10000, B = i/100%100, C = i%100)
//	wildcard: svc.A.B.C.*, svc.A.*.B.C, svc.A.B.C.>  (by i%3)
//
// Published subjects are svc.A.B.C (literal) or svc.A.B.C.D (wildcard) for a random i below the size, so a
// publish matches about one subscription and a wildcard walk also explores the '*' branches it passes.

var benchSizes = []struct {
	name string
	subs int
}{
	{"10k", 10_000},
	{"100k", 100_000},
	{"1M", 1_000_000},
}

func benchTokens(i int) (a, b, c string) {
	return strconv.Itoa(i / 10000), strconv.Itoa(i / 100 % 100), strconv.Itoa(i % 100)
}

func benchSubscription(kind string, i int) *Subscription {
	a, b, c := benchTokens(i)
	subject := "svc." + a + "." + b + "." + c
	if kind == "wildcard" {
		switch i % 3 {
		case 0:
			subject += ".*"
		case 1:
			subject = "svc." + a + ".*." + b + "." + c
		default:
			subject += ".>"
		}
	}
	return &Subscription{Subject: subject}
}

func benchSubject(kind string, i int) []byte {
	a, b, c := benchTokens(i)
	subject := "svc." + a + "." + b + "." + c
	if kind == "wildcard" {
		subject += "." + strconv.Itoa(i*7%100)
	}
	return []byte(subject)
}

// benchSubjects returns count published subjects for a trie of size subscriptions.
func benchSubjects(kind string, size, count int) [][]byte {
	rng := rand.New(rand.NewPCG(1, 2))
	subjects := make([][]byte, count)
	for i := range subjects {
		subjects[i] = benchSubject(kind, rng.IntN(size))
	}
	return subjects
}

func BenchmarkMatch(b *testing.B) {
	for _, kind := range []string{"literal", "wildcard"} {
		for _, size := range benchSizes {
			// Built once per kind and size, and only if a sub-benchmark of it is selected.
			b.Run(kind+"/"+size.name, func(b *testing.B) {
				trie := New()
				for i := range size.subs {
					if err := trie.Insert(benchSubscription(kind, i)); err != nil {
						b.Fatal(err)
					}
				}
				// 1024 subjects fit the cache many times over, so after two passes (the second miss caches a
				// subject) every Match is a hit.
				hot := benchSubjects(kind, size.subs, 1024)
				for range 2 {
					for _, subject := range hot {
						trie.Match(subject)
					}
				}
				// Misses are timed on matchMiss, the path Match takes when the cache does not have the
				// subject: trie walk, building the Result, storing it (and evicting when a shard is full).
				cold := benchSubjects(kind, size.subs, 1<<16)

				b.Run("hit", func(b *testing.B) {
					b.ReportAllocs()
					for i := 0; b.Loop(); i++ {
						trie.Match(hot[i&(len(hot)-1)])
					}
				})
				b.Run("hit-parallel", func(b *testing.B) {
					b.ReportAllocs()
					var goroutine atomic.Int64
					b.RunParallel(func(pb *testing.PB) {
						i := int(goroutine.Add(1)) * 257 // goroutines start on different subjects
						for ; pb.Next(); i++ {
							trie.Match(hot[i&(len(hot)-1)])
						}
					})
				})
				b.Run("miss", func(b *testing.B) {
					b.ReportAllocs()
					for i := 0; b.Loop(); i++ {
						subject := cold[i&(len(cold)-1)]
						trie.matchMiss(subject, trie.cache.hash(subject))
					}
				})
			})
		}
	}
}

// BenchmarkInsert times Insert into a trie growing from empty, with an empty cache.
func BenchmarkInsert(b *testing.B) {
	for _, kind := range []string{"literal", "wildcard"} {
		b.Run(kind, func(b *testing.B) {
			b.ReportAllocs()
			subs := make([]*Subscription, b.N)
			for i := range subs {
				subs[i] = benchSubscription(kind, i)
			}
			trie := New()
			b.ResetTimer()
			for _, s := range subs {
				if err := trie.Insert(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkInsertRemove times subscription churn (an inbox-style literal, or a wildcard) against 100k
// subscriptions and a full cache, which is where invalidation costs: a wildcard change is tried against
// every cached subject.
func BenchmarkInsertRemove(b *testing.B) {
	const size = 100_000
	trie := New()
	for i := range size {
		if err := trie.Insert(benchSubscription("literal", i)); err != nil {
			b.Fatal(err)
		}
	}
	for range 2 { // the second miss caches a subject
		for i := range cacheShards * cacheShardLimit {
			trie.Match(benchSubject("literal", i))
		}
	}
	for _, churn := range []struct{ name, subject string }{
		{"literal", "_INBOX.abcdef.1"},
		{"wildcard", "svc.*.7.>"},
	} {
		b.Run(churn.name, func(b *testing.B) {
			b.ReportAllocs()
			s := &Subscription{Subject: churn.subject}
			for b.Loop() {
				if err := trie.Insert(s); err != nil {
					b.Fatal(err)
				}
				if err := trie.Remove(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMatchUnique times Match of subjects each used once, as JetStream ack subjects are
// ($JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>, matched by the stream's one
// subscription on $JS.ACK.<stream>.<consumer>.>), against 100k literal subscriptions whose subjects fill
// the cache: the whole Match path, cache lookup and miss.
func BenchmarkMatchUnique(b *testing.B) {
	const size = 100_000
	trie := New()
	for i := range size {
		if err := trie.Insert(benchSubscription("literal", i)); err != nil {
			b.Fatal(err)
		}
	}
	if err := trie.Insert(&Subscription{Subject: "$JS.ACK.ORDERS.C1.>"}); err != nil {
		b.Fatal(err)
	}
	for range 2 {
		for i := range cacheShards * cacheShardLimit {
			trie.Match(benchSubject("literal", i))
		}
	}
	b.ReportAllocs()
	subject := make([]byte, 0, 80)
	for seq := int64(1); b.Loop(); seq++ {
		subject = strconv.AppendInt(append(subject[:0], "$JS.ACK.ORDERS.C1.1."...), seq, 10)
		subject = strconv.AppendInt(append(subject, '.'), seq, 10)
		subject = strconv.AppendInt(append(subject, '.'), 1700000000000000000+seq, 10)
		subject = append(subject, ".0"...)
		if r := trie.Match(subject); len(r.Plain) != 1 {
			b.Fatalf("Match(%q) found %d subscriptions", subject, len(r.Plain))
		}
	}
}
