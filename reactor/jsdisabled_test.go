package reactor

import (
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// An account without JetStream, on a server with it, is refused by every API endpoint in that endpoint's
// response shape, and a direct get finds no responders: nats-server v2.15.2's answers, byte for byte.
func TestJetStreamRefusedInAccountWithoutIt(t *testing.T) {
	opts := Options{JetStream: &JetStreamOptions{StoreDir: t.TempDir()}}
	withAuth(t, `accounts {
  A { jetstream: enabled, users: [{user: a, password: a}] }
  B { users: [{user: b, password: b}] }
}`, &opts)
	s := runServer(t, opts)
	nc := connect(t, s, nats.UserInfo("b", "b"))
	const refused = `"error":{"code":503,"err_code":10039,"description":"JetStream not enabled for account"}`
	for subject, want := range map[string]string{
		"INFO":                `{"type":"io.nats.jetstream.api.v1.account_info_response",` + refused + `}`,
		"STREAM.NAMES":        `{"type":"io.nats.jetstream.api.v1.stream_names_response",` + refused + `,"total":0,"offset":0,"limit":0,"streams":null}`,
		"STREAM.LIST":         `{"type":"io.nats.jetstream.api.v1.stream_list_response",` + refused + `,"total":0,"offset":0,"limit":0,"streams":[]}`,
		"STREAM.INFO.X":       `{"type":"io.nats.jetstream.api.v1.stream_info_response",` + refused + `,"total":0,"offset":0,"limit":0}`,
		"STREAM.CREATE.X":     `{"type":"io.nats.jetstream.api.v1.stream_create_response",` + refused + `}`,
		"STREAM.UPDATE.X":     `{"type":"io.nats.jetstream.api.v1.stream_update_response",` + refused + `}`,
		"STREAM.PURGE.X":      `{"type":"io.nats.jetstream.api.v1.stream_purge_response",` + refused + `,"purged":0}`,
		"STREAM.DELETE.X":     `{"type":"io.nats.jetstream.api.v1.stream_delete_response",` + refused + `}`,
		"STREAM.MSG.GET.X":    `{"type":"io.nats.jetstream.api.v1.stream_msg_get_response",` + refused + `}`,
		"STREAM.MSG.DELETE.X": `{"type":"io.nats.jetstream.api.v1.stream_msg_delete_response",` + refused + `}`,
	} {
		msg, err := nc.Request("$JS.API."+subject, []byte(`{"seq":1}`), 2*time.Second)
		if err != nil {
			t.Errorf("%s: %v", subject, err)
		} else if string(msg.Data) != want {
			t.Errorf("%s:\n got %s\nwant %s", subject, msg.Data, want)
		}
	}
	if _, err := nc.Request("$JS.API.DIRECT.GET.X", []byte(`{"seq":1}`), 2*time.Second); err != nats.ErrNoResponders {
		t.Errorf("direct get: %v, want no responders", err)
	}
	// The account that has JetStream is served.
	na := connect(t, s, nats.UserInfo("a", "a"))
	msg, err := na.Request("$JS.API.INFO", nil, 2*time.Second)
	if err != nil {
		t.Fatalf("account A: %v", err)
	}
	if want := `{"type":"io.nats.jetstream.api.v1.account_info_response","memory":0,`; !strings.HasPrefix(string(msg.Data), want) {
		t.Errorf("account A: %s", msg.Data)
	}
}
