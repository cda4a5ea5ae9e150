package monitor

import (
	"html/template"
	"net/http"

	"github.com/reactor-nats/reactor/reactor"
)

// The index page lists the endpoints, as nats-server's does, for a person with a browser. Its markup is
// nobody's API, so it is kept plain.
var indexPage = template.Must(template.New("index").Parse(`<html lang="en">
<head><title>reactor monitoring</title></head>
<body>
<h1>reactor {{.Version}}</h1>
<p>NATS protocol of nats-server v{{.Protocol}}</p>
<a href=./varz>General /varz</a><br/>
<a href=./jsz>JetStream /jsz</a><br/>
<a href=./connz>Connections /connz</a><br/>
<a href=./accountz>Accounts /accountz</a><br/>
<a href=./subsz>Subscriptions /subsz</a><br/>
<a href=./routez>Routes /routez</a><br/>
<a href=./healthz>Health Probe /healthz</a><br/>
<a href=./metrics>Prometheus /metrics</a><br/>
<a href=https://docs.nats.io/running-a-nats-service/nats_admin/monitoring>Help</a>
</body>
</html>
`))

func (m *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = indexPage.Execute(w, struct{ Version, Protocol string }{reactor.Version, reactor.ProtocolVersion})
}
