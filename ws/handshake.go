package ws

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"time"
)

// UpgraderConfig is a websocket listener's handshake settings: nats-server's websocket block.
type UpgraderConfig struct {
	// Compression offers permessage-deflate (compression: true): a client that asks for it gets it, with
	// server_no_context_takeover and client_no_context_takeover.
	Compression bool

	// SameOrigin (same_origin) and AllowedOrigins (allowed_origins) restrict the browsers' Origin. See
	// originPolicy.
	SameOrigin     bool
	AllowedOrigins []string

	// TLS: the listener serves TLS (wss), which the same-origin check compares against.
	TLS bool

	// Headers are added to every 101 response (headers), sorted by name.
	Headers map[string]string

	// Protocols lists the subprotocols the server speaks, in its order of preference. A client offering
	// one (Sec-WebSocket-Protocol) gets the first match back. nats-server speaks none on the client path,
	// so NATS clients send none.
	Protocols []string

	// MQTT serves MQTT over WebSocket on paths ending in /mqtt; without it they are refused with 404, as
	// nats-server does when MQTT is off.
	MQTT bool

	// MaxRequestBytes bounds the request head: a longer one is refused with 431 before it is buffered
	// further. Zero means DefaultMaxRequestBytes.
	MaxRequestBytes int

	// Cookie names whose values stand in for CONNECT's credentials (jwt_cookie, username_cookie,
	// password_cookie, token_cookie).
	JWTCookie, UsernameCookie, PasswordCookie, TokenCookie string
}

// DefaultMaxRequestBytes bounds a handshake request's head. nats-server lets net/http allow about 1 MiB;
// a WebSocket handshake, cookies included, is a few KiB, and a connection must not hold 1 MiB before it
// has even upgraded.
const DefaultMaxRequestBytes = 64 << 10

// Upgrader answers WebSocket opening handshakes (RFC 6455 §4.2) for one listener. It holds only its
// configuration, never changes, and may be shared by every event loop.
type Upgrader struct {
	cfg     UpgraderConfig
	origins *originPolicy
	extra   string // the configured headers, as response lines
	max     int
}

// NewUpgrader checks cfg as nats-server checks its websocket block at startup, with its messages.
func NewUpgrader(cfg UpgraderConfig) (*Upgrader, error) {
	origins, err := newOriginPolicy(cfg.SameOrigin, cfg.TLS, cfg.AllowedOrigins)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(cfg.Headers))
	for k := range cfg.Headers {
		switch lk := strings.ToLower(k); {
		case lk == "host", lk == "content-length", lk == "connection", lk == "upgrade", lk == "nats-no-masking":
			return nil, fmt.Errorf("websocket: invalid header %q not allowed", k)
		case strings.HasPrefix(lk, "sec-websocket-"):
			return nil, fmt.Errorf("websocket: invalid header %q, \"Sec-WebSocket-\" prefix not allowed", k)
		}
		names = append(names, k)
	}
	sort.Strings(names)
	var extra strings.Builder
	for _, k := range names {
		extra.WriteString(k + ": " + cfg.Headers[k] + "\r\n")
	}
	u := &Upgrader{cfg: cfg, origins: origins, extra: extra.String(), max: cfg.MaxRequestBytes}
	if u.max <= 0 {
		u.max = DefaultMaxRequestBytes
	}
	return u, nil
}

// Status is the outcome of Upgrade.
type Status uint8

const (
	// NeedMore: the request head has not all arrived. Nothing was consumed or appended; call again when
	// more bytes arrive.
	NeedMore Status = iota
	// Upgraded: send the 101 response; the connection now speaks WebSocket.
	Upgraded
	// Refused: send the response (it may be empty), then close if Close is set, else wait for another
	// request.
	Refused
)

// Endpoint is what a connection upgraded for, by the request path, as nats-server routes it.
type Endpoint uint8

const (
	EndpointClient   Endpoint = iota // a NATS client (any other path)
	EndpointLeafNode                 // a path ending in /leafnode
	EndpointMQTT                     // a path ending in /mqtt
)

