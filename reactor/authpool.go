package reactor

import (
	"context"

	"github.com/panjf2000/gnet/v2"

	"github.com/reactor-nats/reactor/auth"
)

// Checking credentials is slow (bcrypt takes tens of milliseconds by design; an ed25519 verification tens
// of microseconds) and must never hold up a loop: a loop hands the CONNECT to this pool and goes on serving
// its other connections; a worker decides and posts the answer back to the connection's loop.
//
// The pool has a fixed number of workers. Its queue holds at most one job per connection, so it is bounded
// by the number of connections.

type authJob struct {
	c       *client
	a       *auth.Authenticator
	req     auth.Request
	recheck bool // an admitted client re-checked after a reload
}

type authPool struct{ workQueue }

// submit queues j. Safe from any goroutine; never blocks.
func (p *authPool) submit(j *authJob) {
	p.workQueue.submit(func() {
		grant, err := j.a.Authenticate(&j.req)
		c := j.c
		_ = c.loop.el.Execute(context.Background(), gnet.RunnableFunc(func(context.Context) error {
			if j.recheck {
				c.finishRecheck(grant, err)
			} else {
				c.finishAuth(grant, err)
			}
			return nil
		}))
	})
}
