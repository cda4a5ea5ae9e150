package main

import (
	"testing"

	"github.com/reactor-nats/reactor/config"
)

func TestAuthDigestSeesOnlyAuthValues(t *testing.T) {
	digest := func(text string) string {
		m, err := config.Parse("t.conf", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		return authDigest(m)
	}
	base := digest("max_payload: 1KB\nauthorization { users: [{user: a, password: b}] }\n")
	for name, text := range map[string]string{
		"another limit":   "max_payload: 2KB\nauthorization { users: [{user: a, password: b}] }\n",
		"moved and blank": "\n\nauthorization {\n  users: [ {user: a, password: b} ]\n}\nmax_payload: 1KB\n",
	} {
		if got := digest(text); got != base {
			t.Errorf("%s: the digest changed", name)
		}
	}
	for name, text := range map[string]string{
		"another password": "max_payload: 1KB\nauthorization { users: [{user: a, password: c}] }\n",
		"another user":     "max_payload: 1KB\nauthorization { users: [{user: a, password: b}, {user: d, password: e}] }\n",
		"no auth":          "max_payload: 1KB\n",
	} {
		if got := digest(text); got == base {
			t.Errorf("%s: the digest did not change", name)
		}
	}
}
