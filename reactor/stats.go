package reactor

import "sync/atomic"

// tally counts what one callback did. It is loop-owned and plain, so the hot path never touches an atomic;
// endCallback adds it to the loop's stats once.
type tally struct {
	inMsgs, inBytes, outMsgs, outBytes int64
}

// loopStats are one loop's running totals. Only the owning loop adds to them, so the atomics are never
// contended; readers on other goroutines sum them over all loops.
type loopStats struct {
	inMsgs, inBytes, outMsgs, outBytes atomic.Int64
	slowConsumers                      atomic.Int64
	stalls                             atomic.Int64 // publisher reads paused for a slow subscriber
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
	Connections   int
	Subscriptions int
}

// Stats sums the counters of every loop. Safe from any goroutine.
func (s *Server) Stats() Stats {
	var st Stats
	for _, l := range s.loopList() {
		st.InMsgs += l.stats.inMsgs.Load()
		st.InBytes += l.stats.inBytes.Load()
		st.OutMsgs += l.stats.outMsgs.Load()
		st.OutBytes += l.stats.outBytes.Load()
		st.SlowConsumers += l.stats.slowConsumers.Load()
		st.Stalls += l.stats.stalls.Load()
	}
	st.Connections = int(s.numClients.Load())
	for _, a := range s.accounts {
		st.Subscriptions += a.subs.Count()
	}
	return st
}
