package monitor

import (
	"net/http"
	"time"

	"github.com/reactor-nats/reactor/cluster"
	"github.com/reactor-nats/reactor/reactor"
)

// Routez is /routez: the route connections, in nats-server's field order. nats-server also has import and
// export here (the cluster permissions); reactor refuses cluster permissions, and nats-server omits both
// without them.
type Routez struct {
	ID        string       `json:"server_id"`
	Name      string       `json:"server_name"`
	Now       time.Time    `json:"now"`
	NumRoutes int          `json:"num_routes"`
	Routes    []*RouteInfo `json:"routes"`
}

// RouteInfo is one route connection. nats-server's record also has import and export (per-route
// permissions, refused by reactor's cluster config) and account (set only on a route pinned to one account,
// which reactor never makes); it omits all three when unset, so reactor's routes look like nats-server's
// routes with pool_size -1.
type RouteInfo struct {
	Rid          uint64      `json:"rid"`
	RemoteID     string      `json:"remote_id"`
	RemoteName   string      `json:"remote_name"`
	DidSolicit   bool        `json:"did_solicit"`
	IsConfigured bool        `json:"is_configured"`
	IP           string      `json:"ip"`
	Port         int         `json:"port"`
	Start        time.Time   `json:"start"`
	LastActivity time.Time   `json:"last_activity"`
	RTT          string      `json:"rtt,omitempty"`
	Uptime       string      `json:"uptime"`
	Idle         string      `json:"idle"`
	Pending      int         `json:"pending_size"`
	InMsgs       int64       `json:"in_msgs"`
	OutMsgs      int64       `json:"out_msgs"`
	InBytes      int64       `json:"in_bytes"`
	OutBytes     int64       `json:"out_bytes"`
	NumSubs      int         `json:"subscriptions"`
	Subs         []string    `json:"subscriptions_list,omitempty"`        // with subs=1
	SubsDetail   []SubDetail `json:"subscriptions_list_detail,omitempty"` // with subs=detail
	Compression  string      `json:"compression,omitempty"`
}

func (m *Server) handleRoutez(w http.ResponseWriter, r *http.Request) {
	subs, err := querySubs(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, m.routez(subs, time.Now()))
}

func (m *Server) routez(subs subsOption, now time.Time) *Routez {
	routes := m.srv.Routes(subs != subsNone)
	rz := &Routez{
		ID:        m.srv.ID(),
		Name:      m.srv.Options().ServerName,
		Now:       now.UTC(),
		NumRoutes: len(routes),
		Routes:    make([]*RouteInfo, 0, len(routes)), // [] rather than null, as nats-server emits
	}
	for i := range routes {
		rz.Routes = append(rz.Routes, routeInfo(&routes[i], subs, now))
	}
	return rz
}

// routeInfo renders one route as nats-server does, uptime and idle measured to now.
func routeInfo(r *reactor.RouteConnInfo, subs subsOption, now time.Time) *RouteInfo {
	ri := &RouteInfo{
		Rid:          r.RID,
		RemoteID:     r.RemoteID,
		RemoteName:   r.RemoteName,
		DidSolicit:   r.DidSolicit,
		IsConfigured: r.IsConfigured,
		IP:           r.IP,
		Port:         r.Port,
		Start:        r.Start.UTC(),
		LastActivity: r.LastActivity.UTC(),
		RTT:          formatRTT(r.RTT),
		Uptime:       formatUptime(now.Sub(r.Start)),
		Idle:         formatUptime(now.Sub(r.LastActivity)),
		Pending:      r.PendingBytes,
		InMsgs:       r.InMsgs,
		OutMsgs:      r.OutMsgs,
		InBytes:      r.InBytes,
		OutBytes:     r.OutBytes,
		NumSubs:      r.NumSubs,
		Compression:  cluster.CompressionOff, // reactor never compresses routes
	}
	switch subs {
	case subsList:
		for _, s := range r.Subs {
			ri.Subs = append(ri.Subs, s.Subject) // the subject alone, queue or not, as nats-server lists it
		}
	case subsDetail:
		for _, s := range r.Subs {
			ri.SubsDetail = append(ri.SubsDetail, routeSubDetail(s, r.RID))
		}
	}
	return ri
}

// routeSubDetail renders one interest a peer announced as nats-server renders the subscription it keeps
// for an RS+: no account or account_tag (nats-server leaves them out of a connection's own list), the
// subject and queue, the route's rid as cid, and as sid the key nats-server files the interest under,
// "R <account> <subject>[ <queue>]". Where it differs:
//   - nats-server drops the leading "R " from that key on a route to a peer that does not announce the
//     lnocu capability (reactor, which announces none); reactor writes the form nats-server shows for its
//     usual peers, another nats-server.
//   - msgs is always 0: nats-server counts the messages it forwarded on that interest, while reactor sends
//     a message once per route, whatever the number of the peer's interests it matched, and keeps no count
//     per interest.
//   - max is never set, as in nats-server: RS+ carries no auto-unsubscribe limit.
//   - the queue weight is not shown, as nats-server does not show it: both keep one entry per (account,
//     subject, queue), updated in place by each RS+ with the group's latest weight.
func routeSubDetail(s reactor.RouteSub, rid uint64) SubDetail {
	sid := "R " + s.Account + " " + s.Subject
	if s.Queue != "" {
		sid += " " + s.Queue
	}
	return SubDetail{Subject: s.Subject, Queue: s.Queue, Sid: sid, Cid: rid}
}
