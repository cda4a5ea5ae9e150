package stream

import (
	"strings"
	"time"

	"github.com/reactor-nats/reactor/subtrie"
)

// ConsumerConfig is a consumer's configuration with nats-server's JSON field names. Policies are their
// JSON words ("explicit", "all", "instant"); checkConsumerConfig fills in nats-server's defaults.
type ConsumerConfig struct {
	Durable            string            `json:"durable_name,omitempty"`
	Name               string            `json:"name,omitempty"`
	Description        string            `json:"description,omitempty"`
	DeliverPolicy      string            `json:"deliver_policy"`
	OptStartSeq        uint64            `json:"opt_start_seq,omitempty"`
	OptStartTime       *time.Time        `json:"opt_start_time,omitempty"`
	AckPolicy          string            `json:"ack_policy"`
	AckWait            time.Duration     `json:"ack_wait,omitempty"`
	MaxDeliver         int               `json:"max_deliver,omitempty"`
	BackOff            []time.Duration   `json:"backoff,omitempty"`
	FilterSubject      string            `json:"filter_subject,omitempty"`
	FilterSubjects     []string          `json:"filter_subjects,omitempty"`
	ReplayPolicy       string            `json:"replay_policy"`
	RateLimit          uint64            `json:"rate_limit_bps,omitempty"`
	SampleFrequency    string            `json:"sample_freq,omitempty"`
	MaxWaiting         int               `json:"max_waiting,omitempty"`
	MaxAckPending      int               `json:"max_ack_pending,omitempty"`
	Heartbeat          time.Duration     `json:"idle_heartbeat,omitempty"`
	FlowControl        bool              `json:"flow_control,omitempty"`
	HeadersOnly        bool              `json:"headers_only,omitempty"`
	MaxRequestBatch    int               `json:"max_batch,omitempty"`
	MaxRequestExpires  time.Duration     `json:"max_expires,omitempty"`
	MaxRequestMaxBytes int               `json:"max_bytes,omitempty"`
	DeliverSubject     string            `json:"deliver_subject,omitempty"`
	DeliverGroup       string            `json:"deliver_group,omitempty"`
	InactiveThreshold  time.Duration     `json:"inactive_threshold,omitempty"`
	Replicas           int               `json:"num_replicas"`
	MemoryStorage      bool              `json:"mem_storage,omitempty"`
	Metadata           map[string]string `json:"metadata,omitempty"`
	PauseUntil         *time.Time        `json:"pause_until,omitempty"` // consumer_pause.go
}

// Policy words.
const (
	AckNone     = "none"
	AckAll      = "all"
	AckExplicit = "explicit"

	DeliverAll            = "all"
	DeliverLast           = "last"
	DeliverNew            = "new"
	DeliverByStartSeq     = "by_start_sequence"
	DeliverByStartTime    = "by_start_time"
	DeliverLastPerSubject = "last_per_subject"

	ReplayInstant = "instant"
)

// nats-server's consumer defaults.
const (
	defaultAckWait           = 30 * time.Second
	defaultMaxWaiting        = 512
	defaultMaxAckPending     = 1000
	defaultInactiveThreshold = 5 * time.Second
	minHeartbeat             = 100 * time.Millisecond
)

// ConsumerAction is a create request's "action": "" (create or update), "create" or "update".
type ConsumerAction string

// CreateConsumerRequest is the body of CONSUMER.CREATE and CONSUMER.DURABLE.CREATE.
type CreateConsumerRequest struct {
	Stream   string          `json:"stream_name"`
	Config   *ConsumerConfig `json:"config"`
	Action   ConsumerAction  `json:"action,omitempty"`
	Pedantic bool            `json:"pedantic,omitempty"`
}

