package reactor

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// LameDuck takes the server out of service gently, as nats-server's lame duck mode does (SIGUSR2):
//
//  1. it stops accepting connections;
//  2. clients that take asynchronous INFO (protocol 1) get one with "ldm":true, which tells them to find
//     another server (nats.go calls its lame duck handler);
//  3. after the grace period it closes the clients, spread evenly over what remains of the lame duck
//     duration (at most one a second apart, batched when there are more clients than the time allows);
//  4. it shuts the server down.
//
// LameDuck returns when the server has stopped. Shutdown, called meanwhile, cuts it short.
func (s *Server) LameDuck() {
	if s.lameDuck.Swap(true) || s.stopped.Load() {
		<-s.done
		return
	}
	select {
	case <-s.ready:
	case <-s.done:
		return
	}
	opts := s.Options()
	s.log.Info().Str("duration", opts.LameDuckDuration.String()).Str("grace", opts.LameDuckGracePeriod.String()).
		Msg("Entering lame duck mode, stop accepting new clients")
	if err := s.stopAccepting(); err != nil {
		s.log.Error().Err(err).Msg("lame duck: cannot stop accepting; new clients are closed on accept")
	}
	s.announceLameDuck()
	if s.NumClients() == 0 { // nobody to warn or wait for, as nats-server sees it
		s.Shutdown()
		return
	}

	select {
	case <-time.After(opts.LameDuckGracePeriod):
	case <-s.done:
		return
	}
	s.closeSpread(opts.LameDuckDuration - opts.LameDuckGracePeriod)
	s.Shutdown()
}

// InLameDuckMode reports whether LameDuck has begun.
func (s *Server) InLameDuckMode() bool { return s.lameDuck.Load() }

// announceLameDuck switches INFO to ldm:true (newInfo reads lameDuck) and sends it to every client that
// reads asynchronous INFO, and to the peers.
func (s *Server) announceLameDuck() {
	s.refreshInfo(true)
	s.announceLameDuckToPeers()
}

// closeSpread closes every client, oldest first, spread over dur.
func (s *Server) closeSpread(dur time.Duration) {
	var all []*client
	s.onEveryLoop(func(l *loop, _ time.Time) {
		for _, c := range l.clients {
			if c.kind == kindClient && !c.closing {
				all = append(all, c)
			}
		}
	})
	if len(all) == 0 {
		return
	}
	sort.Slice(all, func(i, j int) bool { return all[i].cid < all[j].cid }) // cid is immutable: safe to read
	dur = max(dur, time.Second)
	gap := dur / time.Duration(len(all))
	batch := 1
	if gap < time.Millisecond {
		// More clients than milliseconds: close them in batches rather than sleep for nothing between each.
		batch = len(all)/int(dur/time.Millisecond) + 1
		gap = time.Millisecond
	}
	gap = min(gap, time.Second)
	for i, c := range all {
		_ = c.loop.el.Execute(context.Background(), gnet.RunnableFunc(func(context.Context) error {
			c.setReason(reasonServerShutdown)
			if !c.gone() {
				c.closeWithErr(nil)
				c.loop.endCallback()
			}
			return nil
		}))
		if (i+1)%batch == 0 && i+1 < len(all) {
			select {
			case <-time.After(gap):
			case <-s.done:
				return
			}
		}
	}
}

// stopAccepting closes the listeners to new connections, once the first tick has found them.
func (s *Server) stopAccepting() error {
	select {
	case <-s.acceptorKnown:
		// Routes keep being accepted, as nats-server keeps its cluster port open in lame duck mode: peers
		// must still be able to reach the server they hold clients' interest for.
		fds, err := s.acceptor.take(func(port int) bool { return s.cluster != nil && port == s.cluster.port })
		if len(fds) > 0 {
			go refuse(fds, s.refuserStop, s.refuserDone)
		} else {
			close(s.refuserDone)
		}
		return err
	case <-time.After(5 * time.Second):
		return errors.New("gnet's acceptor was never found")
	}
}
