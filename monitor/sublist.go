package monitor

import (
	"github.com/reactor-nats/reactor/reactor"
	"github.com/reactor-nats/reactor/subtrie"
)

// SublistStats are a subject index's counters, as /subsz and /accountz report them.
type SublistStats struct {
	NumSubs      int     `json:"num_subscriptions"`
	NumCache     int     `json:"num_cache"`
	NumInserts   uint64  `json:"num_inserts"`
	NumRemoves   uint64  `json:"num_removes"`
	NumMatches   uint64  `json:"num_matches"`
	CacheHitRate float64 `json:"cache_hit_rate"` // hits / matches
	MaxFanout    int     `json:"max_fanout"`
	AvgFanout    float64 `json:"avg_fanout"` // over the cached subjects
}

// Reactor counts subject lookups (matches) per loop, for the whole server, because a cache hit must not
// write anything shared; each account's index counts only its misses (lookups that walked the trie). The
// server-wide figures are therefore exact: hits = matches - Σ misses. An account's matches are exact only
// when it is the one account that has missed at all. A cache hit needs an earlier miss of the same subject
// in the same account, so an account without misses has had no lookups, and the one account with misses
// has had all of them. When several have, their hits cannot be told apart and each reports its misses
// alone, a lower bound. Today every client is in the global account, so the figures are exact.

// accountMatches attributes the server's lookups to accounts.
func accountMatches(accounts []reactor.AccountInfo, serverMatches int64) map[string]uint64 {
	var misses uint64
	missed := 0
	out := make(map[string]uint64, len(accounts))
	for _, a := range accounts {
		misses += a.Subs.Misses
		out[a.Name] = a.Subs.Misses
		if a.Subs.Misses > 0 {
			missed++
		}
	}
	if missed != 1 {
		return out
	}
	for _, a := range accounts {
		if a.Subs.Misses > 0 {
			out[a.Name] = max(uint64(max(serverMatches, 0)), misses)
		}
	}
	return out
}

// sublistStats renders one index's counters given its matches.
func sublistStats(st subtrie.Stats, matches uint64) SublistStats {
	matches = max(matches, st.Misses) // loops commit their counts at the end of a callback, so matches may lag
	s := SublistStats{
		NumSubs:    st.Subscriptions,
		NumCache:   st.Cache,
		NumInserts: st.Inserts,
		NumRemoves: st.Removes,
		NumMatches: matches,
		MaxFanout:  st.MaxFanout,
		AvgFanout:  st.AvgFanout,
	}
	if matches > 0 {
		s.CacheHitRate = float64(matches-st.Misses) / float64(matches)
	}
	return s
}

// serverSublistStats sums every account's index, as nats-server's /subsz does without acc: counts add up,
// max_fanout is the largest, avg_fanout is weighted by each index's cached subjects.
func serverSublistStats(accounts []reactor.AccountInfo, serverMatches int64) SublistStats {
	var sum subtrie.Stats
	var fanoutTotal float64
	for _, a := range accounts {
		sum.Subscriptions += a.Subs.Subscriptions
		sum.Cache += a.Subs.Cache
		sum.Inserts += a.Subs.Inserts
		sum.Removes += a.Subs.Removes
		sum.Misses += a.Subs.Misses
		sum.MaxFanout = max(sum.MaxFanout, a.Subs.MaxFanout)
		fanoutTotal += a.Subs.AvgFanout * float64(a.Subs.Cache)
	}
	if sum.Cache > 0 {
		sum.AvgFanout = fanoutTotal / float64(sum.Cache)
	}
	return sublistStats(sum, uint64(max(serverMatches, 0)))
}
