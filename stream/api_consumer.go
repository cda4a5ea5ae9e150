package stream

import (
	"reflect"
	"strings"
)

// The consumer endpoints name a stream and (except CREATE.<stream>, NAMES and LIST) a consumer:
// the handler gets everything after the endpoint's prefix as name and splits it itself.

type consumerResponse struct {
	apiResponse
	*ConsumerInfo
}

func blankConsumer(r apiResponse) response { return &consumerResponse{apiResponse: r} }

// apiConsumerCreate serves CONSUMER.CREATE.<stream>[.<name>[.<filter>]].
func (a *Account) apiConsumerCreate(req Request, tail string, r apiResponse) response {
	streamName, rest, _ := strings.Cut(tail, ".")
	name, filter, _ := strings.Cut(rest, ".")
	return a.createConsumer(req, streamName, name, filter, false, r)
}

// apiConsumerDurableCreate serves CONSUMER.DURABLE.CREATE.<stream>.<durable>.
func (a *Account) apiConsumerDurableCreate(req Request, tail string, r apiResponse) response {
	streamName, name, _ := strings.Cut(tail, ".")
	return a.createConsumer(req, streamName, name, "", true, r)
}

func (a *Account) createConsumer(req Request, streamName, name, filter string, durable bool, r apiResponse) response {
	resp := &consumerResponse{apiResponse: r}
	var cr CreateConsumerRequest
	if resp.Error = decode(req.Data, &cr); resp.Error != nil {
		return resp
	}
	if cr.Stream != streamName {
		resp.Error = ErrStreamMismatch
		return resp
	}
	if cr.Config == nil {
		resp.Error = ErrConsumerCreate.with("consumer config required")
		return resp
	}
	cfg := *cr.Config
	switch {
	case durable && cfg.Durable == "":
		resp.Error = ErrConsumerDurableNotSet
	case !durable && name == "" && cfg.Durable != "":
		resp.Error = ErrConsumerEphemeralNamed
	case durable && cfg.Durable != name:
		resp.Error = ErrConsumerDurableMismatch
	case name != "" && cfg.Durable != "" && cfg.Durable != name:
		resp.Error = ErrConsumerDurableMismatch
	case name != "" && cfg.Name != "" && cfg.Name != name:
		resp.Error = ErrConsumerDurableMismatch
	case filter != "" && len(cfg.FilterSubjects) > 0:
		resp.Error = ErrConsumerFiltersInSubject
	case filter != "" && cfg.FilterSubject != filter:
		resp.Error = ErrConsumerFilterMismatch
	}
	if resp.Error != nil {
		return resp
	}
	if name != "" && cfg.Name == "" && cfg.Durable == "" {
		cfg.Name = name
	}
	s := a.Stream(streamName)
	if s == nil {
		resp.Error = ErrStreamNotFound
		return resp
	}
	if cfg.Name == "" && cfg.Durable == "" {
		cfg.Name = ephemeralName()
	}
	cfg, resp.Error = checkConsumerConfig(cfg, s.Config())
	if resp.Error != nil {
		return resp
	}
	if cr.Action == "update" && s.consumer(cfg.Name) == nil {
		resp.Error = ErrConsumerDoesNotExist
		return resp
	}
	c, created, e := s.addConsumer(cfg)
	if e != nil {
		resp.Error = e
		return resp
	}
	if !created {
		old := c.Config()
		same := reflect.DeepEqual(old, cfg)
		switch {
		case cr.Action == "create" && !same:
			resp.Error = ErrConsumerAlreadyExists
			return resp
		case !same:
			if resp.Error = checkConsumerUpdate(old, cfg); resp.Error != nil {
				return resp
			}
			c.update(cfg)
		}
	}
	resp.ConsumerInfo = c.Info()
	if created {
		c.start() // after the info, which shows the consumer before any delivery, as nats-server's does
	}
	return resp
}

// ephemeralName is 8 random characters of [a-zA-Z0-9], as nats-server names ephemerals.
func ephemeralName() string { return randomToken(8) }

