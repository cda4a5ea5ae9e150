package auth

import (
	"time"

	"github.com/nats-io/jwt/v2"
)

// AccountSpec is an account as the engine builds it, from the config file or from an account JWT. It is
// a value the Authenticator hands out and never changes afterwards; an updated JWT yields a new one.
type AccountSpec struct {
	Name               string // config name, or the account public key in operator mode
	Exports            []Export
	Imports            []Import
	Limits             AccountLimits
	DefaultPermissions *Permissions         // for users that carry none (config: default_permissions)
	SigningKeys        []string             // keys besides the account's own that may sign its users
	Revocations        map[string]time.Time // user key (or "*": all) -> users issued at or before it are revoked
	Expires            time.Time            // zero = never; the engine closes the account's clients then
	Tags               []string
	JetStream          *JetStreamLimits // the account's jetstream block; nil: JetStream is not enabled in it

	// Operator mode only.
	Issuer    string                    // the operator key that signed the account JWT
	JWT       string                    // the account JWT it was built from
	scopes    map[string]*jwt.UserScope // signing key -> scope, for scoped signing keys
	ownSigner bool                      // the account's own key may sign users (not a strict operator)
	jwtName   string                    // the account JWT's name, for {{account-name()}}
}

// AccountLimits are an account's limits; -1 means unlimited.
type AccountLimits struct {
	MaxConnections   int64
	MaxSubscriptions int64
	MaxPayload       int64
	MaxLeafNodes     int64
	MaxData          int64 // bytes in flight (account JWT "data"); config accounts have none
	MaxImports       int64
	MaxExports       int64
	DisallowBearer   bool // user JWTs that are bearer tokens are refused
}

// JetStreamLimits are an account's JetStream limits (its jetstream block in the config); -1 means
// unlimited, which is what a key not given gets.
type JetStreamLimits struct {
	MaxMemory            int64 // max_memory, max_mem
	MaxStore             int64 // max_file, max_store, max_disk
	MaxStreams           int64 // max_streams
	MaxConsumers         int64 // max_consumers
	MaxAckPending        int64 // max_ack_pending
	MemoryMaxStreamBytes int64 // memory_max_stream_bytes, mem_max_stream_bytes
	StoreMaxStreamBytes  int64 // disk_max_stream_bytes, store_max_stream_bytes
	MaxBytesRequired     bool  // max_bytes_required, max_stream_bytes, max_bytes
}

// UnlimitedJetStream is an account with `jetstream: enabled`.
var UnlimitedJetStream = JetStreamLimits{MaxMemory: -1, MaxStore: -1, MaxStreams: -1, MaxConsumers: -1,
	MaxAckPending: -1, MemoryMaxStreamBytes: -1, StoreMaxStreamBytes: -1}

// unlimited is what nats-server gives an account the config does not limit.
var unlimited = AccountLimits{
	MaxConnections: -1, MaxSubscriptions: -1, MaxPayload: -1, MaxLeafNodes: -1, MaxData: -1,
	MaxImports: -1, MaxExports: -1,
}

// Response types of a service export.
const (
	ResponseSingleton = jwt.ResponseTypeSingleton
	ResponseStream    = jwt.ResponseTypeStream
	ResponseChunked   = jwt.ResponseTypeChunked
)

// Export makes a stream (Service false) or service of the account available to others.
type Export struct {
	Subject              string
	Service              bool
	Accounts             []string // who may import it; empty = public
	ResponseType         string   // services: ResponseSingleton (default), ResponseStream or ResponseChunked
	ResponseThreshold    time.Duration
	TokenRequired        bool // JWT exports: importers need an activation token
	AccountTokenPosition uint // 1-based token of Subject that must equal the importer's account
}

// Import brings another account's export into this one.
//
// For a stream, Subject is the exporter's subject and To the subject local subscribers see (the prefix
// applied, or the 'to' mapping). For a service, To is the subject local clients send requests to and
// Subject the exporter's subject they are forwarded to. To is always set.
type Import struct {
	Account string // the exporting account: config name, or public key in operator mode
	Subject string
	Service bool
	To      string
	Share   bool   // services: share the requester's latency data
	Token   string // JWT imports: the activation token, if the export requires one
}

// revoked reports whether a user key issued at issuedAt is revoked: a revocation for it, or for every
// user ("*"), at or after its issue time.
func (a *AccountSpec) revoked(userKey string, issuedAt time.Time) bool {
	for _, key := range []string{userKey, jwt.All} {
		if at, ok := a.Revocations[key]; ok && !at.Before(issuedAt) {
			return true
		}
	}
	return false
}

// signer reports whether key may sign users of this account, and the scope that then applies to them
// (nil for an unscoped key).
func (a *AccountSpec) signer(key string) (scope *jwt.UserScope, ok bool) {
	if key == a.Name {
		return nil, a.ownSigner
	}
	if scope, ok := a.scopes[key]; ok {
		return scope, true
	}
	for _, k := range a.SigningKeys {
		if k == key {
			return nil, true
		}
	}
	return nil, false
}
