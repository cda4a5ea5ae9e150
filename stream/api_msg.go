package stream

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/reactor-nats/reactor/stream/store"
)

// msgGetRequest selects one message: by sequence, the last on a subject, or the first on a subject at or
// after a sequence. MSG.GET and DIRECT.GET take the same body.
type msgGetRequest struct {
	Seq     uint64 `json:"seq,omitempty"`
	LastFor string `json:"last_by_subj,omitempty"`
	NextFor string `json:"next_by_subj,omitempty"`
}

// load finds the message the request selects; ErrBadRequest when the fields make no selection.
func (r msgGetRequest) load(st store.Store) (store.Msg, *APIError) {
	var m store.Msg
	var err error
	switch {
	case r.Seq > 0 && r.LastFor == "" && r.NextFor == "":
		m, err = st.Load(r.Seq)
	case r.LastFor != "" && r.Seq == 0 && r.NextFor == "":
		m, err = st.LoadLast(r.LastFor)
	case r.NextFor != "" && r.LastFor == "":
		m, err = st.LoadNext(r.NextFor, max(r.Seq, 1))
	default:
		return m, ErrBadRequest
	}
	if err != nil {
		return m, ErrNoMessageFound
	}
	return m, nil
}

// storedMsg is the "message" of a MSG.GET response; headers and payload are base64 on the wire.
type storedMsg struct {
	Subject string    `json:"subject"`
	Seq     uint64    `json:"seq"`
	Header  []byte    `json:"hdrs,omitempty"`
	Data    []byte    `json:"data,omitempty"`
	Time    time.Time `json:"time"`
}

type msgGetResponse struct {
	apiResponse
	Message *storedMsg `json:"message,omitempty"`
}

func (a *Account) apiMsgGet(req Request, name string, r apiResponse) response {
	resp := &msgGetResponse{apiResponse: r}
	var gr msgGetRequest
	s, e := a.requestedStream(req, name, &gr, true)
	if e == nil {
		var m store.Msg
		if m, e = gr.load(s.Store()); e == nil {
			resp.uncounted = true
			resp.Message = &storedMsg{Subject: m.Subject, Seq: m.Seq, Header: m.Hdr, Data: m.Data, Time: nsTime(m.Time)}
		}
	}
	resp.Error = e
	return resp
}

type msgDeleteRequest struct {
	Seq     uint64 `json:"seq"`
	NoErase bool   `json:"no_erase,omitempty"`
}

func (a *Account) apiMsgDelete(req Request, name string, r apiResponse) response {
	resp := &successResponse{apiResponse: r}
	var dr msgDeleteRequest
	s, e := a.requestedStream(req, name, &dr, true)
	if e != nil {
		resp.Error = e
		return resp
	}
	cfg := s.Config()
	switch {
	case cfg.Sealed:
		resp.Error = ErrStreamSealed
	case cfg.DenyDelete:
		resp.Error = ErrStreamMsgDeleteFail.with("message delete not permitted")
	default:
		removed, err := s.RemoveMsg(dr.Seq, !dr.NoErase)
		switch {
		case err != nil:
			resp.Error = ErrStreamMsgDeleteFail.with(err.Error())
		case !removed:
			resp.Error, resp.errorUncounted = notRemoved(cfg.Storage, dr.Seq, s.Store().State()), true
		default:
			resp.Success = true
		}
	}
	return resp
}

// notRemoved is nats-server's error for a sequence that was not there to delete, which its two stores
// word differently: the file store tells a sequence before the first (or 0) and one past the last from
// an interior gap.
func notRemoved(st StorageType, seq uint64, state store.State) *APIError {
	switch {
	case st == MemoryStorage:
	case seq == 0 || seq < state.FirstSeq:
		return ErrStreamMsgDeleteFail.with("no message found")
	case seq > state.LastSeq:
		return ErrStreamMsgDeleteFail.with("stream store EOF")
	}
	return sequenceNotFound(seq)
}

// Direct get answers with the message itself, not JSON: its headers plus Nats-Stream, Nats-Subject,
// Nats-Sequence and Nats-Time-Stamp, its payload as the body; or a status-only header block.
var (
	statusNotFound   = []byte("NATS/1.0 404 Message Not Found\r\n\r\n")
	statusEmpty      = []byte("NATS/1.0 408 Empty Request\r\n\r\n")
	statusMalformed  = []byte("NATS/1.0 408 Malformed Request\r\n\r\n")
	statusBadRequest = []byte("NATS/1.0 408 Bad Request\r\n\r\n")
	// statusNoResponders is what the requester would get from the server if nothing listened: on
	// nats-server a stream without allow_direct has no direct-get subscription.
	statusNoResponders = []byte("NATS/1.0 503\r\n\r\n")
)

// directGet serves $JS.API.DIRECT.GET.<stream> (body selects the message) and
// $JS.API.DIRECT.GET.<stream>.<subject> (the last message on subject, no body).
func (a *Account) directGet(req Request, tail string) {
	if req.Reply == "" {
		return
	}
	name, lastFor, bySubject := strings.Cut(tail, ".")
	s := a.Stream(name)
	if s == nil || !s.Config().AllowDirect {
		a.sendStatus(req, statusNoResponders)
		return
	}
	var gr msgGetRequest
	switch {
	case bySubject && !emptyRequest(req.Data):
		a.sendStatus(req, statusBadRequest)
		return
	case bySubject:
		gr.LastFor = lastFor
	case emptyRequest(req.Data):
		a.sendStatus(req, statusEmpty)
		return
	case decode(req.Data, &gr) != nil:
		a.sendStatus(req, statusMalformed)
		return
	}
	m, e := gr.load(s.Store())
	switch {
	case e == ErrBadRequest:
		a.sendStatus(req, statusBadRequest)
	case e != nil:
		a.sendStatus(req, statusNotFound)
	default:
		a.mgr.host.Send([]Outbound{{Account: a.name, Subject: req.Reply, Hdr: directHeader(name, m),
			Data: m.Data, Origin: -1}})
	}
}

func (a *Account) sendStatus(req Request, status []byte) {
	a.mgr.host.Send([]Outbound{{Account: a.name, Subject: req.Reply, Hdr: status, Origin: -1}})
}

// directHeader is the header block of a direct get answer: the message's own header lines, then the
// stream's.
func directHeader(stream string, m store.Msg) []byte {
	hdr := make([]byte, 0, len(m.Hdr)+len(stream)+len(m.Subject)+120)
	hdr = append(hdr, "NATS/1.0\r\n"...)
	if _, lines, ok := bytes.Cut(m.Hdr, []byte("\r\n")); ok {
		hdr = append(hdr, bytes.TrimSuffix(lines, []byte("\r\n"))...)
	}
	hdr = append(hdr, "Nats-Stream: "...)
	hdr = append(hdr, stream...)
	hdr = append(hdr, "\r\nNats-Subject: "...)
	hdr = append(hdr, m.Subject...)
	hdr = append(hdr, "\r\nNats-Sequence: "...)
	hdr = strconv.AppendUint(hdr, m.Seq, 10)
	hdr = append(hdr, "\r\nNats-Time-Stamp: "...)
	hdr = nsTime(m.Time).AppendFormat(hdr, time.RFC3339Nano)
	return append(hdr, "\r\n\r\n"...)
}
