package reactor

import "github.com/reactor-nats/reactor/subtrie"

// Names of the accounts every server has, as in nats-server.
const (
	globalAccountName = "$G"
	systemAccountName = "$SYS"
)

// account is an isolated subject space: a message published in one account is matched only against that
// account's subscriptions. Clients, routes (which name the account in every RS+/RMSG) and internal clients
// all publish into and subscribe from an account, never from the server as a whole.
//
// An account is created at server start (or, later, from configuration and JWTs) and never removed while
// connections reference it; its index is safe for concurrent use by every loop.
type account struct {
	name string
	subs *subtrie.Trie
}

func newAccount(name string) *account {
	return &account{name: name, subs: subtrie.New()}
}
