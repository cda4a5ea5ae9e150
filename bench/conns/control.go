package conns

// The driver and its workers speak in lines. The driver writes commands to a worker's stdin; a worker
// writes events to its stdout, one JSON object per line. Closing a worker's stdin is the last command:
// the worker closes its connections and exits.

// Commands, driver to worker.
const (
	cmdConnect = "connect" // open all connections, then report evConnected
)

// Event kinds, worker to driver.
const (
	evReady     = "ready"     // the worker is up and waiting for commands
	evConnected = "connected" // every connection has finished its handshake or failed
	evFanout    = "fanout"    // every connected subscriber has received the round's message
	evLost      = "lost"      // the server dropped a subscriber after its handshake (sent once)
)

// event is one line from a worker. Times are Unix nanoseconds: driver and workers share this machine's
// clock, which is the only way to compare instants across processes.
type event struct {
	Kind string `json:"kind"`

	OK         int    `json:"ok,omitempty"`          // evConnected: handshakes that completed
	Failed     int    `json:"failed,omitempty"`      // evConnected: handshakes that did not
	FirstError string `json:"first_error,omitempty"` // evConnected, evLost: the first failure
	Start      int64  `json:"start,omitempty"`       // evConnected: first dial
	End        int64  `json:"end,omitempty"`         // evConnected: last PONG

	Round int   `json:"round,omitempty"` // evFanout: messages each subscriber has received so far
	At    int64 `json:"at,omitempty"`    // evFanout: when the last subscriber received it
}
