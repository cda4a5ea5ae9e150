package subtrie

import "errors"

// The errors Insert and Remove return, wrapped with the offending subject or queue. Callers test them with
// errors.Is; the engine maps them to its own protocol errors.
var (
	// ErrInvalidSubject: the subscription subject breaks the grammar ValidSubject checks.
	ErrInvalidSubject = errors.New("subtrie: invalid subject")
	// ErrInvalidQueue: a non-empty queue name breaks the grammar ValidQueue checks.
	ErrInvalidQueue = errors.New("subtrie: invalid queue name")
	// ErrDuplicate: this *Subscription is already in the index. Two Subscription values with the same
	// subject are fine; the same pointer twice is a caller bug that would deliver every message twice.
	ErrDuplicate = errors.New("subtrie: subscription already inserted")
	// ErrNotFound: Remove was given a *Subscription the index does not hold.
	ErrNotFound = errors.New("subtrie: subscription not found")
)
