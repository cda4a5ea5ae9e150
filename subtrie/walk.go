package subtrie

// collect appends to matched every node under n whose subscriptions match subject, a well-formed literal
// subject with the tokens leading to n already consumed. A subject matches:
//   - the '>' child of any node it passes through, provided at least one token is left to consume (so
//     foo.> does not match foo);
//   - the '*' child by consuming exactly one token;
//   - the literal child named by the next token.
//
// Only the '*' branch needs recursion; the literal branch continues in the loop, so the common all-literal
// walk costs one map lookup per token. Nodes are collected rather than their subscriptions so that
// buildResult can size its slices exactly.
func collect(n *node, subject []byte, matched []*node) []*node {
	for {
		token, rest, more := cutToken(subject)
		if n.all != nil {
			matched = append(matched, n.all)
		}
		if n.one != nil {
			if more {
				matched = collect(n.one, rest, matched)
			} else {
				matched = append(matched, n.one)
			}
		}
		next := n.literal[string(token)] // the conversion in the index does not allocate
		if next == nil {
			return matched
		}
		if !more {
			return append(matched, next)
		}
		n, subject = next, rest
	}
}
