package reactor

import (
	"encoding/json"
)

// connectOptions are the CONNECT fields the server acts on, with nats-server's defaults (echo on; everything
// else off until the client says otherwise).
type connectOptions struct {
	Verbose      bool   `json:"verbose"`
	Pedantic     bool   `json:"pedantic"`
	TLSRequired  bool   `json:"tls_required"`
	Echo         bool   `json:"echo"`
	Headers      bool   `json:"headers"`
	NoResponders bool   `json:"no_responders"`
	Protocol     int    `json:"protocol"`
	Name         string `json:"name"`
	Lang         string `json:"lang"`
	Version      string `json:"version"`

	// Credentials; read by the auth layer, ignored while no auth is configured (as nats-server does).
	AuthToken string `json:"auth_token,omitempty"`
	User      string `json:"user,omitempty"`
	Pass      string `json:"pass,omitempty"`
	Nkey      string `json:"nkey,omitempty"`
	Sig       string `json:"sig,omitempty"`
	JWT       string `json:"jwt,omitempty"`
}

// defaultConnectOptions hold until CONNECT says otherwise, and for fields CONNECT leaves out. They are
// nats-server's: verbose and pedantic are on (a raw client that sends `CONNECT {}` gets +OK for every op),
// which is why every real client sends both as false. Without auth, a client may publish and subscribe
// before CONNECT.
var defaultConnectOptions = connectOptions{Verbose: true, Pedantic: true, Echo: true}

// Client protocol levels (CONNECT "protocol"): 0 is the original protocol, 1 adds asynchronous INFO updates.
const (
	clientProtoZero = 0
	clientProtoInfo = 1
)

// parseConnect decodes a CONNECT argument. Unknown fields are ignored, as nats-server ignores them.
func parseConnect(arg []byte) (connectOptions, error) {
	o := defaultConnectOptions
	err := json.Unmarshal(arg, &o)
	return o, err
}
