package auth

import (
	"fmt"
	"strings"
	"time"
)

// Permissions says what one user may publish and subscribe to. A nil *Permissions, like a nil Publish or
// Subscribe, allows everything.
type Permissions struct {
	Publish   *SubjectPermission
	Subscribe *SubjectPermission
	Response  *ResponsePermission // allow_responses: publishing to reply subjects of requests received
}

// SubjectPermission is an allow list and a deny list of subject patterns; deny wins.
//
// A nil Allow allows every subject (then only Deny restricts). A non-nil empty Allow allows none: that is
// what allow_responses without a publish allow list means in nats-server, where a responder may publish
// only to the replies it was asked for. For Subscribe an empty Allow is treated as nil, as nats-server does.
//
// Subscribe entries may be "subject queue": the entry then applies to SUBs in that queue group only (the
// queue name may itself use wildcards, "q.*").
type SubjectPermission struct {
	Allow []string
	Deny  []string
}

// ResponsePermission lets a client publish to the reply subject of a request delivered to it, at most
// MaxMsgs times (negative: unlimited) within Expires of the request (negative: forever). The engine tracks
// the reply subjects; this package only carries the limits.
type ResponsePermission struct {
	MaxMsgs int
	Expires time.Duration
}

// nats-server's defaults for allow_responses: true, and for a zero max or expires.
const (
	DefaultResponseMaxMsgs = 1
	DefaultResponseExpires = 2 * time.Minute
)

// withResponseDefaults returns p as nats-server applies it to a connection: a Response permission without
// a publish allow list turns publishing off except to replies, and zero limits take the defaults. p is
// not modified; a changed copy is returned when something changes.
func withResponseDefaults(p *Permissions) *Permissions {
	if p == nil || p.Response == nil {
		return p
	}
	out := *p
	resp := *p.Response
	if resp.MaxMsgs == 0 {
		resp.MaxMsgs = DefaultResponseMaxMsgs
	}
	if resp.Expires == 0 {
		resp.Expires = DefaultResponseExpires
	}
	out.Response = &resp
	if p.Publish == nil || p.Publish.Allow == nil {
		pub := SubjectPermission{Allow: []string{}}
		if p.Publish != nil {
			pub.Deny = p.Publish.Deny
		}
		out.Publish = &pub
	}
	return &out
}

// checkPermissionSubjects validates every entry: publish entries must be subjects, subscribe entries may
// carry a queue group. The messages are nats-server's.
func checkPermissionSubjects(entries []string, queueAllowed bool) error {
	for _, entry := range entries {
		if validSubject(entry) {
			continue
		}
		if !queueAllowed {
			return fmt.Errorf("subject %q is not a valid subject", entry)
		}
		fields := strings.Fields(entry)
		switch {
		case len(fields) != 2:
			return fmt.Errorf("subject %q is not a valid subject", entry)
		case !validSubject(fields[0]):
			return fmt.Errorf("subject %q is not a valid subject", fields[0])
		case !validSubject(fields[1]):
			return fmt.Errorf("queue %q is not a valid queue", fields[1])
		}
	}
	return nil
}

// splitSubjectQueue splits a subscribe entry into its subject and optional queue group.
func splitSubjectQueue(entry string) (subject, queue string) {
	fields := strings.Fields(entry)
	switch len(fields) {
	case 0:
		return "", ""
	case 1:
		return fields[0], ""
	}
	return fields[0], fields[1]
}
