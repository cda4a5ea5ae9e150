package reactor

import "sync/atomic"

// tally counts what one callback did. It is loop-owned and plain, so the hot path never touches an atomic;
// endCallback adds it to the loop's stats once.
type tally struct {
	inMsgs, inBytes, outMsgs, outBytes int64
	matches                            int64 // subject index lookups, for /subsz
	route                              routeTally
}

// routeTally is the share of a tally that crossed a route: messages from peers (in) and to peers (out).
// They are counted in the totals as well, as nats-server's in_msgs and out_msgs count them.
type routeTally struct {
	inMsgs, inBytes, outMsgs, outBytes int64
}

// loopStats are one loop's running totals. Only the owning loop adds to them, so the atomics are never
// contended; readers on other goroutines sum them over all loops.
type loopStats struct {
	inMsgs, inBytes, outMsgs, outBytes atomic.Int64
	slowConsumers                      atomic.Int64 // clients cut off as slow consumers
	slowRoutes                         atomic.Int64 // routes cut off as slow consumers
	stalls                             atomic.Int64 // publisher reads paused for a slow subscriber
	conns                              atomic.Int64 // connections on the loop
	matches                            atomic.Int64
	routeInMsgs, routeInBytes          atomic.Int64
	routeOutMsgs, routeOutBytes        atomic.Int64
}

func (l *loop) commitStats() {
	t := &l.tally
	if *t == (tally{}) {
		return
	}
	l.stats.inMsgs.Add(t.inMsgs)
	l.stats.inBytes.Add(t.inBytes)
	l.stats.outMsgs.Add(t.outMsgs)
	l.stats.outBytes.Add(t.outBytes)
	l.stats.matches.Add(t.matches)
	if r := t.route; r != (routeTally{}) {
		l.stats.routeInMsgs.Add(r.inMsgs)
		l.stats.routeInBytes.Add(r.inBytes)
		l.stats.routeOutMsgs.Add(r.outMsgs)
		l.stats.routeOutBytes.Add(r.outBytes)
	}
	*t = tally{}
}

// Stats are server-wide totals, named as in nats-server's /varz.
type Stats struct {
	InMsgs        int64
	InBytes       int64
	OutMsgs       int64
	OutBytes      int64
	SlowConsumers int64
	Stalls        int64 // times a publisher's reads were paused because a subscriber fell behind
	Stale         int64 // connections closed for leaving PINGs unanswered
	Matches       int64 // subject index lookups
	Connections   int   // client connections open now
	Total         int64 // client connections accepted since start
	Subscriptions int
	// Route* are the part of the message totals that crossed a route (in: from peers, out: to peers).
	RouteInMsgs, RouteInBytes, RouteOutMsgs, RouteOutBytes int64
	Loops                                                  []LoopStats
}

// LoopStats are one event loop's share, for per-loop metrics.
type LoopStats struct {
	Index         int
	Connections   int64
	InMsgs        int64
	OutMsgs       int64
	InboxBytes    int64 // bytes posted to the loop by other loops and not yet delivered: its queue depth
	SlowConsumers int64
	Stalls        int64
}

// Stats sums the counters of every loop. Safe from any goroutine.
func (s *Server) Stats() Stats {
	var st Stats
	for _, l := range s.loopList() {
		st.Loops = append(st.Loops, LoopStats{
			Index:         l.idx,
			Connections:   l.stats.conns.Load(),
			InMsgs:        l.stats.inMsgs.Load(),
			OutMsgs:       l.stats.outMsgs.Load(),
			InboxBytes:    l.inboxBytes.Load(),
			SlowConsumers: l.stats.slowConsumers.Load(),
			Stalls:        l.stats.stalls.Load(),
		})
		st.InMsgs += l.stats.inMsgs.Load()
		st.InBytes += l.stats.inBytes.Load()
		st.OutMsgs += l.stats.outMsgs.Load()
		st.OutBytes += l.stats.outBytes.Load()
		st.SlowConsumers += l.stats.slowConsumers.Load()
		st.Stalls += l.stats.stalls.Load()
		st.Matches += l.stats.matches.Load()
		st.RouteInMsgs += l.stats.routeInMsgs.Load()
		st.RouteInBytes += l.stats.routeInBytes.Load()
		st.RouteOutMsgs += l.stats.routeOutMsgs.Load()
		st.RouteOutBytes += l.stats.routeOutBytes.Load()
	}
	st.Connections = int(s.numClients.Load())
	st.Total = s.total.Load()
	st.Stale = s.stale.Load()
	for _, a := range s.accounts.all() {
		st.Subscriptions += a.subscriptionCount()
	}
	return st
}
