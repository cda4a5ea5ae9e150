package stream

import (
	"strconv"
	"time"

	"github.com/reactor-nats/reactor/stream/store"
)

// Two settings pace a consumer's deliveries, both on the stream's clock, never by sleeping:
//
//   - replay_policy "original" spaces first deliveries as the messages were stored: a message goes out
//     no sooner than the previous first delivery plus the difference of their stored times (pull and
//     push alike, as nats-server). Redeliveries are not held back.
//   - rate_limit_bps (push consumers only) is a token bucket of bits per second over the bytes
//     delivered (subject, headers and payload), holding at most maxPayload bytes (nats-server's
//     burst: its max_payload, 1 MB), full at the start: a delivery that finds too few tokens waits
//     until the bucket has refilled enough.

// ReplayOriginal is the replay policy that spaces deliveries as the messages were stored.
const ReplayOriginal = "original"

// rateBurst is the bytes a rate-limited consumer may deliver at once (nats-server's default max_payload).
const rateBurst = 1 << 20

// ErrConsumerPullRateLimit is nats-server's refusal of a rate limit on a pull consumer.
var ErrConsumerPullRateLimit = &APIError{Code: 400, ErrCode: 10086, Description: "consumer in pull mode can not have rate limit set"}

// checkReplayPolicy checks replay_policy, defaulting it to instant; an unknown word is refused as
// nats-server's JSON decoding refuses it.
func checkReplayPolicy(cfg *ConsumerConfig) *APIError {
	switch cfg.ReplayPolicy {
	case "":
		cfg.ReplayPolicy = ReplayInstant
	case ReplayInstant, ReplayOriginal:
	default:
		return invalidJSON("can not unmarshal " + strconv.Quote(strconv.Quote(cfg.ReplayPolicy)))
	}
	return nil
}

// pacing is where a consumer's paced deliveries stand. Under Consumer.mu.
type pacing struct {
	replayAt    int64   // unix ns of the last first delivery under replay original (0: none yet)
	replayStamp int64   // that message's stored time
	tokens      float64 // rate limit: bytes the bucket holds at tokensAt
	tokensAt    int64   // unix ns of the last refill (0: the bucket is untouched, full)
}

// replayHolds reports whether replay original holds m's first delivery back now; if so the clock is
// asked to call when it is due. Under mu.
func (c *Consumer) replayHolds(m store.Msg) bool {
	if c.cfg.ReplayPolicy != ReplayOriginal || c.pace.replayAt == 0 {
		return false
	}
	due := c.pace.replayAt + (m.Time - c.pace.replayStamp)
	if due <= time.Now().UnixNano() {
		return false
	}
	c.schedule(due)
	return true
}

// replayed records a first delivery of m at now for replay original. Under mu.
func (c *Consumer) replayed(m store.Msg, now int64) {
	if c.cfg.ReplayPolicy == ReplayOriginal {
		c.pace.replayAt, c.pace.replayStamp = now, m.Time
	}
}

// rateHolds reports whether the rate limit holds back a delivery of size bytes at now; if not, the
// bytes are taken from the bucket, and if so the clock is asked to call when there will be enough.
// Under mu.
func (c *Consumer) rateHolds(size int, now int64) bool {
	if c.cfg.RateLimit == 0 {
		return false
	}
	perSecond := float64(c.cfg.RateLimit) / 8 // bytes
	burst := max(float64(rateBurst), perSecond)
	p := &c.pace
	if p.tokensAt == 0 {
		p.tokens = burst
	} else {
		p.tokens = min(burst, p.tokens+float64(now-p.tokensAt)*perSecond/float64(time.Second))
	}
	p.tokensAt = now
	if need := float64(size) - p.tokens; need > 0 && p.tokens < burst {
		c.schedule(now + int64(need/perSecond*float64(time.Second)) + 1)
		return true
	}
	p.tokens -= float64(size) // a message larger than the burst goes out on a full bucket, leaving it in debt
	return false
}