// Handshake is what Upgrade found. Its strings are copies: nothing in it aliases the input.
type Handshake struct {
	Status Status
	N      int   // request bytes consumed (Upgraded, or Refused without Close)
	Close  bool  // Refused: close the connection once the response is written
	Err    error // Refused: why, for the log (nats-server: "<addr> - websocket handshake error: <Err>")

	// The rest describe an upgraded connection.
	Endpoint Endpoint
	Compress bool   // permessage-deflate negotiated
	NoMask   bool   // the client sent Nats-No-Masking: true; its frames may come unmasked
	Protocol string // the subprotocol chosen, if any

	// Browser: the User-Agent starts with "Mozilla/"; nats-server then sends frames of at most
	// BrowserFrameSize. NoCompressedFragments: a Safari browser on a compressed connection, to which
	// compressed messages go unfragmented.
	Browser, NoCompressedFragments bool

	// ClientIP is X-Forwarded-For when that is a single IP address: the client's address behind a proxy.
	ClientIP string

	// Credentials from the configured cookies (clients and MQTT only).
	JWT, Username, Password, Token string
}

// DecoderOptions returns the Options for this connection's Decoder.
func (h *Handshake) DecoderOptions(l Limits) Options {
	return Options{Limits: l, Compression: h.Compress, Unmasked: h.NoMask}
}

// HandshakeError is why a handshake was refused, in nats-server's words.
type HandshakeError struct {
	Status int // the HTTP status sent; 0 when nothing was sent
	Reason string
}

func (e *HandshakeError) Error() string { return "websocket handshake error: " + e.Reason }

