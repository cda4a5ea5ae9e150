package monitor

import (
	"encoding/json"
	"net/http"
)

// writeJSON answers as nats-server does: indented by two spaces, application/json, and readable from any
// origin (CORS), so browser dashboards can fetch it.
func writeJSON(w http.ResponseWriter, v any) {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// writeError answers a refused request as nats-server does: the bare error text with no newline, which
// net/http labels text/plain. Tools show the text, so it must be nats-server's word for word.
func writeError(w http.ResponseWriter, status int, text string) {
	w.WriteHeader(status)
	_, _ = w.Write([]byte(text))
}
