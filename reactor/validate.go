package reactor

import "github.com/reactor-nats/reactor/subtrie"

// Subject rules are the index's; these names keep the protocol code readable.
var (
	validSubject        = subtrie.ValidSubject
	validLiteralSubject = subtrie.ValidLiteralSubject
	validQueue          = subtrie.ValidQueue
)
