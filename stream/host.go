package stream

// Host is what the server gives JetStream. Every method is safe from any goroutine.
type Host interface {
	// Capture makes every publish in account whose subject matches one of subjects reach in.Enqueue, on
	// the publishing loop, until cancel is called. A stream captures its subjects with it.
	Capture(account string, subjects []string, in Ingest) (cancel func(), err error)
	// Listen makes requests in account on subject (wildcards allowed) reach handle on a service
	// goroutine (never an event loop) until cancel is called. Requests that arrived together may be
	// handed over one after another on one goroutine, each but the last with More set.
	Listen(account, subject string, handle func(Request)) (cancel func(), err error)
	// Send publishes msgs as the server, in order. Messages with the same Origin are delivered from that
	// loop in one batch (pub-acks go back where the publish came from); Origin -1 means any loop. Send
	// copies what it needs before it returns, so the caller may reuse msgs and their slices at once.
	Send(msgs []Outbound)
}

// Ingest receives captured publishes. Enqueue runs on an event loop: it must copy what it keeps (the
// slices alias the loop's buffers), never block and never touch the disk. hdr is nil when the message
// has no headers; origin identifies the publishing loop for Outbound.Origin.
type Ingest interface {
	Enqueue(subject, reply, hdr, data []byte, origin int)
}

// Request is an API request, copied off the loop.
type Request struct {
	Account string
	Subject string
	Reply   string
	Hdr     []byte // nil when the request has no headers
	Data    []byte
	// More says that another request for the same handler follows at once, on the same goroutine: a
	// handler may put off work that requests share (a consumer delivering what a burst of acks freed)
	// until the run's last request, the one without More, which always comes.
	More bool
	// Run is the same for every request of a run and keeps what the handler puts off; nil for a request
	// handed over alone.
	Run *Run
}

// Run is the handler's record of what a run of requests put off (see Request.More). A Host keeps one per
// goroutine that hands runs over and passes it with each request of a run; only the handler touches
// what it holds, and it leaves it empty at the run's last request.
type Run struct {
	owed []*Consumer // consumers whose acks in the run freed deliveries they have not yet made
}

// Outbound is a message the server publishes for JetStream: an API response, a pub-ack, a direct get.
type Outbound struct {
	Account string
	Subject string // where the message goes: the subscribers of Subject receive it
	// MsgSubject, when set, is the subject the receivers see instead of Subject: a consumer's delivery
	// goes to a pull request's reply subject but carries the stored message's subject, as on nats-server.
	MsgSubject string
	Reply      string // the reply subject the message carries ("" none): a delivery's $JS.ACK subject
	Hdr        []byte // a full NATS/1.0 header block, or nil
	Data       []byte
	Origin     int // the loop to publish from (Ingest's origin), or -1
}
