package reactor

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// $SYS.REQ.USER.INFO names the user who asks and its account, in every account.
func TestUserInfoNamesTheRequester(t *testing.T) {
	s := authServer(t, `accounts {
		A { users = [ {user: alice, password: pa} ] }
		B { users = [ {user: bob, password: pb} ] }
	}`, Options{})
	for _, tc := range []struct{ user, pass, account string }{{"alice", "pa", "A"}, {"bob", "pb", "B"}} {
		nc := connect(t, s, nats.UserInfo(tc.user, tc.pass))
		msg, err := nc.Request(userInfoSubject, nil, 2*time.Second)
		if err != nil {
			t.Fatalf("%s: %v", tc.user, err)
		}
		var got userInfoResponse
		if err := json.Unmarshal(msg.Data, &got); err != nil {
			t.Fatalf("%s: %v: %s", tc.user, err, msg.Data)
		}
		want := userInfo{User: tc.user, Account: tc.account, AccountName: tc.account}
		if got.Data != want || got.Server.ID != s.ID() {
			t.Errorf("%s: got %+v (server %q), want %+v (server %q)", tc.user, got.Data, got.Server.ID, want, s.ID())
		}
	}
}
