package reactor

import (
	"github.com/reactor-nats/reactor/codec"
)

// trace logs one inbound op (-V). Only called when tracing is on: it formats.
func (c *client) trace(op *codec.Op) {
	ev := c.srv.log.Trace().Uint64("cid", c.cid).Str("op", op.Kind.String())
	if op.Subject != nil {
		ev = ev.Bytes("subject", op.Subject)
	}
	if op.Reply != nil {
		ev = ev.Bytes("reply", op.Reply)
	}
	if op.Queue != nil {
		ev = ev.Bytes("queue", op.Queue)
	}
	if op.Sid != nil {
		ev = ev.Bytes("sid", op.Sid)
	}
	if op.Arg != nil {
		ev = ev.Bytes("arg", op.Arg)
	}
	if op.Payload != nil {
		ev = ev.Int("size", len(op.Payload))
	}
	ev.Msg("<<-")
}
