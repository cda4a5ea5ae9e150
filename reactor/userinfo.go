package reactor

// Every account answers $SYS.REQ.USER.INFO, as nats-server's do: a client asks who it is connected as (the
// nats CLI's `account info` shows the answer). The reply names the publishing user and its account.

const userInfoSubject = "$SYS.REQ.USER.INFO"

type userInfo struct {
	User        string `json:"user"`
	Account     string `json:"account"`
	AccountName string `json:"account_name"`
}

type userInfoResponse struct {
	Server serverAPIInfo `json:"server"`
	Data   userInfo      `json:"data"`
}

// installAccountServices subscribes the services every account has; it runs once per account, when the
// account is registered.
func (s *Server) installAccountServices(a *account) {
	if err := s.subscribeInternal(a, userInfoSubject, s.handleUserInfo); err != nil {
		s.log.Warn().Err(err).Str("account", a.name).Msg("user info service not installed")
	}
}

func (s *Server) handleUserInfo(req internalMsg) {
	s.respond(req, userInfoResponse{Server: s.apiInfo(),
		Data: userInfo{User: req.user, Account: req.acct.name, AccountName: req.acct.name}})
}
