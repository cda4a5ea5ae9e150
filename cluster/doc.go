// Package cluster is the pure logic of reactor's routes: the cluster options, the interest each peer
// has announced, the interest reactor announces, and the rules that decide which route connections
// live. It does no I/O and starts no goroutine: the engine (reactor/) owns the connections and drives
// this package from its event loops. It imports config and codec, and nothing of the engine.
//
// Everything here follows what nats-server v2.15.2 does on its route port (../shared/ROUTES.md) with
// the stance reactor takes until it implements more: one route per peer, no pooling, no pinned
// accounts, no compression, no leaf-origin extensions.
//
// # Files
//
//   - options.go: Options, the --cluster/--routes/… flags (ApplyFlags), ParseRouteURLs.
//   - config.go: FromConfig, the cluster { … } block with positioned *config.Error.
//
// # Configuration stance
//
// Keys that tune what reactor does anyway are read (ping_interval, ping_max, connect_retries,
// authorization timeout). Keys that would need a wire feature reactor lacks are refused with "not
// supported yet" unless their value already asks for reactor's behaviour: pool_size -1 or 0,
// compression off (false, disabled, { mode: off }), accounts []. Everything nats-server refuses is
// refused, with nats-server's text where it has a useful one (unknown field, route url, name with
// spaces, multiple users, tokens, permissions). The tls block is kept raw in Options.TLS for the
// caller's TLS parser; until route TLS exists the engine must refuse to start with it.
package cluster
