package auth

import (
	"time"

	"github.com/reactor-nats/reactor/config"
)

// parsePermissions reads a permissions block, in any of nats-server's spellings:
//
//	permissions { publish: "x" }                         # allow list of one
//	permissions { publish: ["a", "b"], subscribe: "c" }  # allow lists
//	permissions { pub { allow: [...], deny: [...] } }    # allow and deny
//	permissions { subscribe: { allow: ["foo q1"] } }      # queue-qualified subscribe entries
//	permissions { allow_responses: true }                # or { max: 5, expires: "1m" }
//
// import/export are nats-server's route spellings of publish/subscribe and are accepted as it does.
func parsePermissions(v *config.Value) (*Permissions, error) {
	if v.Kind != config.KindMap {
		return nil, errAt(v.Pos, "Expected permissions to be a map/struct, got %s", v.Kind)
	}
	p := &Permissions{}
	err := eachKey(v.Map, func(name, key string, item *config.Value) error {
		var err error
		switch name {
		case "pub", "publish", "import":
			p.Publish, err = parseSubjectPermission(item, false)
		case "sub", "subscribe", "export":
			p.Subscribe, err = parseSubjectPermission(item, true)
		case "publish_allow_responses", "allow_responses":
			p.Response, err = parseAllowResponses(item)
		default:
			return errAt(v.Map.KeyPos[key], "Unknown field %q parsing permissions", key)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return withResponseDefaults(p), nil
}

// parseSubjectPermission reads either an allow list (string or array) or an { allow, deny } block. An
// empty block means no restriction, as in nats-server.
func parseSubjectPermission(v *config.Value, queueAllowed bool) (*SubjectPermission, error) {
	if v.Kind != config.KindMap {
		allow, err := parsePermissionSubjects(v, queueAllowed)
		if err != nil {
			return nil, err
		}
		return &SubjectPermission{Allow: allow}, nil
	}
	if len(v.Map.Keys) == 0 {
		return nil, nil
	}
	sp := &SubjectPermission{}
	err := eachKey(v.Map, func(name, key string, item *config.Value) error {
		var err error
		switch name {
		case "allow":
			sp.Allow, err = parsePermissionSubjects(item, queueAllowed)
		case "deny":
			sp.Deny, err = parsePermissionSubjects(item, queueAllowed)
		default:
			return errAt(v.Map.KeyPos[key],
				"Unknown field name %q parsing subject permissions, only 'allow' or 'deny' are permitted", key)
		}
		return err
	})
	return sp, err
}

func parsePermissionSubjects(v *config.Value, queueAllowed bool) ([]string, error) {
	switch v.Kind {
	case config.KindString, config.KindArray:
	default:
		return nil, errAt(v.Pos, "Expected subject permissions to be a subject, or array of subjects, got %s", v.Kind)
	}
	subjects, err := stringOrList(v, "permission subject")
	if err != nil {
		return nil, err
	}
	if err := checkPermissionSubjects(subjects, queueAllowed); err != nil {
		return nil, errAt(v.Pos, "%v", err)
	}
	return subjects, nil
}

// parseAllowResponses reads allow_responses: a boolean, or { max, expires } where zero values keep the
// defaults and negative values mean unlimited.
func parseAllowResponses(v *config.Value) (*ResponsePermission, error) {
	if v.Kind == config.KindBool {
		if !v.Bool {
			return nil, nil
		}
		return &ResponsePermission{MaxMsgs: DefaultResponseMaxMsgs, Expires: DefaultResponseExpires}, nil
	}
	if v.Kind != config.KindMap {
		return nil, errAt(v.Pos, "error parsing response permissions, expected a boolean or a map")
	}
	rp := &ResponsePermission{MaxMsgs: DefaultResponseMaxMsgs, Expires: DefaultResponseExpires}
	err := eachKey(v.Map, func(name, key string, item *config.Value) error {
		switch name {
		case "max", "max_msgs", "max_messages", "max_responses":
			n, err := wantInt(item, key)
			if err != nil {
				return err
			}
			if n != 0 {
				rp.MaxMsgs = int(n)
			}
		case "expires", "expiration", "ttl":
			if item.Kind != config.KindString {
				return errAt(item.Pos, "error parsing expires, not a duration string")
			}
			ttl, err := time.ParseDuration(item.Str)
			if err != nil {
				return errAt(item.Pos, "error parsing expires: %v", err)
			}
			if ttl != 0 {
				rp.Expires = ttl
			}
		default:
			return errAt(v.Map.KeyPos[key], "Unknown field %q parsing permissions", key)
		}
		return nil
	})
	return rp, err
}
