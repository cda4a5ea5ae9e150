package stream

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// The JetStream API: requests on $JS.API.> in an account reach handleAPI on a service goroutine. Each
// endpoint answers one JSON object whose "type" names the response, with "error" when it failed; a
// subject the API does not know gets no answer, as on nats-server (the requester times out).
const apiPrefix = "$JS.API."

const typePrefix = "io.nats.jetstream.api.v1."

// apiResponse starts every response: its type and, when the request failed, the error.
type apiResponse struct {
	Type  string    `json:"type"`
	Error *APIError `json:"error,omitempty"`

	// How nats-server counts the request in its API stats, where it is not "one request, one error if
	// it failed": a message served by MSG.GET is not counted, nor is a MSG.DELETE's failure to remove.
	uncounted, errorUncounted bool
}

func (r *apiResponse) stats() *apiResponse { return r }

// response is what every handler returns: a response struct embedding apiResponse.
type response interface{ stats() *apiResponse }

// endpoint is an API subject taking a stream name as its last token (or none, for the account-wide ones).
type endpoint struct {
	prefix string // after $JS.API.
	typ    string // the response's type, after io.nats.jetstream.api.v1.
	named  bool   // the subject ends with a stream name
	tail   bool   // the subject goes on after prefix with dotted tokens the handler splits (consumers)
	handle func(a *Account, req Request, name string, resp apiResponse) response
	// blank is the endpoint's response with nothing but r filled in: the shape a refusal takes before the
	// request is looked at (disabled.go).
	blank func(r apiResponse) response
}

func blankPlain(r apiResponse) response   { return &r }
func blankStream(r apiResponse) response  { return &streamResponse{apiResponse: r} }
func blankSuccess(r apiResponse) response { return &successResponse{apiResponse: r} }

var endpoints = []endpoint{
	{prefix: "INFO", typ: "account_info_response", handle: (*Account).apiAccountInfo, blank: blankPlain},
	{prefix: "STREAM.CREATE.", typ: "stream_create_response", named: true, handle: (*Account).apiStreamCreate, blank: blankStream},
	{prefix: "STREAM.UPDATE.", typ: "stream_update_response", named: true, handle: (*Account).apiStreamUpdate, blank: blankStream},
	{prefix: "STREAM.INFO.", typ: "stream_info_response", named: true, handle: (*Account).apiStreamInfo,
		blank: func(r apiResponse) response { return &streamInfoResponse{apiResponse: r} }},
	{prefix: "STREAM.DELETE.", typ: "stream_delete_response", named: true, handle: (*Account).apiStreamDelete, blank: blankSuccess},
	{prefix: "STREAM.PURGE.", typ: "stream_purge_response", named: true, handle: (*Account).apiStreamPurge,
		blank: func(r apiResponse) response { return &streamPurgeResponse{apiResponse: r} }},
	{prefix: "STREAM.NAMES", typ: "stream_names_response", handle: (*Account).apiStreamNames,
		blank: func(r apiResponse) response { return &streamNamesResponse{apiResponse: r} }},
	{prefix: "STREAM.LIST", typ: "stream_list_response", handle: (*Account).apiStreamList,
		blank: func(r apiResponse) response { return &streamListResponse{apiResponse: r, Streams: []*StreamInfo{}} }},
	{prefix: "STREAM.MSG.GET.", typ: "stream_msg_get_response", named: true, handle: (*Account).apiMsgGet,
		blank: func(r apiResponse) response { return &msgGetResponse{apiResponse: r} }},
	{prefix: "STREAM.MSG.DELETE.", typ: "stream_msg_delete_response", named: true, handle: (*Account).apiMsgDelete, blank: blankSuccess},
	{prefix: "CONSUMER.CREATE.", typ: "consumer_create_response", tail: true, handle: (*Account).apiConsumerCreate, blank: blankConsumer},
	{prefix: "CONSUMER.DURABLE.CREATE.", typ: "consumer_create_response", tail: true, handle: (*Account).apiConsumerDurableCreate, blank: blankConsumer},
	{prefix: "CONSUMER.INFO.", typ: "consumer_info_response", tail: true, handle: (*Account).apiConsumerInfo, blank: blankConsumer},
	{prefix: "CONSUMER.PAUSE.", typ: "consumer_pause_response", tail: true, handle: (*Account).apiConsumerPause, blank: blankPause},
	{prefix: "CONSUMER.DELETE.", typ: "consumer_delete_response", tail: true, handle: (*Account).apiConsumerDelete, blank: blankSuccess},
	{prefix: "CONSUMER.NAMES.", typ: "consumer_names_response", named: true, handle: (*Account).apiConsumerNames,
		blank: func(r apiResponse) response { return &consumerNamesResponse{apiResponse: r, Consumers: []string{}} }},
	{prefix: "CONSUMER.LIST.", typ: "consumer_list_response", named: true, handle: (*Account).apiConsumerList,
		blank: func(r apiResponse) response {
			return &consumerListResponse{apiResponse: r, Consumers: []*ConsumerInfo{}}
		}},
}

