package stream

import (
	"os"
	"reflect"
	"runtime/debug"
	"sort"
	"time"

	"github.com/reactor-nats/reactor/subtrie"
)

// Page sizes nats-server uses: subjects in STREAM.INFO, names in STREAM.NAMES, infos in STREAM.LIST.
const (
	subjectsPageLimit = 100000
	namesPageLimit    = 1024
	listPageLimit     = 256
)

// streamResponse answers STREAM.CREATE and STREAM.UPDATE.
type streamResponse struct {
	apiResponse
	*StreamInfo
	DidCreate bool `json:"did_create,omitempty"`
}

func (a *Account) apiStreamCreate(req Request, name string, r apiResponse) response {
	resp := &streamResponse{apiResponse: r}
	var cr StreamConfigRequest
	if resp.Error = decode(req.Data, &cr); resp.Error != nil {
		return resp
	}
	if cr.Name != name {
		resp.Error = ErrStreamMismatch
		return resp
	}
	cfg, e := checkConfig(cr.StreamConfig, true)
	if e != nil {
		resp.Error = e
		return resp
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if s := a.streams[name]; s != nil {
		if !reflect.DeepEqual(s.Config(), cfg) {
			resp.Error = ErrStreamNameExist
			return resp
		}
		resp.StreamInfo, resp.DidCreate = responseInfo(s, ""), true
		return resp
	}
	if resp.Error = a.admit(cfg); resp.Error != nil {
		return resp
	}
	s, err := a.createStream(cfg)
	if err != nil {
		resp.Error = ErrStreamCreate.with(err.Error())
		return resp
	}
	resp.StreamInfo, resp.DidCreate = responseInfo(s, ""), true
	return resp
}

// admit applies the account's limits and the subject overlap rule to a new stream; called under mu.
func (a *Account) admit(cfg Config) *APIError {
	if e := a.overlapping(cfg); e != nil {
		return e
	}
	lim := a.Limits()
	if lim.MaxStreams > 0 && len(a.streams) >= lim.MaxStreams {
		return ErrMaximumStreams
	}
	if lim.MaxBytesRequired && cfg.MaxBytes <= 0 {
		return ErrStreamMaxBytesReq
	}
	perStream, acctMax, exceeded := lim.StoreMaxStreamBytes, lim.MaxStore, ErrStorageExceeded
	if cfg.Storage == MemoryStorage {
		perStream, acctMax, exceeded = lim.MemoryMaxStreamBytes, lim.MaxMemory, ErrMemoryExceeded
	}
	if perStream > 0 && cfg.MaxBytes > perStream {
		return ErrStreamMaxBytesExceed
	}
	if acctMax >= 0 && cfg.MaxBytes > 0 && a.reserved(cfg.Storage)+uint64(cfg.MaxBytes) > uint64(acctMax) {
		return exceeded
	}
	return nil
}

// reserved is the sum of max_bytes over the account's streams of storage kind st; called under mu.
func (a *Account) reserved(st StorageType) uint64 {
	var n uint64
	for _, s := range a.streams {
		if cfg := s.Config(); cfg.Storage == st && cfg.MaxBytes > 0 {
			n += uint64(cfg.MaxBytes)
		}
	}
	return n
}

// createStream makes a new stream: its meta file first (a file stream), then its store and the stream.
// On failure nothing of it remains. Called under mu.
func (a *Account) createStream(cfg Config) (*Stream, error) {
	created := time.Now().UTC()
	dir := a.streamDir(cfg.Name)
	if cfg.Storage == FileStorage {
		if err := writeMeta(dir, cfg, created); err != nil {
			_ = os.RemoveAll(dir)
			return nil, err
		}
	}
	st, err := a.openStore(cfg, dir)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	s, err := newStream(a, cfg, created, st, storeDir(cfg, dir))
	if err != nil {
		_ = st.Delete()
		_ = os.RemoveAll(dir)
		return nil, err
	}
	a.streams[cfg.Name] = s
	return s, nil
}

func (a *Account) apiStreamUpdate(req Request, name string, r apiResponse) response {
	resp := &streamResponse{apiResponse: r}
	var cr StreamConfigRequest
	if resp.Error = decode(req.Data, &cr); resp.Error != nil {
		return resp
	}
	if e := streamNameProblem(cr.Name); e != nil {
		resp.Error = e
		return resp
	}
	if cr.Name != name {
		resp.Error = ErrStreamMismatch
		return resp
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.streams[name]
	if s == nil {
		resp.Error = ErrStreamNotFound
		return resp
	}
	cfg, e := checkConfig(cr.StreamConfig, false)
	if e == nil {
		e = checkUpdate(s.Config(), cfg)
	}
	if e == nil {
		e = a.overlapping(cfg)
	}
	if e != nil {
		resp.Error = e
		return resp
	}
	if err := s.Update(cfg); err != nil {
		resp.Error = ErrStreamUpdate.with(err.Error())
		return resp
	}
	if cfg.Storage == FileStorage {
		if err := writeMeta(a.streamDir(name), cfg, s.Created()); err != nil {
			a.mgr.log.Error().Err(err).Str("account", a.name).Str("stream", name).
				Msg("jetstream: updated configuration not saved; a restart brings back the previous one")
			resp.Error = ErrStreamUpdate.with(err.Error())
			return resp
		}
	}
	resp.StreamInfo = responseInfo(s, "")
	return resp
}

// responseInfo is a stream's info as create, update and info responses show it: the configuration with
// the server's metadata, and the leader when given.
func responseInfo(s *Stream, leader string) *StreamInfo {
	info := streamInfo(s)
	info.Config = withServerMetadata(info.Config)
	if leader != "" {
		info.Cluster = &ClusterInfo{Leader: leader}
	}
	return info
}

type streamInfoRequest struct {
	SubjectsFilter string `json:"subjects_filter,omitempty"`
	DeletedDetails bool   `json:"deleted_details,omitempty"`
	Offset         int    `json:"offset,omitempty"`
}

type streamInfoResponse struct {
	apiResponse
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
	*StreamInfo
}

func (a *Account) apiStreamInfo(req Request, name string, r apiResponse) response {
	resp := &streamInfoResponse{apiResponse: r}
	var ir streamInfoRequest
	s, e := a.requestedStream(req, name, &ir, false)
	if e != nil {
		resp.Error = e
		return resp
	}
	info := responseInfo(s, a.mgr.opts.ServerName)
	if ir.DeletedDetails {
		info.State.Deleted = s.Store().Deleted()
	}
	if ir.SubjectsFilter != "" {
		counts := s.Store().Subjects(ir.SubjectsFilter)
		subjects := make([]string, 0, len(counts))
		for subj := range counts {
			subjects = append(subjects, subj)
		}
		sort.Strings(subjects)
		if len(subjects) > 0 { // no page at all, rather than an empty one, as nats-server
			resp.Total, resp.Limit = len(subjects), subjectsPageLimit
			resp.Offset = clampOffset(ir.Offset, len(subjects))
		}
		page := subjects[resp.Offset:min(resp.Offset+subjectsPageLimit, len(subjects))]
		if len(page) > 0 {
			info.State.Subjects = make(map[string]uint64, len(page))
			for _, subj := range page {
				info.State.Subjects[subj] = counts[subj]
			}
		}
	}
	resp.StreamInfo = info
	return resp
}

func clampOffset(offset, total int) int { return min(max(offset, 0), total) }

// successResponse answers STREAM.DELETE and STREAM.MSG.DELETE.
type successResponse struct {
	apiResponse
	Success bool `json:"success,omitempty"`
}

func (a *Account) apiStreamDelete(req Request, name string, r apiResponse) response {
	resp := &successResponse{apiResponse: r}
	if !emptyRequest(req.Data) {
		resp.Error = ErrNotEmptyRequest
		return resp
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.streams[name]
	if s == nil {
		resp.Error = ErrStreamNotFound
		return resp
	}
	delete(a.streams, name)
	err := s.Delete()
	if s.Config().Storage == FileStorage {
		if rmErr := os.RemoveAll(a.streamDir(name)); err == nil {
			err = rmErr
		}
	} else {
		// A memory stream's messages were heap: hand it back to the OS now rather than when the runtime's
		// scavenger gets to it, minutes later. Deleting a stream is rare enough for a full collection.
		debug.FreeOSMemory()
	}
	if err != nil {
		resp.Error = ErrStreamDelete.with(err.Error())
		return resp
	}
	resp.Success = true
	return resp
}

type streamPurgeRequest struct {
	Filter string `json:"filter,omitempty"`
	Seq    uint64 `json:"seq,omitempty"`
	Keep   uint64 `json:"keep,omitempty"`
}

type streamPurgeResponse struct {
	apiResponse
	Success bool   `json:"success,omitempty"`
	Purged  uint64 `json:"purged"`
}

func (a *Account) apiStreamPurge(req Request, name string, r apiResponse) response {
	resp := &streamPurgeResponse{apiResponse: r}
	var pr streamPurgeRequest
	s, e := a.requestedStream(req, name, &pr, false)
	if e != nil {
		resp.Error = e
		return resp
	}
	switch cfg := s.Config(); {
	case pr.Seq > 0 && pr.Keep > 0:
		resp.Error = ErrBadRequest
	case cfg.Sealed:
		resp.Error = ErrStreamSealed
	case cfg.DenyPurge:
		resp.Error = ErrStreamPurgeFailed.with("stream purge not permitted")
	case pr.Filter != "" && !subtrie.ValidSubject([]byte(pr.Filter)):
		resp.Success = true // matches nothing, as on nats-server
	default:
		n, err := s.Purge(pr.Filter, pr.Seq, pr.Keep)
		if err != nil {
			resp.Error = ErrStreamPurgeFailed.with(err.Error())
			return resp
		}
		resp.Success, resp.Purged = true, n
	}
	return resp
}

type streamNamesRequest struct {
	Offset  int    `json:"offset,omitempty"`
	Subject string `json:"subject,omitempty"`
}

type streamNamesResponse struct {
	apiResponse
	Total   int      `json:"total"`
	Offset  int      `json:"offset"`
	Limit   int      `json:"limit"`
	Streams []string `json:"streams"` // null when none, as nats-server
}

type streamListResponse struct {
	apiResponse
	Total   int           `json:"total"`
	Offset  int           `json:"offset"`
	Limit   int           `json:"limit"`
	Streams []*StreamInfo `json:"streams"` // [] when none, as nats-server
}

func (a *Account) apiStreamNames(req Request, _ string, r apiResponse) response {
	resp := &streamNamesResponse{apiResponse: r}
	var nr streamNamesRequest
	if resp.Error = decode(req.Data, &nr); resp.Error != nil {
		return resp
	}
	page, total, offset := a.pageOfStreams(nr, namesPageLimit)
	resp.Total, resp.Offset, resp.Limit = total, offset, namesPageLimit
	for _, s := range page {
		resp.Streams = append(resp.Streams, s.Config().Name)
	}
	return resp
}

func (a *Account) apiStreamList(req Request, _ string, r apiResponse) response {
	resp := &streamListResponse{apiResponse: r, Streams: []*StreamInfo{}}
	var nr streamNamesRequest
	if resp.Error = decode(req.Data, &nr); resp.Error != nil {
		return resp
	}
	page, total, offset := a.pageOfStreams(nr, listPageLimit)
	resp.Total, resp.Offset, resp.Limit = total, offset, listPageLimit
	for _, s := range page {
		resp.Streams = append(resp.Streams, streamInfo(s))
	}
	return resp
}

// pageOfStreams selects the streams, by name, whose subjects collide with the request's subject (all
// when none) and returns the page at its offset, the number selected and the offset used.
func (a *Account) pageOfStreams(nr streamNamesRequest, limit int) (page []*Stream, total, offset int) {
	var selected []*Stream
	for _, s := range a.streamList() {
		if nr.Subject == "" || streamCaptures(s.Config().Subjects, nr.Subject) {
			selected = append(selected, s)
		}
	}
	offset = clampOffset(nr.Offset, len(selected))
	return selected[offset:min(offset+limit, len(selected))], len(selected), offset
}

// streamCaptures reports whether a stream with subjects stores some message on filter.
func streamCaptures(subjects []string, filter string) bool {
	if !subtrie.ValidSubject([]byte(filter)) {
		return false
	}
	for _, subj := range subjects {
		if subjectsCollide(subj, filter) {
			return true
		}
	}
	return false
}
