package stream

// A backoff (a list of delays) replaces ack_wait: the n-th delivery of a message waits backoff[n-1]
// for its ack, and every delivery past the list's length waits its last delay (ackWaitFor). As on
// nats-server, the configuration then shows ack_wait as the first delay, whatever was asked, with any ack
// policy; a delay may be 0 but not negative; and a max_deliver, when set, must allow every delay.

// Backoff errors, as nats-server words them.
var (
	ErrConsumerBackoffNegative   = &APIError{Code: 400, ErrCode: 10184, Description: "consumer backoff needs to be positive"}
	ErrConsumerBackoffMaxDeliver = &APIError{Code: 400, ErrCode: 10116, Description: "max deliver is required to be > length of backoff values"}
)

// checkBackoff checks cfg's backoff and sets its ack_wait from it.
func checkBackoff(cfg *ConsumerConfig) *APIError {
	if len(cfg.BackOff) == 0 {
		return nil
	}
	for _, d := range cfg.BackOff {
		if d < 0 {
			return ErrConsumerBackoffNegative
		}
	}
	if cfg.MaxDeliver > 0 && cfg.MaxDeliver < len(cfg.BackOff) {
		return ErrConsumerBackoffMaxDeliver
	}
	cfg.AckWait = cfg.BackOff[0]
	return nil
}

// ackWaitFor is how long the delivery that makes deliveries deliveries waits for its ack: ack_wait, or
// with a backoff the backoff's entry for it (the last one for every delivery after). Under mu.
func (c *Consumer) ackWaitFor(deliveries uint64) int64 {
	if n := uint64(len(c.cfg.BackOff)); n > 0 {
		return int64(c.cfg.BackOff[min(deliveries, n)-1])
	}
	return int64(c.cfg.AckWait)
}
