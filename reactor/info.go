package reactor

import (
	"encoding/json"
	"runtime"
	"strconv"

	"github.com/reactor-nats/reactor/auth"
	"github.com/reactor-nats/reactor/stream"
)

// ProtocolVersion is the nats-server release whose client protocol reactor speaks. INFO reports it as
// "version" because clients gate features on that number (nats.go checks it before using newer JetStream
// APIs); reactor's own release is Version.
const ProtocolVersion = "2.15.2"

// Version is reactor's own release.
const Version = "0.1.0"

// serverInfo is the part of INFO that is the same for every client, in nats-server's field order.
type serverInfo struct {
	ServerID     string `json:"server_id"`
	ServerName   string `json:"server_name"`
	Version      string `json:"version"`
	Proto        int    `json:"proto"`
	Go           string `json:"go"`
	Host         string `json:"host"`
	Port         int    `json:"port"`
	Headers      bool   `json:"headers"`
	AuthRequired bool   `json:"auth_required,omitempty"`
	TLSRequired  bool   `json:"tls_required,omitempty"`
	TLSVerify    bool   `json:"tls_verify,omitempty"`
	TLSAvailable bool   `json:"tls_available,omitempty"`
	MaxPayload   int    `json:"max_payload"`
	JetStream    bool   `json:"jetstream,omitempty"`
	LameDuckMode bool   `json:"ldm,omitempty"`
}

// clusterInfo is the part of INFO that follows the per-client fields in a cluster, in nats-server's order.
type clusterInfoFields struct {
	Cluster     string   `json:"cluster,omitempty"`
	ConnectURLs []string `json:"connect_urls,omitempty"`
}

// newInfo makes the INFO template for the current settings; ldm marks lame duck mode.
func (s *Server) newInfo(maxPayload int, auth *auth.Authenticator, ldm bool) *infoTemplate {
	var cf clusterInfoFields
	if cs := s.cluster; cs != nil {
		cf.Cluster = cs.id.Cluster
		if urls := cs.clientURL.Load(); urls != nil {
			cf.ConnectURLs = *urls
		}
	}
	return newInfoTemplate(cf, serverInfo{
		ServerID:     s.id,
		ServerName:   s.opts.ServerName,
		Version:      ProtocolVersion,
		Proto:        1,
		Host:         s.opts.Host,
		Port:         s.port,
		Headers:      !s.opts.NoHeaderSupport,
		AuthRequired: auth != nil && auth.Required(),
		TLSRequired:  s.opts.TLS != nil && !s.opts.TLS.AllowNonTLS,
		TLSVerify:    s.opts.TLS != nil && s.opts.TLS.Verify,
		TLSAvailable: s.opts.TLS != nil && s.opts.TLS.AllowNonTLS,
		MaxPayload:   maxPayload,
		JetStream:    s.opts.JetStream != nil,
		LameDuckMode: ldm,
	})
}

// infoTemplate renders INFO lines. The shared fields are marshalled once; each connection appends only its
// client_id and client_ip, so accepting a connection costs no JSON encoding.
type infoTemplate struct {
	prefix []byte // `{...shared fields...` without the closing brace
	suffix []byte // `,"cluster":…,"connect_urls":[…]`, after the per-client fields; empty without a cluster
	// wsSuffix is suffix without connect_urls, for WebSocket clients: the URLs are TCP client addresses, which
	// a WebSocket client cannot reconnect to (nats-server gives those clients ws_connect_urls instead).
	wsSuffix []byte
}

func newInfoTemplate(cf clusterInfoFields, si serverInfo) *infoTemplate {
	si.Go = runtime.Version()
	js, err := json.Marshal(si)
	if err != nil {
		panic(err) // a struct of strings, ints and bools always marshals
	}
	t := &infoTemplate{prefix: js[:len(js)-1]}
	if cj, err := json.Marshal(cf); err == nil && len(cj) > 2 {
		t.suffix = append([]byte{','}, cj[1:len(cj)-1]...)
	}
	if cj, err := json.Marshal(clusterInfoFields{Cluster: cf.Cluster}); err == nil && len(cj) > 2 {
		t.wsSuffix = append([]byte{','}, cj[1:len(cj)-1]...)
	}
	return t
}

// appendClientInfo appends the INFO line a client gets on accept; ws marks a WebSocket client.
func (t infoTemplate) appendClientInfo(dst []byte, cid uint64, ip, nonce string, ws bool) []byte {
	dst = t.appendClientFields(dst, cid, ip)
	if nonce != "" {
		dst = append(dst, `,"nonce":`...)
		dst = strconv.AppendQuote(dst, nonce)
	}
	dst = append(dst, t.suffixFor(ws)...)
	return append(dst, "} \r\n"...)
}

// appendConnectInfo appends the INFO a protocol-1 client gets after its first PONG: the same fields plus
// connect_info and the account its CONNECT bound it to.
func (t infoTemplate) appendConnectInfo(dst []byte, cid uint64, ip, account string, ws bool) []byte {
	dst = t.appendClientFields(dst, cid, ip)
	dst = append(dst, `,"connect_info":true,"remote_account":`...)
	dst = strconv.AppendQuote(dst, account)
	dst = append(dst, t.suffixFor(ws)...)
	return append(dst, "} \r\n"...)
}

func (t infoTemplate) appendClientFields(dst []byte, cid uint64, ip string) []byte {
	dst = append(dst, "INFO "...)
	dst = append(dst, t.prefix...)
	dst = append(dst, `,"client_id":`...)
	dst = strconv.AppendUint(dst, cid, 10)
	dst = append(dst, `,"client_ip":`...)
	dst = strconv.AppendQuote(dst, ip)
	// The JetStream API level this server serves, which nats-server announces whether or not JetStream is on.
	dst = append(dst, `,"api_lvl":`...)
	return strconv.AppendInt(dst, stream.APILevel, 10)
}

func (t infoTemplate) suffixFor(ws bool) []byte {
	if ws {
		return t.wsSuffix
	}
	return t.suffix
}
