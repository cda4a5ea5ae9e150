package stream

import (
	"encoding/json"
	"fmt"
	"time"
)

// Config is a stream's configuration, with nats-server's JSON field names (StreamConfig). Durations are
// nanoseconds on the wire. Fields for features reactor does not implement yet (mirror, sources,
// subject_transform, republish, placement) are kept as raw JSON so that a request naming them can be
// refused by name rather than silently ignored.
type Config struct {
	Name                   string            `json:"name"`
	Description            string            `json:"description,omitempty"`
	Subjects               []string          `json:"subjects,omitempty"`
	Retention              RetentionPolicy   `json:"retention"`
	MaxConsumers           int               `json:"max_consumers"`
	MaxMsgs                int64             `json:"max_msgs"`
	MaxBytes               int64             `json:"max_bytes"`
	MaxAge                 time.Duration     `json:"max_age"`
	MaxMsgsPer             int64             `json:"max_msgs_per_subject"`
	MaxMsgSize             int32             `json:"max_msg_size,omitempty"`
	Discard                DiscardPolicy     `json:"discard"`
	Storage                StorageType       `json:"storage"`
	Replicas               int               `json:"num_replicas"`
	NoAck                  bool              `json:"no_ack,omitempty"`
	Duplicates             time.Duration     `json:"duplicate_window,omitempty"`
	Placement              json.RawMessage   `json:"placement,omitempty"`
	Mirror                 json.RawMessage   `json:"mirror,omitempty"`
	Sources                json.RawMessage   `json:"sources,omitempty"`
	Compression            string            `json:"compression,omitempty"`
	FirstSeq               uint64            `json:"first_seq,omitempty"`
	SubjectTransform       json.RawMessage   `json:"subject_transform,omitempty"`
	RePublish              json.RawMessage   `json:"republish,omitempty"`
	AllowDirect            bool              `json:"allow_direct"`
	MirrorDirect           bool              `json:"mirror_direct"`
	DiscardNewPer          bool              `json:"discard_new_per_subject,omitempty"`
	Sealed                 bool              `json:"sealed"`
	DenyDelete             bool              `json:"deny_delete"`
	DenyPurge              bool              `json:"deny_purge"`
	AllowRollup            bool              `json:"allow_rollup_hdrs"`
	ConsumerLimits         ConsumerLimits    `json:"consumer_limits"`
	AllowMsgTTL            bool              `json:"allow_msg_ttl"` // always present, as nats-server writes it
	SubjectDeleteMarkerTTL time.Duration     `json:"subject_delete_marker_ttl,omitempty"`
	Metadata               map[string]string `json:"metadata,omitempty"`
	AllowAtomicPublish     bool              `json:"allow_atomic,omitempty"`
	AllowMsgCounter        bool              `json:"allow_msg_counter,omitempty"`
	AllowMsgSchedules      bool              `json:"allow_msg_schedules,omitempty"`
	PersistMode            string            `json:"persist_mode,omitempty"`
	AllowBatchPublish      bool              `json:"allow_batched,omitempty"`
}

// ConsumerLimits are the defaults and caps a stream sets for its consumers.
type ConsumerLimits struct {
	InactiveThreshold time.Duration `json:"inactive_threshold,omitempty"`
	MaxAckPending     int           `json:"max_ack_pending,omitempty"`
}

// RetentionPolicy decides when stored messages go: limits, interest or workqueue.
type RetentionPolicy int

const (
	LimitsPolicy RetentionPolicy = iota
	InterestPolicy
	WorkQueuePolicy
)

// DiscardPolicy decides what a full stream does with a new message: drop the oldest, or refuse the new.
type DiscardPolicy int

const (
	DiscardOld DiscardPolicy = iota
	DiscardNew
)

// StorageType is where a stream keeps its messages.
type StorageType int

const (
	FileStorage StorageType = iota
	MemoryStorage
)

var (
	retentionNames = []string{"limits", "interest", "workqueue"}
	discardNames   = []string{"old", "new"}
	storageNames   = []string{"file", "memory"}
)

func (p RetentionPolicy) String() string { return retentionNames[p] }
func (p DiscardPolicy) String() string   { return discardNames[p] }
func (p StorageType) String() string     { return storageNames[p] }

func (p RetentionPolicy) MarshalJSON() ([]byte, error) { return json.Marshal(p.String()) }
func (p DiscardPolicy) MarshalJSON() ([]byte, error)   { return json.Marshal(p.String()) }
func (p StorageType) MarshalJSON() ([]byte, error)     { return json.Marshal(p.String()) }

func (p *RetentionPolicy) UnmarshalJSON(b []byte) error {
	return unmarshalEnum(b, retentionNames, (*int)(p))
}
func (p *DiscardPolicy) UnmarshalJSON(b []byte) error {
	return unmarshalEnum(b, discardNames, (*int)(p))
}
func (p *StorageType) UnmarshalJSON(b []byte) error { return unmarshalEnum(b, storageNames, (*int)(p)) }

// unmarshalEnum reads one of names, in any case, as nats-server accepts them.
func unmarshalEnum(b []byte, names []string, into *int) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	for i, n := range names {
		if equalFold(s, n) {
			*into = i
			return nil
		}
	}
	return fmt.Errorf("can not unmarshal %q", b) // the raw JSON, quotes and all, as nats-server words it
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		ca, cb := a[i]|0x20, b[i]|0x20
		if ca != cb {
			return false
		}
	}
	return true
}
