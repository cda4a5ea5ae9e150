package auth

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/nats-io/jwt/v2"
)

// A scoped signing key carries a template of permissions and limits that replaces whatever its users'
// JWTs would say (they must say nothing). Subjects in the template may use the placeholders nats-server
// expands at connect time:
//
//	{{name()}}  {{subject()}}  {{account-name()}}  {{account-subject()}}  {{tag(key)}}  {{account-tag(key)}}
//
// A tag placeholder expands to every value of the "key:value" tags, one subject per combination. In allow
// lists a subject that comes out invalid is dropped (and an allow list emptied that way becomes "deny >"),
// in deny lists it refuses the user, so a template never grants more than it meant.

var placeholder = regexp.MustCompile(`{{2}([^}]+)}{2}`)

// maxTemplateExpansions bounds the subjects one template entry may expand to, as nats-server does, so a
// user with many tags cannot make the server build an enormous permission list.
const maxTemplateExpansions = 4096

// expandScopeTemplate returns the template's permissions and limits for user uc of account acc.
func expandScopeTemplate(tmpl jwt.UserPermissionLimits, uc *jwt.UserClaims, acc *AccountSpec) (jwt.UserPermissionLimits, error) {
	x := templateExpander{uc: uc, acc: acc}
	out := tmpl
	perms := &out.Permissions
	pubAllowSet, subAllowSet := len(perms.Pub.Allow) > 0, len(perms.Sub.Allow) > 0
	var err error
	if perms.Sub.Allow, err = x.expandList(perms.Sub.Allow, false); err != nil {
		return out, err
	}
	if perms.Sub.Deny, err = x.expandList(perms.Sub.Deny, true); err != nil {
		return out, err
	}
	if perms.Pub.Allow, err = x.expandList(perms.Pub.Allow, false); err != nil {
		return out, err
	}
	if perms.Pub.Deny, err = x.expandList(perms.Pub.Deny, true); err != nil {
		return out, err
	}
	if subAllowSet && len(perms.Sub.Allow) == 0 {
		perms.Sub.Deny = append(perms.Sub.Deny, allWildcard)
	}
	if pubAllowSet && len(perms.Pub.Allow) == 0 {
		perms.Pub.Deny = append(perms.Pub.Deny, allWildcard)
	}
	return out, nil
}

type templateExpander struct {
	uc  *jwt.UserClaims
	acc *AccountSpec
}

// expandList expands every entry; strict refuses an entry that expands to an invalid subject instead of
// dropping it.
func (x templateExpander) expandList(list jwt.StringList, strict bool) (jwt.StringList, error) {
	var out jwt.StringList
	for _, entry := range list {
		subjects, err := x.expand(entry)
		if err != nil {
			return nil, err
		}
		for _, s := range subjects {
			if validSubject(s) {
				out = append(out, s)
			} else if strict {
				return nil, fmt.Errorf("template %q generated invalid subject %q", entry, s)
			}
		}
		if len(out) > maxTemplateExpansions {
			return nil, fmt.Errorf("template expansion exceeds limit: %d", maxTemplateExpansions)
		}
	}
	return out, nil
}

// expand returns every subject one entry stands for. A placeholder written twice takes the same value in
// both places.
func (x templateExpander) expand(entry string) ([]string, error) {
	found := placeholder.FindAllString(entry, -1)
	if len(found) == 0 {
		return []string{entry}, nil
	}
	results := []string{entry}
	seen := map[string]bool{}
	for _, ph := range found {
		if seen[ph] {
			continue
		}
		seen[ph] = true
		values, err := x.values(ph)
		if err != nil {
			return nil, err
		}
		if len(values) == 0 {
			values = []string{" "} // a tag with no value yields an invalid subject, dropped or refused
		}
		if len(results)*len(values) > maxTemplateExpansions {
			return nil, fmt.Errorf("template expansion exceeds limit: %d", maxTemplateExpansions)
		}
		next := make([]string, 0, len(results)*len(values))
		for _, r := range results {
			for _, v := range values {
				next = append(next, strings.ReplaceAll(r, ph, v))
			}
		}
		results = next
	}
	return results, nil
}

// values is what one {{...}} placeholder stands for.
func (x templateExpander) values(ph string) ([]string, error) {
	op := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(ph, "{{"), "}}"))
	switch lower := strings.ToLower(op); {
	case lower == "name()":
		return []string{x.uc.Name}, nil
	case lower == "subject()":
		return []string{x.uc.Subject}, nil
	case lower == "account-name()":
		return []string{x.acc.jwtName}, nil
	case lower == "account-subject()":
		return []string{x.uc.IssuerAccount}, nil
	case strings.HasPrefix(lower, "tag(") && strings.HasSuffix(op, ")"):
		return tagValues(x.uc.Tags, op[len("tag("):len(op)-1]), nil
	case strings.HasPrefix(lower, "account-tag(") && strings.HasSuffix(op, ")"):
		return tagValues(x.acc.Tags, op[len("account-tag("):len(op)-1]), nil
	}
	return nil, errors.New("template operation " + ph + " is not defined")
}

// tagValues returns the values of the "key:value" tags for key (keys compare case-insensitively, as jwt
// lower-cases tags).
func tagValues(tags []string, key string) []string {
	prefix := strings.ToLower(key) + ":"
	var values []string
	for _, t := range tags {
		if strings.HasPrefix(strings.ToLower(t), prefix) {
			values = append(values, t[len(prefix):])
		}
	}
	return values
}
