package reactor

import (
	"fmt"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/reactor-nats/reactor/auth"
	"github.com/reactor-nats/reactor/subtrie"
)

// Names of the accounts every server has, as in nats-server.
const (
	globalAccountName = "$G"
	systemAccountName = "$SYS"
)

// account is an isolated subject space: a message published in one account is matched only against that
// account's subscriptions (and, through imports, the subscriptions another account opened to it). Clients,
// routes (which name the account in every RS+/RMSG) and internal clients all publish into and subscribe
// from an account, never from the server as a whole.
//
// An account is made once (at start from configuration, or on first use from a JWT) and never removed while
// the server runs; its index is safe for concurrent use by every loop. What its JWT says may change (a
// pushed update), so that is behind an atomic pointer; the rest is immutable once registered.
type account struct {
	name     string
	wireName []byte // name, as routes frame it (RS+, RMSG)
	subs     *subtrie.Trie

	terms atomic.Pointer[accountTerms]
	conns atomic.Int64 // client connections bound to it

	// The server's own entries in subs (internal services, JetStream's API and stream captures), inserted
	// and removed so far: monitoring and the subscription limit count clients' subscriptions only.
	ownInserts, ownRemoves atomic.Uint64
}

// insertOwn puts one of the server's own entries into the account's index.
func (a *account) insertOwn(e *subtrie.Subscription) error {
	if err := a.subs.Insert(e); err != nil {
		return err
	}
	a.ownInserts.Add(1)
	return nil
}

// removeOwn takes out an entry insertOwn put in.
func (a *account) removeOwn(e *subtrie.Subscription) {
	if a.subs.Remove(e) == nil {
		a.ownRemoves.Add(1)
	}
}

// subscriptionCount is how many subscriptions the account's clients (and imports) hold.
func (a *account) subscriptionCount() int {
	return a.subs.Count() - int(a.ownInserts.Load()-a.ownRemoves.Load())
}

// subscriptionStats are the index's statistics without the server's own entries.
func (a *account) subscriptionStats() subtrie.Stats {
	st := a.subs.Stats()
	inserts, removes := a.ownInserts.Load(), a.ownRemoves.Load()
	st.Subscriptions -= int(inserts - removes)
	st.Inserts -= inserts
	st.Removes -= removes
	return st
}

// accountTerms are an account's limits, expiry and exports, from its spec. Immutable: an update stores a
// new value.
type accountTerms struct {
	limits  auth.AccountLimits
	expires int64 // unix nanos the account's JWT expires; 0 = never
	exports []auth.Export
	spec    *auth.AccountSpec // what it was made from; nil for $G and the system account unless configured
}

var unlimitedTerms = &accountTerms{limits: auth.AccountLimits{MaxConnections: -1, MaxSubscriptions: -1, MaxPayload: -1}}

func newAccount(name string) *account {
	a := &account{name: name, wireName: []byte(name), subs: subtrie.New()}
	a.terms.Store(unlimitedTerms)
	return a
}

func accountFromSpec(spec *auth.AccountSpec) *account {
	a := newAccount(spec.Name)
	a.setTerms(spec)
	return a
}

// setTerms puts spec's limits, expiry and exports in force for the account.
func (a *account) setTerms(spec *auth.AccountSpec) {
	t := &accountTerms{limits: spec.Limits, exports: spec.Exports, spec: spec}
	if !spec.Expires.IsZero() {
		t.expires = spec.Expires.UnixNano()
	}
	a.terms.Store(t)
}

func (a *account) cur() *accountTerms { return a.terms.Load() }

// responseType is how the service export that covers subject answers: once (singleton), or many times.
func (a *account) responseType(subject string) string {
	for _, e := range a.cur().exports {
		if e.Service && (e.Subject == subject || subtrie.SubjectMatches(e.Subject, subject)) {
			if e.ResponseType != "" {
				return e.ResponseType
			}
			break
		}
	}
	return auth.ResponseSingleton
}

// systemAccountOf is the system account's name under a: $SYS, unless its configuration names another.
func systemAccountOf(a *auth.Authenticator) string {
	if a != nil && a.SystemAccount() != "" {
		return a.SystemAccount()
	}
	return systemAccountName
}

// admit counts a connection in, unless the account's connection limit is reached.
func (a *account) admit() bool {
	if n, max := a.conns.Add(1), a.cur().limits.MaxConnections; max >= 0 && n > max {
		a.conns.Add(-1)
		return false
	}
	return true
}

func (a *account) leave() { a.conns.Add(-1) }

// accountRegistry holds the server's accounts by name. Lookups happen when a connection is admitted, not
// per message, so one RWMutex does.
type accountRegistry struct {
	mu     sync.RWMutex
	byName map[string]*account
	made   func(*account) // called once for each account added, outside the lock
}

func (r *accountRegistry) init() { r.byName = map[string]*account{} }

func (r *accountRegistry) get(name string) *account {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.byName[name]
}

// add registers a unless an account of that name exists, and returns the registered one.
func (r *accountRegistry) add(a *account) *account {
	r.mu.Lock()
	if have := r.byName[a.name]; have != nil {
		r.mu.Unlock()
		return have
	}
	r.byName[a.name] = a
	r.mu.Unlock()
	if r.made != nil {
		r.made(a)
	}
	return a
}

// all returns the accounts sorted by name.
func (r *accountRegistry) all() []*account {
	r.mu.RLock()
	out := make([]*account, 0, len(r.byName))
	for _, a := range r.byName {
		out = append(out, a)
	}
	r.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// accountNamed returns the account a grant names ("" is the global account), making it from the
// authenticator's spec (a config account, or an account JWT from the resolver) on first use.
func (s *Server) accountNamed(name string) (*account, error) {
	if name == "" {
		return s.global, nil
	}
	if a := s.accounts.get(name); a != nil {
		return a, nil
	}
	lim := s.lim()
	if lim.auth == nil {
		return nil, fmt.Errorf("unknown account %q", name)
	}
	spec, err := lim.auth.LookupAccount(name)
	if err != nil {
		return nil, fmt.Errorf("account %q: %w", name, err)
	}
	made := accountFromSpec(spec)
	a := s.accounts.add(made)
	if a == made { // this call made it: wire its imports
		if err := s.installImports(a, spec); err != nil {
			return nil, err
		}
	}
	return a, nil
}
