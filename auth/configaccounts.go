package auth

import (
	"strings"
	"time"

	"github.com/nats-io/nkeys"
	"github.com/reactor-nats/reactor/config"
)

// accountsBlock is what the top-level accounts { } says. Exports and imports name other accounts, so
// they are checked only once every account of the block is known (resolveImports).
type accountsBlock struct {
	specs     []*AccountSpec
	users     []*User
	nkeyUsers []*NkeyUser
	usersPos  config.Pos // of the first users array, where nats-server reports conflicts with authorization
	exportPos map[itemRef]config.Pos
	importPos map[itemRef]config.Pos
}

// itemRef names one export or import of an account, by index: the slices grow while parsing, so pointers
// into them would go stale.
type itemRef struct {
	spec  *AccountSpec
	index int
}

// parseAccounts reads accounts as nats-server accepts it: an array of names, or a map of name -> {
// users, default_permissions, exports, imports, limits, nkey }.
func parseAccounts(v *config.Value, positions map[any]config.Pos) (*accountsBlock, error) {
	b := &accountsBlock{exportPos: map[itemRef]config.Pos{}, importPos: map[itemRef]config.Pos{}}
	switch v.Kind {
	case config.KindArray:
		seen := map[string]bool{}
		for _, item := range v.Array {
			name, err := wantString(item, "account name")
			if err != nil {
				return nil, err
			}
			if name == GlobalAccount {
				return nil, errAt(item.Pos, "%q is a Reserved Account", name)
			}
			if seen[name] {
				return nil, errAt(item.Pos, "Duplicate Account Entry: %s", name)
			}
			seen[name] = true
			b.specs = append(b.specs, &AccountSpec{Name: name, Limits: unlimited})
		}
	case config.KindMap:
		for _, name := range v.Map.Keys {
			if err := b.parseAccount(name, v.Map.Values[name], positions); err != nil {
				return nil, err
			}
		}
	default:
		return nil, errAt(v.Pos, "accounts: want a map or an array of names, got %s", v.Kind)
	}
	return b, b.resolveImports()
}

func (b *accountsBlock) parseAccount(name string, v *config.Value, positions map[any]config.Pos) error {
	if v.Kind != config.KindMap {
		return errAt(v.Pos, "Expected map entries for accounts")
	}
	if name == GlobalAccount {
		return errAt(v.Pos, "%q is a Reserved Account", name)
	}
	spec := &AccountSpec{Name: name, Limits: unlimited}
	var users []*User
	var nkeyUsers []*NkeyUser
	m := v.Map
	err := eachKey(m, func(field, key string, v *config.Value) error {
		var err error
		switch field {
		case "nkey":
			if v.Kind != config.KindString || !nkeys.IsValidPublicAccountKey(v.Str) {
				return errAt(v.Pos, "Not a valid public nkey for an account: %q", v.Str)
			}
		case "users":
			if len(b.users)+len(b.nkeyUsers) == 0 {
				b.usersPos = v.Pos
			}
			users, nkeyUsers, err = parseUsers(v, name, positions)
		case "default_permissions":
			spec.DefaultPermissions, err = parsePermissions(v)
		case "exports":
			err = b.parseExports(spec, v)
		case "imports":
			err = b.parseImports(spec, v)
		case "limits":
			err = parseAccountLimits(v, &spec.Limits)
		case "jetstream":
			spec.JetStream, err = parseAccountJetStream(v)
		case "mappings", "maps", "msg_trace", "trace_dest":
			return notSupported(m, key)
		default:
			return unknownField(m, key)
		}
		return err
	})
	if err != nil {
		return err
	}
	applyDefaultPermissions(users, nkeyUsers, spec.DefaultPermissions)
	b.users = append(b.users, users...)
	b.nkeyUsers = append(b.nkeyUsers, nkeyUsers...)
	b.specs = append(b.specs, spec)
	return nil
}

func parseAccountLimits(v *config.Value, limits *AccountLimits) error {
	if v.Kind != config.KindMap {
		return errAt(v.Pos, "Expected account limits to be a map/struct, got %s", v.Kind)
	}
	return eachKey(v.Map, func(name, key string, item *config.Value) error {
		var field *int64
		switch name {
		case "max_connections", "max_conn":
			field = &limits.MaxConnections
		case "max_subscriptions", "max_subs":
			field = &limits.MaxSubscriptions
		case "max_payload", "max_pay":
			field = &limits.MaxPayload
		case "max_leafnodes", "max_leafs":
			field = &limits.MaxLeafNodes
		default:
			return errAt(v.Map.KeyPos[key], "Unknown field %q parsing account limits", key)
		}
		n, err := wantInt(item, key)
		*field = n
		return err
	})
}

