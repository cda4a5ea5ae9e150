package stream

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzAPIRequest sends a random API subject and body to the dispatcher of one long-lived account, so
// that streams made by earlier inputs meet later ones. Whatever arrives, the API must not panic, and
// every answer must be JSON (or, for a direct get, a NATS/1.0 header block).
func FuzzAPIRequest(f *testing.F) {
	for _, step := range apiScenario {
		if step.kind != stepPublish {
			f.Add(step.subject[len(apiPrefix):], []byte(step.body))
		}
	}
	env := newAPIEnv(f)
	handle := env.host.listener("A")
	f.Fuzz(func(t *testing.T, suffix string, body []byte) {
		env.n++
		reply := "_INBOX.fuzz"
		handle(Request{Account: "A", Subject: apiPrefix + suffix, Reply: reply, Data: body})
		out, ok := env.host.take(reply, 0)
		switch {
		case !ok:
		case out.Hdr != nil:
			if !bytes.HasPrefix(out.Hdr, []byte("NATS/1.0")) || !bytes.HasSuffix(out.Hdr, []byte("\r\n\r\n")) {
				t.Fatalf("%s %q: header block %q", suffix, body, out.Hdr)
			}
		case !json.Valid(out.Data):
			t.Fatalf("%s %q: answer %q is not JSON", suffix, body, out.Data)
		}
	})
}
