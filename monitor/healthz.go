package monitor

import (
	"encoding/json"
	"net/http"
)

// HealthStatus is /healthz. Unlike the other endpoints nats-server writes it on one line.
type HealthStatus struct {
	Status string         `json:"status"`
	Error  string         `json:"error,omitempty"`
	Errors []HealthzError `json:"errors,omitempty"` // with details=true, instead of error
}

// HealthzError is one failed check, with details=true.
type HealthzError struct {
	Type  string `json:"type"`
	Error string `json:"error"`
}

// notReadyText is what nats-server's readiness check says once the server no longer accepts clients (lame
// duck mode, shutdown); probes and operators match on it.
const notReadyText = "failed to be ready for connections after 1ms: server"

// healthzFlags are /healthz's boolean parameters. They select JetStream checks, which pass when JetStream is
// off, as in nats-server; malformed values are still refused.
var healthzFlags = []string{"js-enabled-only", "js-server-only", "js-meta-only", "js-enabled", "details"}

func (m *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if err := queryBools(q, healthzFlags...); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	details, _ := queryBool(q, "details")
	// A stream or consumer check must say where to look, even with JetStream off.
	switch {
	case q.Get("stream") != "" && q.Get("account") == "":
		writeHealth(w, http.StatusBadRequest, HealthStatus{Status: "error",
			Error: `"account" must not be empty when checking stream health`})
		return
	case q.Get("consumer") != "" && q.Get("stream") == "":
		writeHealth(w, http.StatusBadRequest, HealthStatus{Status: "error",
			Error: `"stream" must not be empty when checking consumer health`})
		return
	}
	if m.acceptingClients() {
		writeHealth(w, http.StatusOK, HealthStatus{Status: "ok"})
		return
	}
	hs := HealthStatus{Status: "error", Error: notReadyText}
	if details {
		hs = HealthStatus{Status: "error", Errors: []HealthzError{{Type: "CONNECTION", Error: notReadyText}}}
	}
	writeHealth(w, http.StatusInternalServerError, hs)
}

// acceptingClients reports whether the server takes new clients: started, not stopped, not in lame duck mode.
func (m *Server) acceptingClients() bool {
	select {
	case <-m.srv.Done():
		return false
	default:
		return !m.srv.InLameDuckMode()
	}
}

func writeHealth(w http.ResponseWriter, status int, hs HealthStatus) {
	body, _ := json.Marshal(hs) // strings only; cannot fail
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
