package monitor

import (
	"cmp"
	"slices"
	"time"

	"github.com/reactor-nats/reactor/reactor"
)

// connSort is /connz's sort parameter, spelled as nats-server spells it (case matters there too).
type connSort string

const (
	sortByCid       connSort = "cid"
	sortByStart     connSort = "start"
	sortBySubs      connSort = "subs"
	sortByPending   connSort = "pending"
	sortByOutMsgs   connSort = "msgs_to"
	sortByInMsgs    connSort = "msgs_from"
	sortByOutBytes  connSort = "bytes_to"
	sortByInBytes   connSort = "bytes_from"
	sortByLast      connSort = "last"
	sortByIdle      connSort = "idle"
	sortByUptime    connSort = "uptime"
	sortByStop      connSort = "stop"   // closed connections only
	sortByReason    connSort = "reason" // closed connections only
	sortByRTT       connSort = "rtt"
	defaultConnSort          = sortByCid
)

// connOrder compares two connections for a sort key. The directions are nats-server's, checked against the
// binary: counters, last activity, stop and RTT put the largest first; cid, start and reason ascend; idle
// puts the longest idle (the oldest last activity) first; uptime puts the shortest first. A closed
// connection's uptime ends at its stop.
var connOrder = map[connSort]func(a, b *reactor.ConnInfo, now time.Time) int{
	sortByCid:      func(a, b *reactor.ConnInfo, _ time.Time) int { return cmp.Compare(a.CID, b.CID) },
	sortByStart:    func(a, b *reactor.ConnInfo, _ time.Time) int { return a.Start.Compare(b.Start) },
	sortBySubs:     func(a, b *reactor.ConnInfo, _ time.Time) int { return cmp.Compare(b.NumSubs, a.NumSubs) },
	sortByPending:  func(a, b *reactor.ConnInfo, _ time.Time) int { return cmp.Compare(b.PendingBytes, a.PendingBytes) },
	sortByOutMsgs:  func(a, b *reactor.ConnInfo, _ time.Time) int { return cmp.Compare(b.OutMsgs, a.OutMsgs) },
	sortByInMsgs:   func(a, b *reactor.ConnInfo, _ time.Time) int { return cmp.Compare(b.InMsgs, a.InMsgs) },
	sortByOutBytes: func(a, b *reactor.ConnInfo, _ time.Time) int { return cmp.Compare(b.OutBytes, a.OutBytes) },
	sortByInBytes:  func(a, b *reactor.ConnInfo, _ time.Time) int { return cmp.Compare(b.InBytes, a.InBytes) },
	sortByLast:     func(a, b *reactor.ConnInfo, _ time.Time) int { return b.LastActivity.Compare(a.LastActivity) },
	sortByIdle:     func(a, b *reactor.ConnInfo, _ time.Time) int { return a.LastActivity.Compare(b.LastActivity) },
	sortByUptime: func(a, b *reactor.ConnInfo, now time.Time) int {
		return cmp.Compare(uptimeOf(a, now), uptimeOf(b, now))
	},
	sortByStop:   func(a, b *reactor.ConnInfo, _ time.Time) int { return b.Stop.Compare(a.Stop) },
	sortByReason: func(a, b *reactor.ConnInfo, _ time.Time) int { return cmp.Compare(a.Reason, b.Reason) },
	sortByRTT:    func(a, b *reactor.ConnInfo, _ time.Time) int { return cmp.Compare(b.RTT, a.RTT) },
}

func parseConnSort(v string) (connSort, error) {
	if v == "" {
		return defaultConnSort, nil
	}
	if _, ok := connOrder[connSort(v)]; !ok {
		return "", &badRequest{"invalid sorting option: " + v}
	}
	return connSort(v), nil
}

// sortConns orders conns by key. Ties keep cid order, so a page boundary never moves between requests
// that see the same data (nats-server leaves ties in no particular order).
func sortConns(conns []reactor.ConnInfo, key connSort, now time.Time) {
	byCid := connOrder[sortByCid]
	order := connOrder[key]
	slices.SortFunc(conns, func(a, b reactor.ConnInfo) int {
		if c := order(&a, &b, now); c != 0 {
			return c
		}
		return byCid(&a, &b, now)
	})
}

func uptimeOf(c *reactor.ConnInfo, now time.Time) time.Duration {
	if c.Stop.IsZero() {
		return now.Sub(c.Start)
	}
	return c.Stop.Sub(c.Start)
}
