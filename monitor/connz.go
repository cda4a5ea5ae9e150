package monitor

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/reactor-nats/reactor/reactor"
)

// Connz is /connz: a page of connections, open, closed or both, in nats-server's field order.
type Connz struct {
	ID       string      `json:"server_id"`
	Now      time.Time   `json:"now"`
	NumConns int         `json:"num_connections"` // on this page
	Total    int         `json:"total"`           // in the chosen state and account, before paging
	Offset   int         `json:"offset"`
	Limit    int         `json:"limit"`
	Conns    []*ConnInfo `json:"connections"`
}

// ConnInfo is one connection in /connz.
type ConnInfo struct {
	Cid          uint64      `json:"cid"`
	Kind         string      `json:"kind,omitempty"`
	Type         string      `json:"type,omitempty"`
	IP           string      `json:"ip"`
	Port         int         `json:"port"`
	Start        time.Time   `json:"start"`
	LastActivity time.Time   `json:"last_activity"`
	Stop         *time.Time  `json:"stop,omitempty"`
	Reason       string      `json:"reason,omitempty"`
	RTT          string      `json:"rtt,omitempty"`
	Uptime       string      `json:"uptime"`
	Idle         string      `json:"idle"`
	Pending      int         `json:"pending_bytes"`
	InMsgs       int64       `json:"in_msgs"`
	OutMsgs      int64       `json:"out_msgs"`
	InBytes      int64       `json:"in_bytes"`
	OutBytes     int64       `json:"out_bytes"`
	NumSubs      int         `json:"subscriptions"`
	Name         string      `json:"name,omitempty"`
	Lang         string      `json:"lang,omitempty"`
	Version      string      `json:"version,omitempty"`
	User         string      `json:"authorized_user,omitempty"` // with auth=1
	Account      string      `json:"account,omitempty"`         // with auth=1
	Subs         []string    `json:"subscriptions_list,omitempty"`
	SubsDetail   []SubDetail `json:"subscriptions_list_detail,omitempty"`
	NameTag      string      `json:"name_tag,omitempty"` // the account's name, with auth=1, while open
}

// SubDetail is one subscription in /connz?subs=detail and /subsz?subs=1.
type SubDetail struct {
	Account    string `json:"account,omitempty"`
	AccountTag string `json:"account_tag,omitempty"`
	Subject    string `json:"subject"`
	Queue      string `json:"qgroup,omitempty"`
	Sid        string `json:"sid"`
	Msgs       int64  `json:"msgs"`
	Max        int64  `json:"max,omitempty"`
	Cid        uint64 `json:"cid"`
}

// connState is the state parameter: which connections /connz lists.
type connState int

const (
	stateOpen connState = iota
	stateClosed
	stateAny
)

// connzOptions are /connz's query parameters, decoded.
type connzOptions struct {
	sort          connSort
	auth          bool
	subs          subsOption
	offset, limit int
	cid           uint64
	state         connState
	account       string
	mqttClient    string // an MQTT client id; reactor has no MQTT clients, so it matches none
}

func parseConnzOptions(q url.Values) (*connzOptions, error) {
	o := &connzOptions{}
	var err error
	if o.sort, err = parseConnSort(q.Get("sort")); err != nil {
		return nil, err
	}
	if o.auth, err = queryBool(q, "auth"); err != nil {
		return nil, err
	}
	if o.subs, err = querySubs(q); err != nil {
		return nil, err
	}
	if o.offset, o.limit, err = queryPage(q); err != nil {
		return nil, err
	}
	if o.cid, err = queryUint64(q, "cid"); err != nil {
		return nil, err
	}
	switch state := q.Get("state"); strings.ToLower(state) {
	case "", "open":
		o.state = stateOpen
	case "closed":
		o.state = stateClosed
	case "any", "all":
		o.state = stateAny
	default:
		return nil, &badRequest{"Error decoding state for " + state}
	}
	if (o.sort == sortByStop || o.sort == sortByReason) && o.state != stateClosed {
		return nil, &badRequest{"sort by " + string(o.sort) + " only valid on closed connections"}
	}
	o.account = q.Get("acc")
	o.mqttClient = q.Get("mqtt_client")
	return o, nil
}

func (m *Server) handleConnz(w http.ResponseWriter, r *http.Request) {
	o, err := parseConnzOptions(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, m.connz(o, time.Now()))
}

