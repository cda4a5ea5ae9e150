package stream

import "strconv"

// The pub-ack errors whose text nats-server builds from a store or rollup failure, as the reference
// answers them (held to it by publish_test.go).
var (
	errMaxMsgs            = ErrStreamStoreFailed.with("maximum messages exceeded")
	errMaxBytes           = ErrStreamStoreFailed.with("maximum bytes exceeded")
	errMaxMsgsPerSubject  = ErrStreamStoreFailed.with("maximum messages per subject exceeded")
	errRollupNotPermitted = ErrStreamRollupFailed.with("rollup not permitted")
)

// rollupInvalid is 10111 for a Nats-Rollup value other than "sub" or "all": `rollup value invalid: "x"`.
func rollupInvalid(v []byte) *APIError {
	return ErrStreamRollupFailed.with("rollup value invalid: " + strconv.Quote(string(v)))
}

// storeFailed is 10077 carrying what the store said.
func storeFailed(err error) *APIError { return ErrStreamStoreFailed.with(err.Error()) }
