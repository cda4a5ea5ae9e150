// Package monitor serves nats-server's HTTP monitoring endpoints (/varz, /connz, /routez, /subsz,
// /accountz, /jsz, /healthz and the index page) for a running reactor.Server, plus Prometheus metrics at
// /metrics. Existing tools read these endpoints (`nats server` subcommands, dashboards built on /varz,
// Prometheus exporters), so the JSON is nats-server v2.15.2's: the same field names, nesting, JSON types,
// units (durations in nanoseconds where nats-server counts nanoseconds, "1m2s" strings where it formats
// them), omitempty behaviour, query parameters, error texts and HTTP status codes. The reference binary is
// the final word on every such fact; reference_test.go holds reactor's answers to its shapes.
//
// # What it owns
//
// The HTTP listener and its handlers, the translation of reactor's snapshots into nats-server's shapes, the
// per-endpoint request counters (/varz http_req_stats), the process sampler (/varz mem and cpu) and the
// Prometheus collector.
//
// # How data flows
//
// A request runs on net/http's goroutine. It asks reactor for what it needs through reactor's monitoring
// API: Stats and Options are atomic reads; Conns, Accounts and Subscriptions post a snapshot to every
// event loop and wait for the answers, as Routes does for the route connections; ClosedConns copies a ring
// under its mutex; Cluster, RouteStats and ClientConnectURLs read settings and atomics. The handler then
// filters, sorts, pages and renders the copy it got, so nothing it does holds anything reactor needs.
//
// # Invariants
//
//   - Nothing here runs on an event loop or touches a connection: the loops never wait for monitoring, only
//     the HTTP goroutine waits for the loops.
//   - Metrics are read from Stats at scrape time (metrics.go); the message path never updates anything on
//     monitoring's behalf.
//   - Features reactor does not have (gateways, leaf nodes, MQTT), and JetStream when it is off, are
//     reported exactly as nats-server reports them when they are off, never invented. JetStream's figures
//     (jsz.go) are read from its stream.Manager at request time. Routes are reported as nats-server
//     reports its own with pool_size -1 (one route per peer, no pinned accounts, no compression), which is
//     how reactor routes.
//   - A figure reactor cannot know is not guessed: where nats-server has a per-account counter reactor keeps
//     only server-wide, the account's figure is derived only when it is exact (see sublist.go).
package monitor
