package subtrie

// Stats describe an index for monitoring (/subsz, /accountz), in nats-server's terms.
type Stats struct {
	Subscriptions int
	Cache         int    // subjects in the match cache
	Inserts       uint64 // successful Inserts since New
	Removes       uint64 // successful Removes since New
	Misses        uint64 // Matches that walked the trie; a Match is otherwise a cache hit
	MaxFanout     int    // most subscriptions (a queue group counts each member) any cached subject matches
	AvgFanout     float64
}

// Stats reads the index's counters. Matches are not counted here: a cache hit must stay free of shared
// writes, so callers count their own Matches and derive hits as matches less Misses.
func (t *Trie) Stats() Stats {
	t.mu.RLock()
	st := Stats{Subscriptions: len(t.slots), Inserts: t.inserts, Removes: t.removes}
	t.mu.RUnlock()
	st.Misses = t.misses.Load()
	total := 0
	for i := range t.cache.shards {
		s := &t.cache.shards[i]
		s.mu.RLock()
		for _, r := range s.results {
			n := len(r.Plain)
			for _, q := range r.Queues {
				n += len(q)
			}
			st.MaxFanout = max(st.MaxFanout, n)
			total += n
			st.Cache++
		}
		s.mu.RUnlock()
	}
	if st.Cache > 0 {
		st.AvgFanout = float64(total) / float64(st.Cache)
	}
	return st
}
