package monitor

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/reactor-nats/reactor/reactor"
	"github.com/reactor-nats/reactor/subtrie"
)

// Subsz is /subsz (alias /subscriptionsz): subject index statistics and, with subs=1, a page of the
// subscriptions themselves.
type Subsz struct {
	ID  string    `json:"server_id"`
	Now time.Time `json:"now"`
	SublistStats
	Total  int         `json:"total"` // subscriptions listed before paging; 0 unless subs=1
	Offset int         `json:"offset"`
	Limit  int         `json:"limit"`
	Subs   []SubDetail `json:"subscriptions_list,omitempty"`
}

// subszOptions are /subsz's query parameters, decoded.
type subszOptions struct {
	subs          bool
	offset, limit int
	test          string // a publish subject: list only the subscriptions it would reach
	account       string
}

func parseSubszOptions(q url.Values) (*subszOptions, error) {
	o := &subszOptions{test: q.Get("test"), account: q.Get("acc")}
	var err error
	if o.subs, err = queryBool(q, "subs"); err != nil {
		return nil, err
	}
	if o.offset, o.limit, err = queryPage(q); err != nil {
		return nil, err
	}
	if o.test != "" && !subtrie.ValidLiteralSubject([]byte(o.test)) {
		return nil, &badRequest{"invalid test subject, must be valid publish subject: " + o.test}
	}
	return o, nil
}

func (m *Server) handleSubsz(w http.ResponseWriter, r *http.Request) {
	o, err := parseSubszOptions(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, m.subsz(o, time.Now()))
}

func (m *Server) subsz(o *subszOptions, now time.Time) *Subsz {
	sz := &Subsz{ID: m.srv.ID(), Now: now.UTC(), Offset: o.offset, Limit: o.limit}
	accounts := m.srv.Accounts()
	matches := m.srv.Stats().Matches
	if o.account == "" {
		sz.SublistStats = serverSublistStats(accounts, matches)
	} else if i := slices.IndexFunc(accounts, func(a reactor.AccountInfo) bool { return a.Name == o.account }); i >= 0 {
		sz.SublistStats = sublistStats(accounts[i].Subs, accountMatches(accounts, matches)[o.account])
	} // an unknown account has all-zero statistics, not an error, as in nats-server
	if !o.subs {
		return sz
	}
	subs := slices.DeleteFunc(m.srv.Subscriptions(), func(s reactor.SubInfo) bool {
		return (o.account != "" && s.Account != o.account) || (o.test != "" && !subjectMatches(s.Subject, o.test))
	})
	sz.Total = len(subs)
	for _, s := range pageOf(subs, o.offset, o.limit) {
		sz.Subs = append(sz.Subs, subDetail(s))
	}
	return sz
}

// subjectMatches reports whether a message published to the literal subject reaches a subscription on
// filter, which may hold the wildcards "*" (one token) and ">" (one or more trailing tokens).
func subjectMatches(filter, subject string) bool {
	for {
		ftok, frest, fmore := strings.Cut(filter, ".")
		stok, srest, smore := strings.Cut(subject, ".")
		switch {
		case ftok == ">":
			return true // a valid subject's tokens are never empty, so at least one remains here
		case ftok != "*" && ftok != stok:
			return false
		case !fmore || !smore:
			return fmore == smore
		}
		filter, subject = frest, srest
	}
}
