package stream

import (
	"slices"

	"github.com/reactor-nats/reactor/stream/store"
	"github.com/reactor-nats/reactor/subtrie"
)

// A consumer selects the stream's messages by filter_subject (one filter, "" for all) or by
// filter_subjects (several, none of which may contain another: nats-server refuses "f.>" with "f.a",
// but takes "f.*.x" with "f.b.*", which share f.b.x). The store knows one filter at a time: the next
// message is the lowest of each filter's next, the last message the highest of each filter's last,
// num_pending the sum of each filter's count, or, when two filters share subjects, the sum over the
// distinct subjects they select. A filter may lie outside the stream's subjects (nats-server 2.15 accepts it: it selects
// nothing). Changing the filters on update keeps the consumer's place in the stream.

// Filter errors, as nats-server words them.
var (
	ErrConsumerFiltersOverlap   = &APIError{Code: 400, ErrCode: 10138, Description: "consumer subject filters cannot overlap"}
	ErrConsumerFilterAndFilters = &APIError{Code: 400, ErrCode: 10136, Description: "consumer cannot have both FilterSubject and FilterSubjects specified"}
	ErrConsumerEmptyFilter      = &APIError{Code: 400, ErrCode: 10139, Description: "consumer filter in FilterSubjects cannot be empty"}
	ErrConsumerFiltersInSubject = &APIError{Code: 400, ErrCode: 10137, Description: "consumer with multiple subject filters cannot use subject based API"}
	ErrConsumerInvalidFilter    = &APIError{Code: 500, ErrCode: 10052, Description: "invalid subject"}
)

// checkFilters checks filter_subject and filter_subjects as nats-server does.
func checkFilters(cfg *ConsumerConfig) *APIError {
	if cfg.FilterSubject != "" && len(cfg.FilterSubjects) > 0 {
		return ErrConsumerFilterAndFilters
	}
	if cfg.FilterSubject != "" && !subtrie.ValidSubject([]byte(cfg.FilterSubject)) {
		return ErrConsumerInvalidFilter
	}
	for i, f := range cfg.FilterSubjects {
		if f == "" {
			return ErrConsumerEmptyFilter
		}
		if !subtrie.ValidSubject([]byte(f)) {
			return ErrConsumerInvalidFilter
		}
		for _, other := range cfg.FilterSubjects[:i] {
			if subtrie.SubjectMatches(f, other) || subtrie.SubjectMatches(other, f) {
				return ErrConsumerFiltersOverlap
			}
		}
	}
	return nil
}

// filtered reports whether the configuration selects some subjects only.
func (cfg *ConsumerConfig) filtered() bool {
	return cfg.FilterSubject != "" || len(cfg.FilterSubjects) > 0
}

// wants reports whether the consumer's filters select subject. Under mu.
func (c *Consumer) wants(subject string) bool {
	if len(c.cfg.FilterSubjects) == 0 {
		f := c.cfg.FilterSubject
		return f == "" || subtrie.SubjectMatches(f, subject)
	}
	for _, f := range c.cfg.FilterSubjects {
		if subtrie.SubjectMatches(f, subject) {
			return true
		}
	}
	return false
}

// loadNext is the first stored message at or after start that the filters select. Under mu.
func (c *Consumer) loadNext(start uint64) (store.Msg, error) {
	if len(c.cfg.FilterSubjects) == 0 {
		return c.s.store.LoadNext(c.cfg.FilterSubject, start)
	}
	var best store.Msg
	var err error
	found := false
	for _, f := range c.cfg.FilterSubjects {
		m, e := c.s.store.LoadNext(f, start)
		switch {
		case e != nil:
			err = e
		case !found || m.Seq < best.Seq:
			best, found = m, true
		}
	}
	if found {
		return best, nil
	}
	return best, err
}

// lastSeq is the sequence of the last stored message the filters select, 0 when there is none. Under mu.
func (c *Consumer) lastSeq() uint64 {
	if len(c.cfg.FilterSubjects) == 0 {
		if m, err := c.s.store.LoadLast(c.cfg.FilterSubject); err == nil {
			return m.Seq
		}
		return 0
	}
	var last uint64
	for _, f := range c.cfg.FilterSubjects {
		if m, err := c.s.store.LoadLast(f); err == nil {
			last = max(last, m.Seq)
		}
	}
	return last
}

// countFrom is how many stored messages at or after start the filters select. Under mu.
func (c *Consumer) countFrom(start uint64) uint64 {
	if len(c.cfg.FilterSubjects) == 0 {
		return c.s.store.FilteredState(c.cfg.FilterSubject, start).Msgs
	}
	var n uint64
	if !filtersShare(c.cfg.FilterSubjects) {
		for _, f := range c.cfg.FilterSubjects {
			n += c.s.store.FilteredState(f, start).Msgs
		}
		return n
	}
	subjects := map[string]struct{}{}
	for _, f := range c.cfg.FilterSubjects {
		for subject := range c.s.store.Subjects(f) {
			subjects[subject] = struct{}{}
		}
	}
	for subject := range subjects {
		n += c.s.store.FilteredState(subject, start).Msgs
	}
	return n
}

// filtersShare reports whether some subject matches two of filters.
func filtersShare(filters []string) bool {
	for i, f := range filters {
		for _, other := range filters[:i] {
			if subjectsCollide(f, other) {
				return true
			}
		}
	}
	return false
}

// lastPerSubjectOfFilters is the last sequence of every subject the filters select, ascending. Under mu.
func (c *Consumer) lastPerSubjectOfFilters() []uint64 {
	if len(c.cfg.FilterSubjects) == 0 {
		return lastPerSubject(c.s.store, c.cfg.FilterSubject)
	}
	var seqs []uint64
	for _, f := range c.cfg.FilterSubjects {
		seqs = append(seqs, lastPerSubject(c.s.store, f)...)
	}
	slices.Sort(seqs)
	return slices.Compact(seqs) // a subject two filters share
}