// parseExports reads [{stream: "x"}, {service: "y", accounts: [B], response_type: "stream"}, ...].
func (b *accountsBlock) parseExports(spec *AccountSpec, v *config.Value) error {
	return eachItem(v, "Export", func(item *config.Value) error {
		e, err := parseExport(item.Map)
		if err != nil {
			return err
		}
		b.exportPos[itemRef{spec, len(spec.Exports)}] = item.Pos
		spec.Exports = append(spec.Exports, e)
		return nil
	})
}

// eachItem calls fn for each item of v, an array of maps, with nats-server's errors for anything else;
// what names the items ("Export", "Import").
func eachItem(v *config.Value, what string, fn func(item *config.Value) error) error {
	if v.Kind != config.KindArray {
		return errAt(v.Pos, "%ss should be an array, got %s", what, v.Kind)
	}
	for _, item := range v.Array {
		if item.Kind != config.KindMap {
			return errAt(item.Pos, "%s Items should be a map with type entry, got %s", what, item.Kind)
		}
		if err := fn(item); err != nil {
			return err
		}
	}
	return nil
}

func parseExport(m *config.Map) (Export, error) {
	var e Export
	var sawStream, sawService bool
	var responseKey string
	err := eachKey(m, func(name, key string, v *config.Value) error {
		var err error
		switch name {
		case "stream", "service":
			if sawStream || sawService {
				return errAt(v.Pos, "Detected %s but already saw a %s", name, kindName(sawService))
			}
			sawStream, sawService = name == "stream", name == "service"
			e.Service = sawService
			if v.Kind != config.KindString {
				return errAt(v.Pos, "Expected %s name to be string, got %s", name, v.Kind)
			}
			e.Subject = v.Str
		case "accounts":
			e.Accounts, err = stringOrList(v, key)
		case "response", "response_type":
			responseKey = key
			e.ResponseType, err = parseResponseType(v)
		case "threshold", "response_threshold", "response_max_time", "response_time":
			responseKey = key
			if v.Kind != config.KindString {
				return errAt(v.Pos, "Expected response threshold to be a parseable time duration, got %s", v.Kind)
			}
			if e.ResponseThreshold, err = time.ParseDuration(v.Str); err != nil {
				return errAt(v.Pos, "Expected response threshold to be a parseable time duration, got %q", v.Str)
			}
		case "account_token_position":
			var n int64
			n, err = wantInt(v, key)
			e.AccountTokenPosition = uint(n)
		case "latency", "allow_trace":
			return notSupported(m, key)
		default:
			return unknownField(m, key)
		}
		return err
	})
	if err != nil {
		return e, err
	}
	if responseKey != "" && sawStream {
		return e, errAt(m.KeyPos[responseKey], "Detected response directive on non-service")
	}
	if e.Service && e.ResponseType == "" {
		e.ResponseType = ResponseSingleton
	}
	return e, nil
}

func parseResponseType(v *config.Value) (string, error) {
	if v.Kind != config.KindString {
		return "", errAt(v.Pos, "Expected response type to be string, got %s", v.Kind)
	}
	switch strings.ToLower(v.Str) {
	case "single", "singleton":
		return ResponseSingleton, nil
	case "stream":
		return ResponseStream, nil
	case "chunk", "chunked":
		return ResponseChunked, nil
	}
	return "", errAt(v.Pos, "Unknown response type: %q", v.Str)
}

// parseImports reads [{stream: {account: A, subject: "x"}, prefix: "p"}, {service: {account: B, subject:
// "y"}, to: "z"}, ...].
func (b *accountsBlock) parseImports(spec *AccountSpec, v *config.Value) error {
	return eachItem(v, "Import", func(item *config.Value) error {
		im, err := parseImport(item.Map)
		if err != nil {
			return err
		}
		if im.Service {
			for _, earlier := range spec.Imports {
				if earlier.Service && earlier.To == im.To && earlier.Account == im.Account {
					return errAt(item.Pos, "Duplicate service import subject %q, previously used in import for account %q, subject %q",
						im.To, earlier.Account, earlier.Subject)
				}
			}
		}
		b.importPos[itemRef{spec, len(spec.Imports)}] = item.Pos
		spec.Imports = append(spec.Imports, im)
		return nil
	})
}

