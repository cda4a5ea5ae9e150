package auth

// DeliverFilter holds the subscribe-deny entries that can match messages delivered to one subscription.
// nats-server admits a wildcard SUB that overlaps a deny entry (SUB "foo.>" with deny "foo.bar") and then
// drops, at delivery, each message the deny entry matches; a queue-qualified deny entry ("foo.bar q")
// drops them for members of the groups it names.
//
// A DeliverFilter is immutable, so any event loop may ask it: a publisher's loop picks queue members and
// must skip those that may not receive a message, as nats-server does. Allows allocates nothing.
type DeliverFilter struct {
	denied []string // deny patterns that collide with the subscription and apply to its queue group
}

// DeliverFilter returns the filter for a subscription on subject in queue group queue ("" for none) that
// CanSubscribe allowed, or nil when no deny entry can match anything it receives, which is the common
// case: the engine then delivers without asking.
func (c *Checker) DeliverFilter(subject, queue []byte) *DeliverFilter {
	var denied []string
	for _, e := range c.subscribeDeny {
		if e.queue != "" && (len(queue) == 0 || !queueMatches(queue, e.queue)) {
			continue
		}
		if patternsCollide(e.subject, string(subject)) {
			denied = append(denied, e.subject)
		}
	}
	if denied == nil {
		return nil
	}
	return &DeliverFilter{denied: denied}
}

// Allows reports whether a message on subject, a literal subject, may be delivered to the subscription.
// A nil filter allows everything.
func (f *DeliverFilter) Allows(subject []byte) bool {
	return f == nil || !anyPatternMatches(f.denied, subject)
}
