package stream

import "time"

// An existing consumer's configuration may change (CONSUMER.CREATE with action "update" or none, and
// DURABLE.CREATE) except in what decides what it has delivered or how it is reached; nats-server refuses
// those with 10012 and these words, in this order. Everything else (description, ack_wait, max_deliver,
// backoff, max_ack_pending, headers_only, filters, rate limit, sample_freq, metadata, inactive_threshold,
// max_batch/max_expires/max_bytes, deliver subject and group of a push consumer, pause_until) changes.
func checkConsumerUpdate(old, cfg ConsumerConfig) *APIError {
	switch {
	case cfg.DeliverPolicy != old.DeliverPolicy:
		return ErrConsumerCreate.with("deliver policy can not be updated")
	case cfg.OptStartSeq != old.OptStartSeq:
		return ErrConsumerCreate.with("start sequence can not be updated")
	case !sameTime(cfg.OptStartTime, old.OptStartTime):
		return ErrConsumerCreate.with("start time can not be updated")
	case cfg.AckPolicy != old.AckPolicy:
		return ErrConsumerCreate.with("ack policy can not be updated")
	case cfg.ReplayPolicy != old.ReplayPolicy:
		return ErrConsumerCreate.with("replay policy can not be updated")
	case cfg.Heartbeat != old.Heartbeat:
		return ErrConsumerCreate.with("heart beats can not be updated")
	case cfg.FlowControl != old.FlowControl:
		return ErrConsumerCreate.with("flow control can not be updated")
	case !old.push() && cfg.push():
		return ErrConsumerCreate.with("can not update pull consumer to push based")
	case old.push() && !cfg.push():
		return ErrConsumerCreate.with("can not update push consumer to pull based")
	case cfg.MaxWaiting != old.MaxWaiting:
		return ErrConsumerCreate.with("max waiting can not be updated")
	case cfg.MemoryStorage != old.MemoryStorage:
		return ErrConsumerCreate.with("storage type can not be updated")
	}
	return nil
}

// sameTime reports whether two optional times are both unset or the same instant.
func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}
