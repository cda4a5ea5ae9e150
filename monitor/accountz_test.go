package monitor

import (
	"slices"
	"testing"

	"github.com/reactor-nats/reactor/reactor"
)

func TestAccountzListsAccountsAndDetails(t *testing.T) {
	f := runFixture(t, reactor.Options{})
	nc := connect(t, f.clientURL(), "client")
	sub := subscribe(t, nc, "foo", "")
	subscribe(t, nc, "bar", "")
	publish(t, nc, "foo", "x", 4)
	receive(t, sub, 4)

	var az Accountz
	getJSON(t, f.base+"/accountz", &az)
	if az.ID != f.srv.ID() || az.SystemAccount != "$SYS" || !slices.Equal(az.Accounts, []string{"$G", "$SYS"}) || az.Account != nil {
		t.Errorf("accountz: %+v; want accounts $G and $SYS, system $SYS", az)
	}

	waitFor(t, "lookups counted", func() bool {
		getJSON(t, f.base+"/accountz?acc=$G", &az)
		return az.Account != nil && az.Account.Sublist.NumMatches == 4
	})
	d := az.Account
	if d.AccountName != "$G" || d.NameTag != "$G" || d.IsSystem || !d.Complete || d.Expired || d.JetStream ||
		d.ClientCnt != 1 || d.SubCnt != 2 || d.LeafCnt != 0 || d.LastUpdate.IsZero() {
		t.Errorf("$G detail: %+v", d)
	}
	// A subject is cached on its second miss (subtrie's seen-once filter): two of the four lookups hit.
	if s := d.Sublist; s.NumSubs != 2 || s.NumInserts != 2 || s.NumCache != 1 || s.CacheHitRate != 0.5 {
		t.Errorf("$G sublist_stats %+v; want 2 subscriptions, 1 cached subject, 2 hits in 4 lookups", s)
	}

	getJSON(t, f.base+"/accountz?acc=$SYS", &az)
	if d := az.Account; d == nil || !d.IsSystem || d.ClientCnt != 0 || d.SubCnt != 0 || d.Sublist.NumMatches != 0 {
		t.Errorf("$SYS detail: %+v; want the system account, empty, with no lookups", d)
	}
}

func TestAccountMatchesAttributesOnlyWhatIsKnown(t *testing.T) {
	acct := func(name string, misses uint64) reactor.AccountInfo {
		a := reactor.AccountInfo{Name: name}
		a.Subs.Misses = misses
		return a
	}
	// One account has missed: every lookup was its.
	got := accountMatches([]reactor.AccountInfo{acct("$G", 2), acct("$SYS", 0)}, 10)
	if got["$G"] != 10 || got["$SYS"] != 0 {
		t.Errorf("one account with misses: %v, want $G 10 $SYS 0", got)
	}
	// Two have: hits cannot be split, so each reports its misses.
	got = accountMatches([]reactor.AccountInfo{acct("A", 2), acct("B", 3)}, 10)
	if got["A"] != 2 || got["B"] != 3 {
		t.Errorf("two accounts with misses: %v, want A 2 B 3", got)
	}
	// Loops commit their counts after the index counts misses: never fewer matches than misses.
	got = accountMatches([]reactor.AccountInfo{acct("$G", 5)}, 3)
	if got["$G"] != 5 {
		t.Errorf("matches lagging misses: %v, want 5", got)
	}
}
