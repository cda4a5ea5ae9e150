package auth

import (
	"testing"

	"github.com/reactor-nats/reactor/config"
)

// permissionsFrom parses a permissions block written as in a config file.
func permissionsFrom(t testing.TB, block string) *Permissions {
	t.Helper()
	m, err := config.Parse("perms.conf", []byte("p: "+block))
	if err != nil {
		t.Fatalf("%s: %v", block, err)
	}
	p, err := parsePermissions(m.Values["p"])
	if err != nil {
		t.Fatalf("%s: %v", block, err)
	}
	return p
}

// checkerAnswer is what a Checker says to a permCase.
func checkerAnswer(c *Checker, pc permCase) bool {
	switch pc.op {
	case opPublish:
		return c.CanPublish([]byte(pc.subject))
	case opSubscribe:
		return c.CanSubscribe([]byte(pc.subject), []byte(pc.queue))
	}
	if !c.CanSubscribe([]byte(pc.on), []byte(pc.queue)) {
		return false
	}
	return c.DeliverFilter([]byte(pc.on), []byte(pc.queue)).Allows([]byte(pc.subject))
}

func TestCheckerMatchesPermissionMatrix(t *testing.T) {
	for _, pc := range permCases {
		c := NewChecker(permissionsFrom(t, pc.perms))
		// Twice: the second answer comes from the cache and must agree.
		for round := 0; round < 2; round++ {
			if got := checkerAnswer(c, pc); got != pc.want {
				t.Errorf("%s: got %v, want %v (round %d)", pc, got, pc.want, round)
			}
		}
	}
}

func TestCheckerNilPermissionsAllowEverything(t *testing.T) {
	c := NewChecker(nil)
	if !c.CanPublish([]byte("a.b")) || !c.CanSubscribe([]byte(">"), []byte("q")) || !c.CanDeliver([]byte("x")) {
		t.Fatal("a nil Permissions must allow everything")
	}
	if f := c.DeliverFilter([]byte(">"), nil); f != nil {
		t.Fatalf("no deny list, yet a filter: %+v", f)
	}
}

func TestCanDeliverAppliesPlainDenyEntriesOnly(t *testing.T) {
	c := NewChecker(permissionsFrom(t, `{ subscribe: { deny: ["foo.bar", "foo.baz q1"] } }`))
	for subject, want := range map[string]bool{"foo.bar": false, "foo.baz": true, "foo.qux": true} {
		for round := 0; round < 2; round++ {
			if got := c.CanDeliver([]byte(subject)); got != want {
				t.Errorf("CanDeliver(%s) = %v, want %v", subject, got, want)
			}
		}
	}
}

func TestDeliverFilterOnlyWhereADenyEntryOverlaps(t *testing.T) {
	c := NewChecker(permissionsFrom(t, `{ subscribe: { deny: ["foo.bar", "x.y q1"] } }`))
	cases := []struct {
		subject, queue string
		filtered       bool
	}{
		{"foo.*", "", true},
		{"foo.>", "", true},
		{">", "", true},
		{"foo.baz", "", false},
		{"bar.*", "", false},
		{"x.*", "", false},   // the x.y entry applies to queue q1 only
		{"x.*", "q1", true},  // ... which this is
		{"x.*", "q2", false}, // ... and this is not
	}
	for _, tc := range cases {
		got := c.DeliverFilter([]byte(tc.subject), []byte(tc.queue)) != nil
		if got != tc.filtered {
			t.Errorf("DeliverFilter(%q, %q) filtered = %v, want %v", tc.subject, tc.queue, got, tc.filtered)
		}
	}
}

func TestCheckerPublishCacheStaysBounded(t *testing.T) {
	c := NewChecker(permissionsFrom(t, `{ publish: "inbox.>" }`))
	subject := make([]byte, 0, 32)
	for i := 0; i < 3*maxCachedAnswers; i++ {
		subject = append(subject[:0], "inbox."...)
		subject = append(subject, byte('a'+i%26), byte('a'+i/26%26), byte('a'+i/676%26))
		if !c.CanPublish(subject) {
			t.Fatalf("CanPublish(%s) = false", subject)
		}
		if len(c.publishAnswers) > maxCachedAnswers {
			t.Fatalf("cache holds %d answers, more than %d", len(c.publishAnswers), maxCachedAnswers)
		}
	}
	if c.CanPublish([]byte("other")) {
		t.Fatal("CanPublish(other) = true after the cache was emptied")
	}
}

func TestHandBuiltPermissionsSkipInvalidEntries(t *testing.T) {
	c := NewChecker(&Permissions{
		Publish:   &SubjectPermission{Allow: []string{"foo..bar", "ok"}},
		Subscribe: &SubjectPermission{Allow: []string{"a b c", "ok"}},
	})
	if c.CanPublish([]byte("foo..bar")) || !c.CanPublish([]byte("ok")) {
		t.Error("publish: invalid entry matched, or the valid one did not")
	}
	if c.CanSubscribe([]byte("a"), nil) || !c.CanSubscribe([]byte("ok"), nil) {
		t.Error("subscribe: invalid entry matched, or the valid one did not")
	}
	// An allow list of only invalid entries still allows nothing, rather than everything.
	c = NewChecker(&Permissions{Publish: &SubjectPermission{Allow: []string{"a..b"}}})
	if c.CanPublish([]byte("x")) {
		t.Error("an allow list of invalid entries allowed x")
	}
}
