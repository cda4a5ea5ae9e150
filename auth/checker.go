package auth

// maxCachedAnswers bounds each of a Checker's answer caches. A client publishing to ever-new subjects
// (inboxes, per-entity subjects) would otherwise grow it without end; when full it is emptied and refills
// with the subjects in use, which costs one pattern walk each.
const maxCachedAnswers = 1024

// Checker answers the permission questions of one connection. It is built once from the connection's
// Permissions and then used only on the connection's event loop, so it takes no locks; it is not safe for
// concurrent use. Answers to CanPublish and CanDeliver are cached by subject, and a cache hit allocates
// nothing (BenchmarkCheckerCanPublishHit).
//
// Semantics, as nats-server v2.15.2 (see the permission tests, which also run against it):
//   - publish: allowed if the allow list is nil or some allow entry matches, and no deny entry matches;
//   - subscribe: the same with subscribe lists, where a subject with wildcards is itself matched token by
//     token (so allow "foo.*" admits SUB "foo.>", allow "foo.bar" does not admit SUB "foo.*"); entries
//     "subject queue" decide for SUBs in a matching queue group, and once one matches, it alone decides;
//   - a subscription allowed although it overlaps a deny entry (SUB "foo.>" with deny "foo.bar") must not
//     receive what the deny entry names: see DeliverFilter.
type Checker struct {
	publishUnrestricted bool
	publishAllow        []string // nil: every subject; empty: none
	publishDeny         []string

	subscribeAllow []subscribeEntry // empty: every subject
	subscribeDeny  []subscribeEntry

	publishAnswers map[string]bool // subject -> CanPublish
	deliverAnswers map[string]bool // subject -> CanDeliver
}

// subscribeEntry is one subscribe permission entry, split into its subject pattern and queue group.
type subscribeEntry struct {
	subject string
	queue   string // "" for an entry that applies to every SUB
}

// NewChecker builds a Checker for p; a nil p allows everything.
func NewChecker(p *Permissions) *Checker {
	c := &Checker{publishUnrestricted: true}
	p = withResponseDefaults(p)
	if p == nil {
		return c
	}
	if pub := p.Publish; pub != nil && (pub.Allow != nil || len(pub.Deny) > 0) {
		c.publishUnrestricted = false
		c.publishAllow = validEntries(pub.Allow)
		if pub.Allow != nil && c.publishAllow == nil {
			c.publishAllow = []string{}
		}
		c.publishDeny = validEntries(pub.Deny)
		c.publishAnswers = make(map[string]bool)
	}
	if sub := p.Subscribe; sub != nil {
		c.subscribeAllow = splitEntries(sub.Allow)
		c.subscribeDeny = splitEntries(sub.Deny)
	}
	return c
}

// validEntries keeps the entries that are valid subjects. Config and JWT validation refuse invalid ones;
// this only keeps a hand-built Permissions from matching garbage, as nats-server skips them too.
func validEntries(entries []string) []string {
	var valid []string
	for _, e := range entries {
		if validSubject(e) {
			valid = append(valid, e)
		}
	}
	return valid
}

func splitEntries(entries []string) []subscribeEntry {
	var split []subscribeEntry
	for _, e := range entries {
		subject, queue := splitSubjectQueue(e)
		if validSubject(subject) && (queue == "" || validSubject(queue)) {
			split = append(split, subscribeEntry{subject, queue})
		}
	}
	return split
}

// CanPublish reports whether the connection may publish to subject, a literal subject. When it says no
// and the connection has a Response permission, the engine still lets through a reply to a request it
// delivered to this connection.
func (c *Checker) CanPublish(subject []byte) bool {
	if c.publishUnrestricted {
		return true
	}
	if allowed, ok := c.publishAnswers[string(subject)]; ok {
		return allowed
	}
	allowed := (c.publishAllow == nil || anyPatternMatches(c.publishAllow, subject)) &&
		!anyPatternMatches(c.publishDeny, subject)
	remember(c.publishAnswers, subject, allowed)
	return allowed
}

// CanSubscribe reports whether the connection may subscribe to subject (which may have wildcards) in
// queue group queue ("" for none). It is asked once per SUB, so it is not cached.
func (c *Checker) CanSubscribe(subject, queue []byte) bool {
	allowed := true
	if len(c.subscribeAllow) > 0 {
		plain, queued, queueOK := matchEntries(c.subscribeAllow, subject, queue)
		allowed = plain
		if len(queue) > 0 && queued {
			allowed = queueOK
		}
	}
	if allowed && len(c.subscribeDeny) > 0 {
		plain, queued, queueOK := matchEntries(c.subscribeDeny, subject, queue)
		allowed = !plain
		if allowed && len(queue) > 0 && queued {
			allowed = !queueOK
		}
	}
	return allowed
}

// CanDeliver reports whether a message on subject, a literal subject, may be delivered to this connection
// through a subscription that is not in a queue group: no plain subscribe-deny entry matches it. Only
// subscriptions that overlap a deny entry need asking (DeliverFilter tells which); for a queue
// subscription use DeliverFilter, which also weighs queue-qualified deny entries.
func (c *Checker) CanDeliver(subject []byte) bool {
	if len(c.subscribeDeny) == 0 {
		return true
	}
	if allowed, ok := c.deliverAnswers[string(subject)]; ok {
		return allowed
	}
	plain, _, _ := matchEntries(c.subscribeDeny, subject, nil)
	if c.deliverAnswers == nil {
		c.deliverAnswers = make(map[string]bool)
	}
	remember(c.deliverAnswers, subject, !plain)
	return !plain
}

// matchEntries matches subject against entries. plain: an entry without a queue matched; queued: an entry
// with a queue matched; queueOK: one of those entries' queue names covers queue.
func matchEntries(entries []subscribeEntry, subject, queue []byte) (plain, queued, queueOK bool) {
	for i := range entries {
		e := &entries[i]
		if !patternMatches(e.subject, subject) {
			continue
		}
		if e.queue == "" {
			plain = true
			continue
		}
		queued = true
		if !queueOK && len(queue) > 0 && queueMatches(queue, e.queue) {
			queueOK = true
		}
	}
	return plain, queued, queueOK
}

func anyPatternMatches(patterns []string, subject []byte) bool {
	for _, p := range patterns {
		if patternMatches(p, subject) {
			return true
		}
	}
	return false
}

// remember caches an answer, emptying the cache first when it is full.
func remember(answers map[string]bool, subject []byte, allowed bool) {
	if len(answers) >= maxCachedAnswers {
		clear(answers)
	}
	answers[string(subject)] = allowed
}
