package reactor

import (
	"context"
	"time"

	"github.com/panjf2000/gnet/v2"

	"github.com/reactor-nats/reactor/codec"
)

// tickInterval is how often loops sweep their connections: often enough that a PING is at most a quarter of
// ping_interval late, never more than once a second nor busier than every 10ms.
func (s *Server) tickInterval() time.Duration {
	return min(time.Second, max(10*time.Millisecond, s.opts.PingInterval/4))
}

func (l *loop) sweepTask(now int64) gnet.Runnable {
	return gnet.RunnableFunc(func(context.Context) error {
		l.sweep(now)
		return nil
	})
}

// sweep sends the PINGs that are due and closes connections that left ping_max PINGs unanswered with
// 'Stale Connection'. As in nats-server, a client that sent anything within the last interval is not
// pinged (its activity shows it is alive), except for the very first PING; traffic to the client does not
// count. It runs on the loop.
func (l *loop) sweep(now int64) {
	interval := int64(l.srv.opts.PingInterval)
	maxOut := l.srv.opts.MaxPingsOut
	// Backwards, because closing a client moves the last one into its slot.
	for i := len(l.clients) - 1; i >= 0; i-- {
		if i >= len(l.clients) {
			continue
		}
		c := l.clients[i]
		if c.closing || c.kind != kindClient || now < c.nextPing {
			continue
		}
		c.nextPing = now + interval
		if c.rttPinged && now-c.lastInput < interval {
			continue
		}
		c.rttPinged = true
		if c.pingsOut+1 > maxOut {
			c.srv.log.Debug().Uint64("cid", c.cid).Str("ip", c.host).Msg("Stale Client Connection - Closing")
			c.closeWithErr(codec.ErrStaleConnection)
			continue
		}
		c.pingsOut++
		c.queue(codec.PING)
	}
	l.endCallback()
}
