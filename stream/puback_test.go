package stream

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

func TestPubAckWithDomain(t *testing.T) {
	// As nats-server 2.15.2 with jetstream { domain: hub } answers (an error ack names no domain).
	s := &Stream{}
	s.ackPrefix, s.errSuffix = ackFrame("A1", "hub")
	for _, c := range []struct {
		r    pubResult
		want string
	}{
		{pubResult{seq: 1}, `{"stream":"A1","domain":"hub","seq":1}`},
		{pubResult{seq: 2, dup: true}, `{"stream":"A1","domain":"hub","seq":2,"duplicate": true}`},
		{pubResult{err: ErrAccountResources},
			`{"error":{"code":400,"err_code":10002,"description":"resource limits exceeded for account"},"stream":"A1","seq":0}`},
	} {
		if got := string(s.appendAck(nil, c.r)); got != c.want {
			t.Errorf("ack %+v:\n got %s\nwant %s", c.r, got, c.want)
		}
	}
}

func TestAppendJSONStringIsEncodingJSON(t *testing.T) {
	cases := []string{"", "plain", `q"b\s`, "<&>", "\x00\x1f\n\r\t", "é\u2028\u2029", "\xff\xfe bad", "日本"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	}
}