// checkConsumerConfig validates cfg for stream scfg and fills in nats-server's defaults.
func checkConsumerConfig(cfg ConsumerConfig, scfg Config) (ConsumerConfig, *APIError) {
	if cfg.Durable != "" && cfg.Name != "" && cfg.Durable != cfg.Name {
		return cfg, ErrConsumerDurableAndName
	}
	if cfg.Name == "" {
		cfg.Name = cfg.Durable
	}
	if strings.ContainsAny(cfg.Name, ".*> \t") {
		return cfg, ErrConsumerBadDurableName
	}
	if strings.ContainsAny(cfg.Name, `/\`) {
		return cfg, ErrConsumerNamePath
	}
	switch cfg.AckPolicy {
	case "":
		cfg.AckPolicy = AckNone
	case AckNone, AckAll, AckExplicit:
	default:
		return cfg, ErrConsumerAckPolicy
	}
	switch cfg.DeliverPolicy {
	case "":
		cfg.DeliverPolicy = DeliverAll
	case DeliverAll, DeliverLast, DeliverNew, DeliverByStartSeq, DeliverByStartTime, DeliverLastPerSubject:
	default:
		return cfg, ErrConsumerCreate.with("consumer deliver policy invalid")
	}
	if cfg.PauseUntil != nil {
		if cfg.PauseUntil.IsZero() {
			cfg.PauseUntil = nil
		} else {
			t := cfg.PauseUntil.UTC()
			cfg.PauseUntil = &t
		}
	}
	if e := checkReplayPolicy(&cfg); e != nil {
		return cfg, e
	}
	if e := checkDelivery(&cfg, scfg); e != nil {
		return cfg, e
	}
	if e := checkFilters(&cfg); e != nil {
		return cfg, e
	}
	if cfg.DeliverPolicy == DeliverLastPerSubject && !cfg.filtered() {
		return cfg, ErrConsumerLastPerSubjectFilter
	}
	if cfg.MaxRequestBatch < 0 {
		return cfg, ErrConsumerMaxBatchNeg
	}
	if cfg.MaxRequestExpires != 0 && cfg.MaxRequestExpires < time.Millisecond {
		return cfg, ErrConsumerMaxExpiresSmall
	}
	if cfg.MaxDeliver == 0 {
		cfg.MaxDeliver = -1
	}
	if cfg.AckPolicy == AckNone {
		if cfg.MaxAckPending > 0 {
			return cfg, ErrConsumerMaxPendingAck
		}
	} else {
		if cfg.AckWait <= 0 {
			cfg.AckWait = defaultAckWait
		}
		if cfg.MaxAckPending == 0 {
			cfg.MaxAckPending = scfg.ConsumerLimits.MaxAckPending
		}
		if cfg.MaxAckPending == 0 {
			cfg.MaxAckPending = defaultMaxAckPending
		}
	}
	if e := checkBackoff(&cfg); e != nil {
		return cfg, e
	}
	if cfg.Durable == "" && cfg.InactiveThreshold == 0 {
		cfg.InactiveThreshold = scfg.ConsumerLimits.InactiveThreshold
		if cfg.InactiveThreshold == 0 {
			cfg.InactiveThreshold = defaultInactiveThreshold
		}
	}
	if scfg.Retention == WorkQueuePolicy && cfg.DeliverPolicy != DeliverAll {
		return cfg, ErrConsumerWQNotDeliverAll
	}
	return cfg, nil
}

// checkDelivery checks what makes a consumer push or pull, as nats-server does: a push consumer
// (deliver_subject) has no pull requests (max_waiting), a literal deliver subject outside the stream's
// subjects, and heartbeats of at least 100 ms when it is flow controlled; a pull consumer has neither
// heartbeats nor flow control and max_waiting 512 unless told.
func checkDelivery(cfg *ConsumerConfig, scfg Config) *APIError {
	if cfg.DeliverSubject == "" {
		switch {
		case cfg.Heartbeat > 0:
			return ErrConsumerHBRequiresPush
		case cfg.FlowControl:
			return ErrConsumerFCRequiresPush
		case cfg.RateLimit > 0:
			return ErrConsumerPullRateLimit
		case cfg.MaxWaiting < 0:
			return ErrConsumerMaxWaitingNeg
		case cfg.MaxWaiting == 0:
			cfg.MaxWaiting = defaultMaxWaiting
		}
		return nil
	}
	switch {
	case cfg.MaxWaiting != 0:
		return ErrConsumerPushMaxWaiting
	case cfg.Heartbeat > 0 && cfg.Heartbeat < minHeartbeat:
		return ErrConsumerSmallHeartbeat
	case cfg.FlowControl && cfg.Heartbeat <= 0:
		return ErrConsumerFCNeedsHeartbeat
	case strings.ContainsAny(cfg.DeliverSubject, "*>"):
		return ErrConsumerDeliverWildcards
	}
	for _, subject := range scfg.Subjects {
		if subtrie.SubjectMatches(subject, cfg.DeliverSubject) {
			return ErrConsumerDeliverCycle
		}
	}
	return nil
}

// push reports whether the consumer delivers to a deliver subject rather than to pull requests.
func (cfg *ConsumerConfig) push() bool { return cfg.DeliverSubject != "" }
