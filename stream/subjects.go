package stream

import "strings"

// subjectsCollide reports whether some literal subject matches both a and b (each a valid subject,
// wildcards allowed): stream subjects overlap, and a NAMES/LIST filter selects a stream, when they collide.
func subjectsCollide(a, b string) bool {
	for {
		ta, resta, moreA := strings.Cut(a, ".")
		tb, restb, moreB := strings.Cut(b, ".")
		if ta == ">" || tb == ">" {
			return true
		}
		if ta != tb && ta != "*" && tb != "*" {
			return false
		}
		if !moreA || !moreB {
			return moreA == moreB
		}
		a, b = resta, restb
	}
}

// streamNameProblem returns the error for a stream name nats-server refuses, or nil: names become
// directory names and subject tokens, so no separators, wildcards or whitespace.
func streamNameProblem(name string) *APIError {
	if strings.ContainsAny(name, `/\`) {
		return ErrStreamNamePath
	}
	if name == "" || strings.ContainsAny(name, ".*> \t\r\n\f\v") {
		return invalidConfig(`stream name is required and can not contain '.', '*', '>', '\', '/'`)
	}
	return nil
}