func parseImport(m *config.Map) (Import, error) {
	var im Import
	var sawStream, sawService bool
	var prefix, to string
	var toPos config.Pos
	err := eachKey(m, func(name, key string, v *config.Value) error {
		var err error
		switch name {
		case "stream", "service":
			if sawStream || sawService {
				return errAt(v.Pos, "Detected %s but already saw a %s", name, kindName(sawService))
			}
			sawStream, sawService = name == "stream", name == "service"
			im.Service = sawService
			if v.Kind != config.KindMap {
				return errAt(v.Pos, "%s entry should be an account map, got %s", name, v.Kind)
			}
			if im.Account, im.Subject, err = parseImportSource(v.Map); err != nil {
				return err
			}
			if im.Account == "" || im.Subject == "" {
				return errAt(v.Pos, "Expect an account name and a subject")
			}
		case "prefix":
			prefix, err = wantString(v, key)
		case "to":
			to, err = wantString(v, key)
			toPos = m.KeyPos[key]
		case "share":
			im.Share, err = wantBool(v, key)
		case "allow_trace":
			return notSupported(m, key)
		default:
			return unknownField(m, key)
		}
		return err
	})
	if err != nil {
		return im, err
	}
	switch {
	case !sawStream && !sawService:
		return im, errAt(firstKeyPos(m), "Import Items should be a map with type entry")
	case sawStream && prefix != "" && to != "":
		return im, errAt(toPos, "Stream import can not have a 'prefix' and a 'to' property")
	case sawStream && prefix != "":
		im.To = strings.TrimSuffix(prefix, ".") + "." + im.Subject
	case to != "":
		im.To = to
	default:
		im.To = im.Subject
	}
	return im, nil
}

func firstKeyPos(m *config.Map) config.Pos {
	if len(m.Keys) == 0 {
		return config.Pos{}
	}
	return m.KeyPos[m.Keys[0]]
}

// parseImportSource reads { account: A, subject: "x" }.
func parseImportSource(m *config.Map) (account, subject string, err error) {
	err = eachKey(m, func(name, key string, v *config.Value) error {
		var err error
		switch name {
		case "account":
			account, err = wantString(v, key)
		case "subject":
			subject, err = wantString(v, key)
		default:
			return unknownField(m, key)
		}
		return err
	})
	return account, subject, err
}

// resolveImports checks what names other accounts once all are known: export account lists and import
// sources must be defined, and an import must be covered by an export open to the importer.
func (b *accountsBlock) resolveImports() error {
	byName := make(map[string]*AccountSpec, len(b.specs))
	for _, spec := range b.specs {
		byName[spec.Name] = spec
	}
	for _, spec := range b.specs {
		for i := range spec.Exports {
			e := &spec.Exports[i]
			for _, name := range e.Accounts {
				if byName[name] == nil {
					return errAt(b.exportPos[itemRef{spec, i}], "%q account not defined for %s export", name, kindName(e.Service))
				}
			}
		}
	}
	for _, spec := range b.specs {
		for i := range spec.Imports {
			im := &spec.Imports[i]
			kind := kindName(im.Service)
			exporter := byName[im.Account]
			if exporter == nil {
				return errAt(b.importPos[itemRef{spec, i}], "%q account not defined for %s import", im.Account, kind)
			}
			if !exporter.exportsTo(im.Subject, im.Service, spec.Name) {
				return errAt(b.importPos[itemRef{spec, i}], "Error adding %s import %q: %s import not authorized", kind, im.Subject, kind)
			}
		}
	}
	return nil
}

func kindName(service bool) string {
	if service {
		return "service"
	}
	return "stream"
}

// exportsTo reports whether a has an export of the given kind covering subject that importer may use:
// public or naming importer, and not requiring an activation token (config imports carry none).
func (a *AccountSpec) exportsTo(subject string, service bool, importer string) bool {
	if !validSubject(subject) {
		return false
	}
	inner := strings.Split(subject, ".")
	for _, e := range a.Exports {
		if e.Service != service || e.TokenRequired || !subsetOf(inner, strings.Split(e.Subject, ".")) {
			continue
		}
		if len(e.Accounts) == 0 {
			return true
		}
		for _, name := range e.Accounts {
			if name == importer {
				return true
			}
		}
	}
	return false
}