// Upgrade reads the opening handshake at the start of in and appends the response to dst. It never
// keeps in: the Handshake holds copies.
//
// Requests are read as nats-server's net/http server reads them and checked in its handler's order
// (wsUpgrade); each refusal is the response nats-server sends (see response.go). A request followed in
// in by more bytes is refused without a response, as nats-server does for "client sent data before
// handshake is complete": the client must wait for the 101 before sending frames. now dates the
// refusals' responses.
func (u *Upgrader) Upgrade(dst, in []byte, now time.Time) ([]byte, Handshake) {
	n := httpHeadLen(in)
	if n == 0 && len(in) <= u.max {
		return dst, Handshake{Status: NeedMore}
	}
	if n == 0 || n > u.max {
		return appendServerError(dst, http.StatusRequestHeaderFieldsTooLarge, ""),
			refuseClose(http.StatusRequestHeaderFieldsTooLarge, "request header too large")
	}
	r, herr := readRequest(in[:n])
	if herr != nil {
		reason := herr.detail
		if reason == "" {
			reason = strings.ToLower(http.StatusText(herr.status))
		}
		return appendServerError(dst, herr.status, herr.detail), refuseClose(herr.status, reason)
	}
	http10 := r.minor == 0
	if string(r.target) == "*" {
		return appendAsteriskRefusal(dst, http10, now), refuseClose(http.StatusBadRequest, "request for *")
	}
	refuse := func(status int, reason string) ([]byte, Handshake) {
		h := Handshake{Status: Refused, N: n, Err: &HandshakeError{status, reason}}
		h.Close = r.wantsClose() || r.body
		return appendRefusal(dst, status, http10, r.wantsClose(), string(r.method) == "HEAD", now), h
	}

	endpoint := EndpointClient
	if p := r.url.EscapedPath(); strings.HasSuffix(p, "/leafnode") {
		endpoint = EndpointLeafNode
	} else if strings.HasSuffix(p, "/mqtt") {
		endpoint = EndpointMQTT
	}
	if endpoint == EndpointMQTT && !u.cfg.MQTT {
		return refuse(http.StatusNotFound, "mqtt websocket endpoint not enabled")
	}
	if string(r.method) != "GET" {
		return refuse(http.StatusMethodNotAllowed, "request method must be GET")
	}
	if len(r.host) == 0 {
		return refuse(http.StatusBadRequest, "'Host' missing in request")
	}
	if !anyHasToken(r.upgrade, "websocket") {
		return refuse(http.StatusBadRequest, "invalid value for header 'Upgrade'")
	}
	if !anyHasToken(r.connection, "Upgrade") {
		return refuse(http.StatusBadRequest, "invalid value for header 'Connection'")
	}
	if len(r.key) == 0 {
		return refuse(http.StatusBadRequest, "key missing")
	}
	var raw [18]byte // a valid key is 24 base64 characters for 16 bytes; one more slot to see longer
	if len(r.key) > 24 || !validKey(raw[:], r.key) {
		return refuse(http.StatusBadRequest, "invalid websocket key")
	}
	if !anyHasToken(r.version, "13") {
		return refuse(http.StatusBadRequest, "invalid version")
	}
	origin := r.origin
	if len(origin) == 0 {
		origin = r.secOrigin
	}
	if err := u.origins.check(string(origin), string(r.host)); err != nil {
		return refuse(http.StatusForbidden, "origin not allowed: "+err.Error())
	}
	h := Handshake{Status: Upgraded, N: n, Endpoint: endpoint}
	h.Compress = u.cfg.Compression && offersDeflate(r.extensions)
	h.NoMask = string(r.noMasking) == "true"
	if n < len(in) {
		// nats-server finds these bytes in its reader after hijacking the connection, fails to write
		// the 400 it means to (the connection is hijacked) and closes.
		return dst, Handshake{Status: Refused, Close: true,
			Err: &HandshakeError{0, "client sent data before handshake is complete"}}
	}
	if endpoint == EndpointMQTT {
		h.Protocol = "mqtt"
	} else {
		h.Protocol = u.chooseProtocol(r.protocols)
	}
	if endpoint != EndpointLeafNode {
		if ua := r.userAgent; bytes.HasPrefix(ua, []byte("Mozilla/")) {
			h.Browser = true
			h.NoCompressedFragments = h.Compress && bytes.Contains(ua, []byte("Version/")) &&
				bytes.Contains(ua, []byte("Safari/"))
		}
		h.JWT = cookieValue(r.cookies, u.cfg.JWTCookie)
		h.Username = cookieValue(r.cookies, u.cfg.UsernameCookie)
		h.Password = cookieValue(r.cookies, u.cfg.PasswordCookie)
		h.Token = cookieValue(r.cookies, u.cfg.TokenCookie)
	}
	if len(r.forwardedFor) > 0 && net.ParseIP(string(r.forwardedFor)) != nil {
		h.ClientIP = string(r.forwardedFor)
	}
	return append101(dst, r.key, h.Compress, h.NoMask, h.Protocol, u.extra), h
}

// refuseClose is a refusal after which the connection closes.
func refuseClose(status int, reason string) Handshake {
	return Handshake{Status: Refused, Close: true, Err: &HandshakeError{status, reason}}
}

// validKey: the key decodes, as standard padded base64, to 16 bytes.
func validKey(buf, key []byte) bool {
	n, err := base64.StdEncoding.Decode(buf, key)
	return err == nil && n == 16
}

func anyHasToken(values [][]byte, tok string) bool {
	for _, v := range values {
		if hasToken(v, tok) {
			return true
		}
	}
	return false
}

// offersDeflate: some Sec-WebSocket-Extensions offer lists permessage-deflate. Like nats-server
// (wsPMCExtensionSupport), any parameter of any offer counts, and the offer's parameters do not matter:
// the answer is always both no_context_takeover parameters, which every client must accept.
func offersDeflate(lines [][]byte) bool {
	for _, l := range lines {
		for _, ext := range bytes.Split(l, []byte(",")) {
			for _, p := range bytes.Split(ext, []byte(";")) {
				if bytes.EqualFold(trimOWS(p), []byte("permessage-deflate")) {
					return true
				}
			}
		}
	}
	return false
}

// chooseProtocol returns the first of the server's protocols the client offers, or "".
func (u *Upgrader) chooseProtocol(offer []byte) string {
	for _, p := range u.cfg.Protocols {
		if hasToken(offer, p) {
			return p
		}
	}
	return ""
}
