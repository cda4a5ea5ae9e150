package stream

import (
	"time"

	"github.com/reactor-nats/reactor/stream/store"
)

// StreamInfo is a stream's description in create, update, info and list responses (nats-server's
// StreamInfo JSON).
type StreamInfo struct {
	Config    Config       `json:"config"`
	Created   time.Time    `json:"created"`
	State     StreamState  `json:"state"`
	Cluster   *ClusterInfo `json:"cluster,omitempty"`
	TimeStamp time.Time    `json:"ts"`
}

// StreamState is a stream's "state" object.
type StreamState struct {
	Msgs        uint64            `json:"messages"`
	Bytes       uint64            `json:"bytes"`
	FirstSeq    uint64            `json:"first_seq"`
	FirstTime   time.Time         `json:"first_ts"`
	LastSeq     uint64            `json:"last_seq"`
	LastTime    time.Time         `json:"last_ts"`
	NumSubjects int               `json:"num_subjects,omitempty"`
	Subjects    map[string]uint64 `json:"subjects,omitempty"`
	NumDeleted  int               `json:"num_deleted,omitempty"`
	Deleted     []uint64          `json:"deleted,omitempty"`
	Consumers   int               `json:"consumer_count"`
}

// ClusterInfo is the "cluster" object of a stream's info: on a single server, the server is the leader.
type ClusterInfo struct {
	Leader string `json:"leader,omitempty"`
}

// streamState converts a store's summary. A stream that never held a message reports sequence 0 for
// both ends, as nats-server does; times of 0 are Go's zero time ("0001-01-01T00:00:00Z").
func streamState(st store.State) StreamState {
	state := StreamState{
		Msgs: st.Msgs, Bytes: st.Bytes, FirstSeq: st.FirstSeq, LastSeq: st.LastSeq,
		FirstTime: nsTime(st.FirstTime), LastTime: nsTime(st.LastTime),
		NumSubjects: st.NumSubjects, NumDeleted: st.NumDeleted,
	}
	if st.LastSeq == 0 && st.Msgs == 0 {
		state.FirstSeq = 0
	}
	return state
}

// nsTime is unix nanoseconds as a UTC time; 0 is the zero time.
func nsTime(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}

// streamInfo describes s as STREAM.LIST shows it: the stored configuration, no cluster.
func streamInfo(s *Stream) *StreamInfo {
	info := &StreamInfo{
		Config:    s.Config(),
		Created:   s.Created().UTC(),
		State:     streamState(s.Store().State()),
		TimeStamp: time.Now().UTC(),
	}
	info.State.Consumers = s.numConsumers()
	return info
}
