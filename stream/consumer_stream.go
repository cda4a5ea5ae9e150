package stream

import (
	"sort"
	"time"
)

// A stream's consumers live in Stream.consumers, under the stream's lock, so that apply (the interest
// hook) sees the same set the API changed.

// consumer returns the named consumer, or nil.
func (s *Stream) consumer(name string) *Consumer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.consumers[name]
}

// consumerList returns the stream's consumers sorted by name.
func (s *Stream) consumerList() []*Consumer {
	s.mu.Lock()
	list := make([]*Consumer, 0, len(s.consumers))
	for _, c := range s.consumers {
		list = append(list, c)
	}
	s.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return list[i].name < list[j].name })
	return list
}

// numConsumers is the stream's consumer_count.
func (s *Stream) numConsumers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.consumers)
}

// defaultMaxStreamConsumers bounds a stream's consumers when its max_consumers is unlimited (-1): nats-server
// v2.15 refuses the 1001st consumer of such a stream with 10026 while its info still shows -1 (observed).
const defaultMaxStreamConsumers = 1000

// maxConsumers is how many consumers the stream may have. Under mu.
func (s *Stream) maxConsumers() int {
	if s.cfg.MaxConsumers > 0 {
		return s.cfg.MaxConsumers
	}
	return defaultMaxStreamConsumers
}

// addConsumer creates a consumer with cfg (checked and defaulted) unless one of that name exists, which
// it returns instead with false.
func (s *Stream) addConsumer(cfg ConsumerConfig) (*Consumer, bool, *APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return nil, false, ErrStreamNotFound
	}
	if c := s.consumers[cfg.Name]; c != nil {
		return c, false, nil
	}
	if len(s.consumers) >= s.maxConsumers() {
		return nil, false, ErrConsumerMaxReached
	}
	c := newConsumer(s, cfg, time.Now())
	if err := c.createFiles(); err != nil {
		return nil, false, ErrConsumerCreate.with(err.Error())
	}
	if s.consumers == nil {
		s.consumers = map[string]*Consumer{}
	}
	s.consumers[cfg.Name] = c
	s.interest = s.anyConsumerWants
	c.mu.Lock()
	c.scheduleNext(time.Now().UnixNano())
	c.mu.Unlock()
	return c, true, nil
}

// deleteConsumer removes the named consumer; false when there was none.
func (s *Stream) deleteConsumer(name string) bool {
	s.mu.Lock()
	c := s.consumers[name]
	delete(s.consumers, name)
	if len(s.consumers) == 0 {
		s.interest = nil
	}
	if c != nil {
		c.removeFiles()
	}
	s.mu.Unlock()
	if c == nil {
		return false
	}
	c.stop()
	return true
}

// anyConsumerWants is the interest hook while consumers exist: an interest stream keeps a message
// some consumer's filter selects. Under mu.
func (s *Stream) anyConsumerWants(_ uint64, subject string) bool {
	for _, c := range s.consumers {
		c.mu.Lock()
		wants := c.wants(subject)
		c.mu.Unlock()
		if wants {
			return true
		}
	}
	return false
}

// notifyConsumers lets the push consumers and those with waiting pull requests deliver what the
// writer just stored.
// The writer calls it after each batch, outside the stream's lock.
func (s *Stream) notifyConsumers() {
	s.mu.Lock()
	var ready []*Consumer
	for _, c := range s.consumers {
		if c.waitingCount.Load() > 0 || c.pushing.Load() {
			ready = append(ready, c)
		}
	}
	s.mu.Unlock()
	now := time.Now().UnixNano()
	for _, c := range ready {
		c.mu.Lock()
		out := c.serve(nil, now)
		c.mu.Unlock()
		c.send(out)
	}
}

// stopConsumers ends every consumer (the stream stops or is deleted) and writes and syncs the state of
// those that changed since. Under no lock.
func (s *Stream) stopConsumers() {
	s.clock.stop()
	s.mu.Lock()
	consumers := s.consumers
	s.consumers, s.interest = nil, nil
	s.mu.Unlock()
	for _, c := range consumers {
		c.stop()
		c.save(true)
	}
}