// requestedConsumer finds the stream and consumer a <stream>.<consumer> tail names.
func (a *Account) requestedConsumer(tail string) (*Consumer, *APIError) {
	streamName, name, ok := strings.Cut(tail, ".")
	if !ok || name == "" || strings.Contains(name, ".") {
		return nil, ErrBadRequest
	}
	s := a.Stream(streamName)
	if s == nil {
		return nil, ErrStreamNotFound
	}
	c := s.consumer(name)
	if c == nil {
		return nil, ErrConsumerNotFound
	}
	return c, nil
}

func (a *Account) apiConsumerInfo(_ Request, tail string, r apiResponse) response {
	resp := &consumerResponse{apiResponse: r}
	c, e := a.requestedConsumer(tail)
	if e != nil {
		resp.Error = e
		return resp
	}
	resp.ConsumerInfo = c.Info()
	return resp
}

func (a *Account) apiConsumerDelete(_ Request, tail string, r apiResponse) response {
	resp := &successResponse{apiResponse: r}
	c, e := a.requestedConsumer(tail)
	if e != nil {
		resp.Error = e
		return resp
	}
	c.s.deleteConsumer(c.name)
	resp.Success = true
	return resp
}

type consumerNamesResponse struct {
	apiResponse
	Total     int      `json:"total"`
	Offset    int      `json:"offset"`
	Limit     int      `json:"limit"`
	Consumers []string `json:"consumers"`
}

type consumerListResponse struct {
	apiResponse
	Total     int             `json:"total"`
	Offset    int             `json:"offset"`
	Limit     int             `json:"limit"`
	Consumers []*ConsumerInfo `json:"consumers"`
}

type consumersRequest struct {
	Offset int `json:"offset,omitempty"`
}

// pageOfConsumers decodes a NAMES or LIST request and returns the page of the stream's consumers.
func (a *Account) pageOfConsumers(req Request, streamName string, limit int) ([]*Consumer, int, int, *APIError) {
	var cr consumersRequest
	s, e := a.requestedStream(req, streamName, &cr, false)
	if e != nil {
		return nil, 0, 0, e
	}
	all := s.consumerList()
	offset := clampOffset(cr.Offset, len(all))
	return all[offset:min(offset+limit, len(all))], len(all), offset, nil
}

func (a *Account) apiConsumerNames(req Request, streamName string, r apiResponse) response {
	resp := &consumerNamesResponse{apiResponse: r, Consumers: []string{}}
	page, total, offset, e := a.pageOfConsumers(req, streamName, namesPageLimit)
	if e != nil {
		resp.Error = e
		return resp
	}
	resp.Total, resp.Offset, resp.Limit = total, offset, namesPageLimit
	for _, c := range page {
		resp.Consumers = append(resp.Consumers, c.name)
	}
	return resp
}

func (a *Account) apiConsumerList(req Request, streamName string, r apiResponse) response {
	resp := &consumerListResponse{apiResponse: r, Consumers: []*ConsumerInfo{}}
	page, total, offset, e := a.pageOfConsumers(req, streamName, listPageLimit)
	if e != nil {
		resp.Error = e
		return resp
	}
	resp.Total, resp.Offset, resp.Limit = total, offset, listPageLimit
	for _, c := range page {
		resp.Consumers = append(resp.Consumers, c.Info())
	}
	return resp
}

// msgNext serves CONSUMER.MSG.NEXT.<stream>.<consumer>: no JSON response; the answer is messages and
// status messages to the reply. A request for a consumer that does not exist is not answered, as on
// nats-server.
func (a *Account) msgNext(req Request, tail string) {
	c, e := a.requestedConsumer(tail)
	if e != nil {
		return
	}
	c.pull(req.Reply, req.Data)
}

// consumerCount is the number of consumers over the account's streams.
func (a *Account) consumerCount() int {
	n := 0
	for _, s := range a.streamList() {
		n += s.numConsumers()
	}
	return n
}
