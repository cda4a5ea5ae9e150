package reactor

import (
	"context"
	"sync"

	"github.com/panjf2000/gnet/v2"

	"github.com/reactor-nats/reactor/auth"
)

// Checking credentials is slow (bcrypt takes tens of milliseconds by design; an ed25519 verification tens
// of microseconds) and must never hold up a loop: a loop hands the CONNECT to this pool and goes on serving
// its other connections; a worker decides and posts the answer back to the connection's loop.
//
// The pool has a fixed number of workers. Its queue is a slice under a mutex rather than a channel, so that
// submitting never blocks a loop; it holds at most one job per connection, so it is bounded by the number of
// connections.

type authJob struct {
	c       *client
	a       *auth.Authenticator
	req     auth.Request
	recheck bool // an admitted client re-checked after a reload
}

type authPool struct {
	mu     sync.Mutex
	cond   sync.Cond
	queue  []*authJob
	closed bool
	wg     sync.WaitGroup
}

func (p *authPool) start(workers int) {
	p.cond.L = &p.mu
	for range workers {
		p.wg.Add(1)
		go p.work()
	}
}

// submit queues a job. Safe from any goroutine; never blocks on the workers.
func (p *authPool) submit(j *authJob) {
	p.mu.Lock()
	p.queue = append(p.queue, j)
	p.mu.Unlock()
	p.cond.Signal()
}

// stop ends the workers once they finish the job in hand; queued jobs are dropped (their connections are
// being closed by the shutdown).
func (p *authPool) stop() {
	p.mu.Lock()
	p.closed = true
	p.queue = nil
	p.mu.Unlock()
	p.cond.Broadcast()
	p.wg.Wait()
}

func (p *authPool) work() {
	defer p.wg.Done()
	for {
		p.mu.Lock()
		for len(p.queue) == 0 && !p.closed {
			p.cond.Wait()
		}
		if p.closed {
			p.mu.Unlock()
			return
		}
		j := p.queue[0]
		p.queue[0] = nil
		p.queue = p.queue[1:]
		p.mu.Unlock()

		grant, err := j.a.Authenticate(&j.req)
		c, recheck := j.c, j.recheck
		_ = c.loop.el.Execute(context.Background(), gnet.RunnableFunc(func(context.Context) error {
			if recheck {
				c.finishRecheck(grant, err)
			} else {
				c.finishAuth(grant, err)
			}
			return nil
		}))
	}
}
