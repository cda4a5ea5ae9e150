package monitor

import (
	"net/http"
	"slices"
	"time"

	"github.com/reactor-nats/reactor/reactor"
)

// Accountz is /accountz: the account names, or with acc=<name> that account's detail.
type Accountz struct {
	ID            string         `json:"server_id"`
	Now           time.Time      `json:"now"`
	SystemAccount string         `json:"system_account,omitempty"`
	Accounts      []string       `json:"accounts,omitempty"`
	Account       *AccountDetail `json:"account_detail,omitempty"`
}

// AccountDetail is one account in /accountz?acc=<name>. Imports, exports, JWT claims and mappings are
// omitted (nats-server omits them when empty): reactor has none of them yet.
type AccountDetail struct {
	AccountName string        `json:"account_name"`
	LastUpdate  time.Time     `json:"update_time"`
	IsSystem    bool          `json:"is_system,omitempty"`
	Expired     bool          `json:"expired"`
	Complete    bool          `json:"complete"`
	JetStream   bool          `json:"jetstream_enabled"`
	LeafCnt     int           `json:"leafnode_connections"`
	ClientCnt   int           `json:"client_connections"`
	SubCnt      int           `json:"subscriptions"`
	NameTag     string        `json:"name_tag,omitempty"`
	Sublist     *SublistStats `json:"sublist_stats,omitempty"`
}

func (m *Server) handleAccountz(w http.ResponseWriter, r *http.Request) {
	az, err := m.accountz(r.URL.Query().Get("acc"), time.Now())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, az)
}

func (m *Server) accountz(name string, now time.Time) (*Accountz, error) {
	az := &Accountz{ID: m.srv.ID(), Now: now.UTC(), SystemAccount: m.srv.SystemAccount()}
	accounts := m.srv.Accounts()
	if name == "" {
		az.Accounts = []string{}
		for _, a := range accounts {
			az.Accounts = append(az.Accounts, a.Name)
		}
		return az, nil
	}
	i := slices.IndexFunc(accounts, func(a reactor.AccountInfo) bool { return a.Name == name })
	if i < 0 {
		return nil, &badRequest{"Account " + name + " does not exist"}
	}
	a := accounts[i]
	sublist := sublistStats(a.Subs, accountMatches(accounts, m.srv.Stats().Matches)[a.Name])
	az.Account = &AccountDetail{
		AccountName: a.Name,
		LastUpdate:  m.srv.StartTime().UTC(), // accounts are made with the server and never change
		IsSystem:    a.Name == m.srv.SystemAccount(),
		Complete:    true,
		JetStream:   jetStreamIn(m.srv, a.Name),
		ClientCnt:   a.Connections,
		SubCnt:      a.Subs.Subscriptions,
		NameTag:     a.Name,
		Sublist:     &sublist,
	}
	return az, nil
}

// jetStreamIn reports whether JetStream is enabled in the account.
func jetStreamIn(srv *reactor.Server, account string) bool {
	js := srv.JetStream()
	return js != nil && js.Account(account) != nil
}
