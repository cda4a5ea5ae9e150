package monitor

import "github.com/reactor-nats/reactor/reactor"

// ClusterOptsVarz is /varz's cluster object: {} without a cluster, as nats-server (every field omitempty).
// nats-server's also has tls_required, tls_verify and tls_cert_not_after (route TLS, which reactor does not
// have) and write_deadline and write_timeout (a cluster-only write deadline, which reactor's cluster config
// does not take); nats-server omits them all while unset.
type ClusterOptsVarz struct {
	Name        string   `json:"name,omitempty"`
	Host        string   `json:"addr,omitempty"`
	Port        int      `json:"cluster_port,omitempty"`
	AuthTimeout float64  `json:"auth_timeout,omitempty"` // seconds
	URLs        []string `json:"urls,omitempty"`         // the configured routes, host:port
	TLSTimeout  float64  `json:"tls_timeout,omitempty"`  // seconds
	PoolSize    int      `json:"pool_size,omitempty"`
}

// noRoutePool is the pool_size nats-server reports for reactor's routing, one route per peer: its own
// setting for that, pool_size -1. Reactor also accepts pool_size 0, but nats-server never reports 0 (it reads
// 0 as "the default pool of 3"), so reporting it would tell a tool reactor pools.
const noRoutePool = -1

func clusterVarz(ci reactor.ClusterInfo) ClusterOptsVarz {
	if ci.Name == "" {
		return ClusterOptsVarz{}
	}
	authTimeout := ci.AuthTimeout.Seconds()
	if authTimeout == 0 {
		authTimeout = defaultAuthTimeout
	}
	return ClusterOptsVarz{
		Name:        ci.Name,
		Host:        ci.Host,
		Port:        ci.Port,
		AuthTimeout: authTimeout,
		URLs:        ci.URLs,
		// nats-server reports its TLS handshake timeout default for routes whether or not they use TLS.
		TLSTimeout: defaultTLSTimeout,
		PoolSize:   noRoutePool,
	}
}

// routeCounts are /varz routes (route connections) and remotes (servers they lead to). They are equal with
// one route per peer except while a duplicate route to a peer waits to be closed.
func routeCounts(routes []reactor.RouteConnInfo) (connections, remotes int) {
	peers := make(map[string]bool, len(routes))
	for _, r := range routes {
		peers[r.RemoteID] = true
	}
	return len(routes), len(peers)
}
