package monitor

import (
	"testing"

	"github.com/reactor-nats/reactor/reactor"
)

// Fails until the route engine gives reactor.Server both methods: until then /varz
// slow_consumer_stats.routes and reactor_route_slow_consumers_total stay 0 and /varz has no connect_urls.
func TestReactorServerHasTheRouteMethodsMonitorUses(t *testing.T) {
	var srv any = (*reactor.Server)(nil)
	if _, ok := srv.(routeStatsSource); !ok {
		t.Error("reactor.Server has no RouteStats() reactor.RouteStats: route slow consumers read as 0")
	}
	if _, ok := srv.(connectURLsSource); !ok {
		t.Error("reactor.Server has no ClientConnectURLs() []string: /varz omits connect_urls")
	}
}
