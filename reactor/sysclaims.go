package reactor

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/nats-io/jwt/v2"
)

// In operator mode the system account serves nats-server's account-claims requests, so that `nsc push` and
// other tools can update accounts on a running server:
//
//   - $SYS.REQ.CLAIMS.UPDATE and $SYS.REQ.ACCOUNT.<account>.CLAIMS.UPDATE take an account JWT, store it
//     with the resolver (the full resolver keeps it in its directory, so it survives a restart) and re-check
//     the account's connected clients, so that revocations and expiry take effect at once;
//   - $SYS.REQ.ACCOUNT.<account>.CLAIMS.LOOKUP answers with the account's JWT.
//
// Only clients of the system account can reach these subjects: accounts are isolated.

const (
	claimsUpdate        = "$SYS.REQ.CLAIMS.UPDATE"
	accountClaimsUpdate = "$SYS.REQ.ACCOUNT.*.CLAIMS.UPDATE"
	accountClaimsLookup = "$SYS.REQ.ACCOUNT.*.CLAIMS.LOOKUP"
)

// installSystemServices subscribes the system account's handlers, in operator mode.
func (s *Server) installSystemServices() error {
	a := s.lim().auth
	if a == nil || !a.OperatorMode() {
		return nil
	}
	sys := s.accounts.get(s.sysName)
	for subject, handle := range map[string]func(internalMsg){
		claimsUpdate:        s.handleClaimsUpdate,
		accountClaimsUpdate: s.handleClaimsUpdate,
		accountClaimsLookup: s.handleClaimsLookup,
	} {
		if err := s.subscribeInternal(sys, subject, handle); err != nil {
			return err
		}
	}
	return nil
}

// serverAPIInfo is the "server" object of nats-server's system API responses.
type serverAPIInfo struct {
	Name      string    `json:"name"`
	Host      string    `json:"host"`
	ID        string    `json:"id"`
	Version   string    `json:"ver"`
	JetStream bool      `json:"jetstream"`
	Flags     uint64    `json:"flags"`
	Seq       uint64    `json:"seq"`
	Time      time.Time `json:"time"`
}

type claimsResult struct {
	Account     string `json:"account"`
	Code        int    `json:"code"`
	Message     string `json:"message,omitempty"`
	Description string `json:"description,omitempty"`
}

type claimsResponse struct {
	Server serverAPIInfo `json:"server"`
	Data   *claimsResult `json:"data,omitempty"`
	Error  *claimsResult `json:"error,omitempty"`
}

func (s *Server) handleClaimsUpdate(req internalMsg) {
	token := strings.TrimSpace(string(req.msg))
	resp := claimsResponse{Server: s.apiInfo()}
	claims, err := jwt.DecodeAccountClaims(token)
	if err == nil {
		// The subject of $SYS.REQ.ACCOUNT.<account>.CLAIMS.UPDATE must name the account the JWT is for.
		if parts := strings.Split(req.subject, "."); len(parts) == 6 && parts[3] != claims.Subject {
			err = errors.New("subject does not match the account in the JWT")
		}
	}
	if err == nil {
		err = s.lim().auth.StoreAccountJWT(token)
	}
	var account string
	if claims != nil {
		account = claims.Subject
	}
	if err != nil {
		resp.Error = &claimsResult{Account: account, Code: 400, Description: err.Error()}
	} else {
		resp.Data = &claimsResult{Account: account, Code: 200, Message: "jwt updated"}
		s.log.Info().Str("account", account).Msg("Account JWT updated")
		if a := s.accounts.get(account); a != nil {
			if spec, err := s.lim().auth.LookupAccount(account); err == nil {
				a.setTerms(spec) // new limits and expiry for its connections; its imports stay as made
			}
			s.recheckClients(s.lim().auth) // revocations and expiry apply to connected users now
		}
	}
	s.respond(req, resp)
}

func (s *Server) handleClaimsLookup(req internalMsg) {
	parts := strings.Split(req.subject, ".")
	if len(parts) != 6 {
		return
	}
	spec, err := s.lim().auth.LookupAccount(parts[3])
	if err != nil {
		s.respond(req, claimsResponse{Server: s.apiInfo(),
			Error: &claimsResult{Account: parts[3], Code: 404, Description: err.Error()}})
		return
	}
	s.publishInternal(req.acct, req.reply, []byte(spec.JWT))
}

func (s *Server) respond(req internalMsg, v any) {
	if req.reply == "" {
		return
	}
	data, err := json.Marshal(v)
	if err != nil {
		return
	}
	s.publishInternal(req.acct, req.reply, data)
}

func (s *Server) apiInfo() serverAPIInfo {
	return serverAPIInfo{
		Name:      s.opts.ServerName,
		Host:      s.opts.Host,
		ID:        s.id,
		Version:   ProtocolVersion,
		JetStream: s.js != nil,
		Seq:       s.apiSeq.Add(1),
		Time:      time.Now().UTC(),
	}
}
