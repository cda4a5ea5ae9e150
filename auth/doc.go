// Package auth decides who may connect to reactor, as which account, and with which permissions, the way
// nats-server v2.15.2 decides it. It is a pure library: no sockets, no goroutines, no global state.
//
// This first part owns permissions: the Permissions types, their config-file spellings, and the Checker
// that answers one connection's permission questions, with a DeliverFilter for subscriptions that
// overlap a subscribe-deny entry.
//
// # Invariants
//
//   - A Checker is used only on its connection's event loop and takes no locks. CanPublish and
//     CanDeliver answer a repeated subject from a bounded cache without allocating. A DeliverFilter is
//     immutable and may be asked from any loop.
//   - Permission semantics are nats-server's, including its corners: an allow list of nil admits all
//     and an empty non-nil publish allow list (allow_responses) admits none; deny wins; a wildcard SUB
//     is matched token by token against the lists; queue-qualified subscribe entries decide for their
//     queue groups. reference_test.go runs the permission matrix against the real nats-server.
package auth
