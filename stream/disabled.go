package stream

import "strings"

// ServeDisabled answers the JetStream API in an account that has no JetStream while the server has it, as
// nats-server does: every endpoint refuses with 10039 "JetStream not enabled for account" in its own
// response's shape, and a direct get gets the no-responders status. Without it a client would wait out its
// timeout, or be told JetStream is not supported at all.
func (m *Manager) ServeDisabled(account string) error {
	a := &Account{mgr: m, name: account}
	_, err := m.host.Listen(account, apiPrefix+">", a.refuseAPI)
	return err
}

func (a *Account) refuseAPI(req Request) {
	rest, ok := strings.CutPrefix(req.Subject, apiPrefix)
	if !ok || req.Reply == "" {
		return
	}
	if strings.HasPrefix(rest, "DIRECT.GET.") {
		a.sendStatus(req, statusNoResponders)
		return
	}
	if ep, _, ok := findEndpoint(rest); ok {
		a.reply(req, ep.blank(apiResponse{Type: typePrefix + ep.typ, Error: ErrNotEnabledForAccount}))
	}
}
