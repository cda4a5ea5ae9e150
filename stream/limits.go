package stream

import "fmt"

// checkDiscardNew refuses a message a discard-new stream has no room for, as nats-server does: the
// message count first, then the bytes, then (with discard_new_per_subject) the subject's count.
func (s *Stream) checkDiscardNew(subject string, size uint64) *APIError {
	cfg := &s.cfg
	if cfg.Discard != DiscardNew {
		return nil
	}
	st := s.store.State()
	if cfg.MaxMsgs > 0 && st.Msgs >= uint64(cfg.MaxMsgs) {
		return errMaxMsgs
	}
	if cfg.MaxBytes > 0 && st.Bytes+size > uint64(cfg.MaxBytes) {
		return errMaxBytes
	}
	if cfg.DiscardNewPer && cfg.MaxMsgsPer > 0 &&
		s.store.SubjectState(subject).Msgs >= uint64(cfg.MaxMsgsPer) {
		return errMaxMsgsPerSubject
	}
	return nil
}

// fewRemovals is how far over a limit the stream goes one oldest message at a time; beyond it (a
// configuration update lowering a limit) one Purge keeping the newest does the work.
const fewRemovals = 16

// enforceLimits drops the oldest messages beyond max_msgs_per_subject (on subject, or on every subject
// when subject is ""), max_msgs and max_bytes. Under mu, as part of the entry that went over. A publish
// goes over by one message, so the usual work is one Remove of the front.
func (s *Stream) enforceLimits(subject string) error {
	cfg := &s.cfg
	if per := uint64(max(cfg.MaxMsgsPer, 0)); per > 0 {
		if subject != "" {
			if err := s.trimSubject(subject, s.store.SubjectState(subject).Msgs, per); err != nil {
				return err
			}
		} else {
			for subj, n := range s.store.Subjects("") {
				if err := s.trimSubject(subj, n, per); err != nil {
					return err
				}
			}
		}
	}
	if limit := uint64(max(cfg.MaxMsgs, 0)); limit > 0 {
		st := s.store.State()
		if st.Msgs > limit+fewRemovals {
			if _, err := s.store.Purge("", 0, limit); err != nil {
				return err
			}
		}
		for ; st.Msgs > limit; st = s.store.State() {
			if err := s.removeFront(st.FirstSeq); err != nil {
				return err
			}
		}
	}
	if limit := uint64(max(cfg.MaxBytes, 0)); limit > 0 {
		for st := s.store.State(); st.Bytes > limit && st.Msgs > 0; st = s.store.State() {
			if err := s.removeFront(st.FirstSeq); err != nil {
				return err
			}
		}
	}
	return nil
}

// trimSubject drops the oldest of the n messages on subject beyond per.
func (s *Stream) trimSubject(subject string, n, per uint64) error {
	if n > per+fewRemovals {
		_, err := s.store.Purge(subject, 0, per)
		return err
	}
	for ; n > per; n-- {
		if err := s.removeFront(s.store.SubjectState(subject).First); err != nil {
			return err
		}
	}
	return nil
}

// removeFront removes the oldest message (of the stream or of a subject), which the store has just
// named; a store that cannot find it is broken, and the loops above must not spin on it.
func (s *Stream) removeFront(seq uint64) error {
	ok, err := s.store.Remove(seq, false)
	if err == nil && !ok {
		err = fmt.Errorf("limits: the store's first sequence %d is not there", seq)
	}
	return err
}
