package monitor

import (
	"testing"

	"github.com/reactor-nats/reactor/reactor"
)

// refusals are requests nats-server refuses, with its status and exact body, observed from the reference
// binary. TestRefusals holds reactor to them and TestRefusalsHoldForReferenceServer holds the table to
// nats-server, so a wrong expectation fails rather than teaching reactor a wrong answer.
var refusals = []struct {
	path   string
	status int
	body   string
}{
	{"/connz?sort=bogus", 400, "invalid sorting option: bogus"},
	{"/connz?sort=CID", 400, "invalid sorting option: CID"},
	{"/connz?sort=stop", 400, "sort by stop only valid on closed connections"},
	{"/connz?sort=reason", 400, "sort by reason only valid on closed connections"},
	{"/connz?state=any&sort=stop", 400, "sort by stop only valid on closed connections"},
	{"/connz?limit=abc", 400, `Error decoding int for 'limit': strconv.Atoi: parsing "abc": invalid syntax`},
	{"/connz?limit=99999999999999999999", 400,
		`Error decoding int for 'limit': strconv.Atoi: parsing "99999999999999999999": value out of range`},
	{"/connz?offset=abc", 400, `Error decoding int for 'offset': strconv.Atoi: parsing "abc": invalid syntax`},
	{"/connz?cid=abc", 400, `Error decoding uint64 for 'cid': strconv.ParseUint: parsing "abc": invalid syntax`},
	{"/connz?state=bogus", 400, "Error decoding state for bogus"},
	{"/connz?subs=bogus", 400, `Error decoding boolean for 'subs': strconv.ParseBool: parsing "bogus": invalid syntax`},
	{"/connz?auth=x", 400, `Error decoding boolean for 'auth': strconv.ParseBool: parsing "x": invalid syntax`},
	{"/subsz?limit=abc", 400, `Error decoding int for 'limit': strconv.Atoi: parsing "abc": invalid syntax`},
	{"/subsz?subs=detail", 400, `Error decoding boolean for 'subs': strconv.ParseBool: parsing "detail": invalid syntax`},
	{"/subsz?test=foo.*", 400, "invalid test subject, must be valid publish subject: foo.*"},
	{"/accountz?acc=nope", 400, "Account nope does not exist"},
	{"/routez?subs=abc", 400, `Error decoding boolean for 'subs': strconv.ParseBool: parsing "abc": invalid syntax`},
	{"/jsz?accounts=abc", 400, `Error decoding boolean for 'accounts': strconv.ParseBool: parsing "abc": invalid syntax`},
	{"/jsz?offset=abc", 400, `Error decoding int for 'offset': strconv.Atoi: parsing "abc": invalid syntax`},
	{"/healthz?js-enabled-only=abc", 400,
		`Error decoding boolean for 'js-enabled-only': strconv.ParseBool: parsing "abc": invalid syntax`},
	{"/healthz?stream=s", 400, `{"status":"error","error":"\"account\" must not be empty when checking stream health"}`},
	{"/healthz?consumer=c", 400, `{"status":"error","error":"\"stream\" must not be empty when checking consumer health"}`},
	{"/nothing", 404, "404 page not found\n"},
}

func TestRefusals(t *testing.T) {
	f := runFixture(t, reactor.Options{})
	checkRefusals(t, f.base)
}

func checkRefusals(t *testing.T, base string) {
	for _, tc := range refusals {
		status, body := get(t, base+tc.path)
		if status != tc.status || body != tc.body {
			t.Errorf("%s: %d %q, want %d %q", tc.path, status, body, tc.status, tc.body)
		}
	}
}
