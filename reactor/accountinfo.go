package reactor

import (
	"time"

	"github.com/reactor-nats/reactor/subtrie"
)

// AccountInfo is one account as /accountz reports it.
type AccountInfo struct {
	Name        string
	Connections int
	Subs        subtrie.Stats
}

// Accounts lists the accounts, sorted by name, with their client connections counted on the loops.
func (s *Server) Accounts() []AccountInfo {
	conns := map[*account]int{}
	s.onEveryLoop(func(l *loop, _ time.Time) {
		for _, c := range l.clients {
			if c.kind == kindClient && !c.closing {
				conns[c.acct]++
			}
		}
	})
	var out []AccountInfo
	for _, a := range s.accounts.all() {
		out = append(out, AccountInfo{Name: a.name, Connections: conns[a], Subs: a.subscriptionStats()})
	}
	return out
}

// SystemAccount is the name of the system account.
func (s *Server) SystemAccount() string { return s.sysName }

// Subscriptions lists every subscription of every client, ordered by cid then sid.
func (s *Server) Subscriptions() []SubInfo {
	var out []SubInfo
	for _, ci := range s.Conns(true) {
		out = append(out, ci.Subs...)
	}
	return out
}