func (m *Server) connz(o *connzOptions, now time.Time) *Connz {
	cz := &Connz{ID: m.srv.ID(), Now: now.UTC(), Offset: o.offset, Limit: o.limit, Conns: []*ConnInfo{}}
	if o.account != "" && !m.accountExists(o.account) {
		// nats-server answers an unknown account with an otherwise empty reply: no server id, and
		// connections null. Tools treat it as "no connections".
		cz.ID, cz.Conns = "", nil
		return cz
	}
	var conns []reactor.ConnInfo
	if o.state != stateClosed {
		conns = m.srv.Conns(o.subs != subsNone)
	}
	if o.state != stateOpen {
		conns = append(conns, m.srv.ClosedConns()...)
	}
	if o.account != "" {
		conns = slices.DeleteFunc(conns, func(c reactor.ConnInfo) bool { return c.Account != o.account })
	}
	cz.Total = len(conns)
	if o.cid != 0 {
		// A cid picks at most one connection; nats-server still reports the total before the pick.
		conns = slices.DeleteFunc(conns, func(c reactor.ConnInfo) bool { return c.CID != o.cid })
		cz.Limit = 1
	}
	if o.mqttClient != "" {
		conns = nil // like a cid, it narrows the list but not the total
	}
	sortConns(conns, o.sort, now)
	page := pageOf(conns, o.offset, cz.Limit)
	for i := range page {
		cz.Conns = append(cz.Conns, connInfo(&page[i], o, now))
	}
	cz.NumConns = len(cz.Conns)
	return cz
}

// accountExists reports whether name is an account of the server.
func (m *Server) accountExists(name string) bool {
	return slices.ContainsFunc(m.srv.Accounts(), func(a reactor.AccountInfo) bool { return a.Name == name })
}

// connInfo renders one connection. A closed connection's uptime and idle run to its stop, an open one's to now.
func connInfo(c *reactor.ConnInfo, o *connzOptions, now time.Time) *ConnInfo {
	end := now
	ci := &ConnInfo{
		Cid:          c.CID,
		Kind:         c.Kind,
		Type:         c.Type,
		IP:           c.IP,
		Port:         c.Port,
		Start:        c.Start.UTC(),
		LastActivity: c.LastActivity.UTC(),
		Reason:       c.Reason,
		RTT:          formatRTT(c.RTT),
		Pending:      c.PendingBytes,
		InMsgs:       c.InMsgs,
		OutMsgs:      c.OutMsgs,
		InBytes:      c.InBytes,
		OutBytes:     c.OutBytes,
		NumSubs:      c.NumSubs,
		Name:         c.Name,
		Lang:         c.Lang,
		Version:      c.Version,
	}
	closed := !c.Stop.IsZero()
	if closed {
		stop := c.Stop.UTC()
		ci.Stop = &stop
		end = c.Stop
	}
	ci.Uptime = formatUptime(end.Sub(c.Start))
	ci.Idle = formatUptime(end.Sub(c.LastActivity))
	if o.auth {
		ci.User = c.User
		if c.Account != "$G" { // nats-server leaves the global account unnamed here (name_tag still says it)
			ci.Account = c.Account
		}
		if !closed {
			ci.NameTag = c.Account // nats-server forgets a closed connection's account tag
		}
	}
	switch o.subs {
	case subsList:
		for _, s := range c.Subs {
			ci.Subs = append(ci.Subs, s.Subject)
		}
	case subsDetail:
		for _, s := range c.Subs {
			d := subDetail(s)
			if !closed {
				// nats-server names the account only for closed connections' subscriptions.
				d.Account, d.AccountTag = "", ""
			}
			ci.SubsDetail = append(ci.SubsDetail, d)
		}
	}
	return ci
}

// subDetail renders a subscription with its account, as /subsz lists it.
func subDetail(s reactor.SubInfo) SubDetail {
	return SubDetail{
		Account:    s.Account,
		AccountTag: s.Account, // the tag is the name for accounts without a JWT, which are all of reactor's
		Subject:    s.Subject,
		Queue:      s.Queue,
		Sid:        s.SID,
		Msgs:       s.Msgs,
		Max:        s.Max,
		Cid:        s.CID,
	}
}