// handleAPI serves one request on $JS.API.>: it finds the endpoint, counts the request, runs it and
// sends the answer to the request's reply subject.
func (a *Account) handleAPI(req Request) {
	rest, ok := strings.CutPrefix(req.Subject, apiPrefix)
	if !ok {
		return
	}
	if tail, ok := strings.CutPrefix(rest, "DIRECT.GET."); ok {
		a.directGet(req, tail)
		return
	}
	if tail, ok := strings.CutPrefix(rest, "CONSUMER.MSG.NEXT."); ok {
		a.msgNext(req, tail)
		return
	}
	ep, name, ok := findEndpoint(rest)
	if !ok {
		return
	}
	resp := ep.handle(a, req, name, apiResponse{Type: typePrefix + ep.typ})
	if r := resp.stats(); !r.uncounted { // counted once handled: INFO reports the requests before it
		a.usage.apiTotal.Add(1)
		a.mgr.total.apiTotal.Add(1)
		if r.Error != nil && !r.errorUncounted {
			a.usage.apiErrors.Add(1)
			a.mgr.total.apiErrors.Add(1)
		}
	}
	a.reply(req, resp)
}

// findEndpoint matches the subject after $JS.API. to an endpoint and the stream name it carries.
func findEndpoint(rest string) (endpoint, string, bool) {
	for _, ep := range endpoints {
		if ep.tail {
			if tail, ok := strings.CutPrefix(rest, ep.prefix); ok && tail != "" {
				return ep, tail, true
			}
			continue
		}
		if !ep.named {
			if rest == ep.prefix {
				return ep, "", true
			}
			continue
		}
		name, ok := strings.CutPrefix(rest, ep.prefix)
		if ok && name != "" && !strings.Contains(name, ".") {
			return ep, name, true
		}
	}
	return endpoint{}, "", false
}

// reply sends resp as JSON to the request's reply subject, if it has one.
func (a *Account) reply(req Request, resp any) {
	if req.Reply == "" {
		return
	}
	data, err := json.Marshal(resp)
	if err != nil { // every response type marshals; this is a bug, answered rather than swallowed
		data = []byte(`{"error":{"code":500,"description":` + fmt.Sprintf("%q", err.Error()) + `}}`)
	}
	a.mgr.host.Send([]Outbound{{Account: a.name, Subject: req.Reply, Data: data, Origin: -1}})
}

// StreamConfig is the name nats-server's JSON errors give a configuration ("Go struct field
// StreamConfigRequest.StreamConfig.name of type string"); an alias, so it is Config.
type StreamConfig = Config

// StreamConfigRequest is the body of STREAM.CREATE and STREAM.UPDATE.
type StreamConfigRequest struct {
	StreamConfig
	Pedantic bool `json:"pedantic,omitempty"`
}

// decode reads a request body into v; an empty body leaves v as it is (nats-server's "no options").
func decode(data []byte, v any) *APIError {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return jsonProblem(err)
	}
	return nil
}

// requestedStream decodes a request's body into into and finds the stream the subject names. Where a
// body is required (the requests that select a message), an empty one is nats-server's "bad request".
func (a *Account) requestedStream(req Request, name string, into any, bodyRequired bool) (*Stream, *APIError) {
	if bodyRequired && emptyRequest(req.Data) {
		return nil, ErrBadRequest
	}
	if e := decode(req.Data, into); e != nil {
		return nil, e
	}
	if s := a.Stream(name); s != nil {
		return s, nil
	}
	return nil, ErrStreamNotFound
}

// jsonProblem is 10025 in nats-server's words for what the decoder found.
func jsonProblem(err error) *APIError {
	msg := err.Error()
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		if msg == "unexpected end of JSON input" {
			msg = "unexpected EOF"
		} else {
			msg = fmt.Sprintf("%s at offset %d", msg, syntax.Offset)
		}
	}
	msg = strings.Replace(msg, "after top-level value", "looking for beginning of value", 1)
	return invalidJSON(strings.Replace(msg, "type stream.", "type server.", 1))
}

// emptyRequest reports whether a body carries nothing: no bytes, or an object without members ("{}"),
// which nats-server treats alike.
func emptyRequest(data []byte) bool {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return true
	}
	if data[0] != '{' {
		return false
	}
	var members map[string]json.RawMessage
	return json.Unmarshal(data, &members) == nil && len(members) == 0
}
