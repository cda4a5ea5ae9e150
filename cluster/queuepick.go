package cluster

// Pick is who serves one queue group for one message: a local member (Local, Index among the local
// members) or a peer (Index into the weights given), or nobody (Index -1).
type Pick struct {
	Local bool
	Index int
}

// PickQueue chooses the one delivery of a queue group cluster-wide (ROUTES.md §5). For a message a
// local client published, every local member and every member behind a peer's RS+ weight is one equal
// lot: the local members count one each, peer i counts remoteWeights[i] (GroupWeight of its group,
// 0 when it has none), with no local preference. For a message that arrived over a route, only local
// members are candidates: routes are one hop. random is any uniformly random number the caller draws
// (per loop, without a lock); PickQueue allocates nothing.
func PickQueue(localMembers int, remoteWeights []int, fromRoute bool, random uint64) Pick {
	local := uint64(max(localMembers, 0))
	total := local
	if !fromRoute {
		for _, w := range remoteWeights {
			total += uint64(max(w, 0))
		}
	}
	if total == 0 {
		return Pick{Index: -1}
	}
	lot := random % total
	if lot < local {
		return Pick{Local: true, Index: int(lot)}
	}
	lot -= local
	for i, w := range remoteWeights {
		if w <= 0 {
			continue
		}
		if lot < uint64(w) {
			return Pick{Index: i}
		}
		lot -= uint64(w)
	}
	return Pick{Index: -1} // unreachable: lot < total
}
