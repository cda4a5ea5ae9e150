package monitor

import (
	"net/http"
	"time"
)

// Routez is /routez. Reactor has no cluster yet, so it lists no routes, as a nats-server without a cluster
// block does; the cluster package will fill Routes.
type Routez struct {
	ID        string      `json:"server_id"`
	Name      string      `json:"server_name"`
	Now       time.Time   `json:"now"`
	NumRoutes int         `json:"num_routes"`
	Routes    []RouteInfo `json:"routes"`
}

// RouteInfo is one route; none exist yet.
type RouteInfo struct{}

func (m *Server) handleRoutez(w http.ResponseWriter, r *http.Request) {
	if _, err := querySubs(r.URL.Query()); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, &Routez{
		ID:     m.srv.ID(),
		Name:   m.srv.Options().ServerName,
		Now:    time.Now().UTC(),
		Routes: []RouteInfo{}, // [] rather than null, as nats-server emits
	})
}
