package stream

import "time"

// A consumer is paused while its configuration's pause_until is in the future (CONSUMER.PAUSE sets it,
// as does a create or update): it delivers nothing, a no_wait pull request is answered 404 at once,
// other pull requests wait (and expire), heartbeats go on; at pause_until the stream's clock calls it
// and it delivers what is due. The pause is part of the configuration, so it survives a restart.

// consumerPauseRequest is the body of CONSUMER.PAUSE.<stream>.<consumer>; no time (or the zero time)
// resumes the consumer.
type consumerPauseRequest struct {
	PauseUntil *time.Time `json:"pause_until,omitempty"`
}

type consumerPauseResponse struct {
	apiResponse
	Paused         bool          `json:"paused"`
	PauseUntil     time.Time     `json:"pause_until"`
	PauseRemaining time.Duration `json:"pause_remaining,omitempty"`
}

func blankPause(r apiResponse) response { return &consumerPauseResponse{apiResponse: r} }

// apiConsumerPause serves CONSUMER.PAUSE.<stream>.<consumer>.
func (a *Account) apiConsumerPause(req Request, tail string, r apiResponse) response {
	resp := &consumerPauseResponse{apiResponse: r}
	var pr consumerPauseRequest
	if resp.Error = decode(req.Data, &pr); resp.Error != nil {
		return resp
	}
	c, e := a.requestedConsumer(tail)
	if e != nil {
		resp.Error = e
		return resp
	}
	var until *time.Time
	if pr.PauseUntil != nil && !pr.PauseUntil.IsZero() {
		t := pr.PauseUntil.UTC()
		until = &t
		resp.PauseUntil = t
	}
	now := time.Now()
	c.pause(until, now.UnixNano())
	if until != nil && until.After(now) {
		resp.Paused, resp.PauseRemaining = true, until.Sub(now)
	}
	return resp
}

// pause sets (or, with nil, clears) pause_until, stores the configuration and delivers what is due if
// that resumed the consumer.
func (c *Consumer) pause(until *time.Time, now int64) {
	c.mu.Lock()
	if c.deleted {
		c.mu.Unlock()
		return
	}
	c.cfg.PauseUntil = until
	out := c.serve(nil, now)
	c.scheduleNext(now)
	c.mu.Unlock()
	c.send(out)
	c.writeConfig()
}

// pausedUntil is when the consumer's pause ends (unix ns), or 0 when it is not paused at now. Under mu.
func (c *Consumer) pausedUntil(now int64) int64 {
	if c.cfg.PauseUntil == nil {
		return 0
	}
	if until := c.cfg.PauseUntil.UnixNano(); until > now {
		return until
	}
	return 0
}

// pauseInfo fills in the info's paused and pause_remaining. Under mu.
func (c *Consumer) pauseInfo(info *ConsumerInfo, now time.Time) {
	if until := c.pausedUntil(now.UnixNano()); until != 0 {
		info.Paused, info.PauseRemaining = true, time.Duration(until-now.UnixNano())
	}
}
