package reactor

import (
	"context"
	"math/rand/v2"
	"net"
	"net/url"
	"time"

	"github.com/panjf2000/gnet/v2"

	"github.com/reactor-nats/reactor/cluster"
)

// Routes we solicit are dialed off the loops (a blocking connect on a loop would stall every connection on
// it) by a few dialer goroutines, then handed to gnet with Engine.Register, which puts the connection on a
// loop like an accepted one. At most one dial loop runs per address; waits between attempts are timers, so
// a peer that is down costs no goroutine while it stays down.

// Dial timing, as nats-server's: a 1 s connect timeout and 1 s between attempts plus jitter.
const (
	routeDialTimeout = time.Second
	routeRedialDelay = time.Second
	routeDialJitter  = 100 * time.Millisecond
	routeDialers     = 4
)

// dialJob is one route to dial: forever (explicit routes) or for a number of attempts.
type dialJob struct {
	url         *url.URL
	origin      cluster.Origin
	learnedMode int
	forever     bool
	attempts    int
	delay       bool // wait routeRedialDelay before the first attempt (a route that just dropped)
}

// scheduleDial starts dialing job.url unless a dial loop for it already runs or it is ourselves.
func (s *Server) scheduleDial(job dialJob) {
	cs := s.cluster
	key := job.url.Host
	cs.mu.Lock()
	if cs.dialing[key] || cs.self[key] {
		cs.mu.Unlock()
		return
	}
	cs.dialing[key] = true
	cs.mu.Unlock()
	if job.delay {
		s.dialLater(job)
		return
	}
	select { // called from loops too, which must never wait: a full queue hands over from a timer
	case cs.dials <- job:
	default:
		time.AfterFunc(routeDialJitter, func() { s.enqueueDial(job) })
	}
}

func (s *Server) enqueueDial(job dialJob) {
	select {
	case s.cluster.dials <- job:
	case <-s.cluster.stop:
	}
}

// dialLater re-queues job after the redial delay.
func (s *Server) dialLater(job dialJob) {
	wait := routeRedialDelay + time.Duration(rand.Int64N(int64(routeDialJitter)))
	time.AfterFunc(wait, func() { s.enqueueDial(job) })
}

// runDialer starts the dialer goroutines and waits for them to stop.
func (s *Server) runDialer() {
	cs := s.cluster
	defer cs.wg.Done()
	done := make(chan struct{})
	for range routeDialers {
		go func() {
			defer func() { done <- struct{}{} }()
			for {
				select {
				case job := <-cs.dials:
					s.dialOnce(job)
				case <-cs.stop:
					return
				}
			}
		}()
	}
	for range routeDialers {
		<-done
	}
}

// dialOnce makes one attempt at job and decides what comes next: the connection goes to gnet, or the job is
// retried later, or it is given up.
func (s *Server) dialOnce(job dialJob) {
	cs := s.cluster
	key := job.url.Host
	conn, err := net.DialTimeout("tcp", key, routeDialTimeout)
	if err == nil && !s.stopped.Load() {
		// From here the connection answers for the address: if it fails, even before gnet has confirmed
		// the registration, its close redials (leaveMesh), which must find the address free.
		cs.mu.Lock()
		delete(cs.dialing, key)
		cs.mu.Unlock()
		intent := &dialIntent{url: job.url, origin: job.origin, learnedMode: job.learnedMode}
		ctx := gnet.NewNetConnContext(gnet.NewContext(context.Background(), intent), conn)
		res, err := s.eng.Register(ctx)
		if err == nil {
			if r, ok := <-res; ok && r.Err != nil {
				err = r.Err
			}
		} else {
			_ = conn.Close()
		}
		if err == nil || s.stopped.Load() {
			return
		}
		// gnet refused it before any OnOpen: dial again unless someone else already is.
		cs.mu.Lock()
		again := !cs.dialing[key]
		cs.dialing[key] = true
		cs.mu.Unlock()
		if again {
			s.retryDial(job, err)
		}
		return
	}
	if s.stopped.Load() {
		cs.mu.Lock()
		delete(cs.dialing, key)
		cs.mu.Unlock()
		return
	}
	s.retryDial(job, err)
}

// retryDial schedules the next attempt of a job whose attempt failed, or gives it up. The job owns its
// address in cs.dialing until then.
func (s *Server) retryDial(job dialJob, err error) {
	cs := s.cluster
	key := job.url.Host
	s.log.Debug().Str("url", job.url.Redacted()).Err(err).Msg("Error trying to connect to route")
	if !job.forever {
		job.attempts--
		if job.attempts <= 0 {
			cs.mu.Lock()
			delete(cs.dialing, key)
			cs.mu.Unlock()
			return
		}
	}
	s.dialLater(job)
}
