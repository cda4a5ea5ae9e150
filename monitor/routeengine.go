package monitor

import "github.com/reactor-nats/reactor/reactor"

// Two route figures /varz and /metrics report are not yet exposed by reactor.Server: the route counters and
// the client connect_urls the route engine keeps. Monitoring asks for them through these interfaces, so it
// reports them as soon as the engine gives reactor.Server the methods, and until then reports what a
// nats-server without routes does (no route slow consumers, no connect_urls).
// TestReactorServerHasTheRouteMethodsMonitorUses fails while either method is missing, so the fallback
// cannot outlive the engine unnoticed; once both exist, calls on m.srv replace these.

// routeStatsSource is a server that counts its routes.
type routeStatsSource interface {
	RouteStats() reactor.RouteStats
}

// connectURLsSource is a server in a cluster that tells clients where its peers are.
type connectURLsSource interface {
	// ClientConnectURLs is the connect_urls of the client INFO as it stands: none when the server sends
	// none.
	ClientConnectURLs() []string
}

func routeStats(srv *reactor.Server) reactor.RouteStats {
	if s, ok := any(srv).(routeStatsSource); ok {
		return s.RouteStats()
	}
	return reactor.RouteStats{}
}

func clientConnectURLs(srv *reactor.Server) []string {
	if s, ok := any(srv).(connectURLsSource); ok {
		return s.ClientConnectURLs()
	}
	return nil
}
