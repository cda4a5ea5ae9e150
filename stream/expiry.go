package stream

import (
	"time"

	"github.com/rs/zerolog"

	"github.com/reactor-nats/reactor/stream/store"
)

// expiry is the stream's one timer for max_age and per-message TTLs: it is armed for the earliest
// ending the stream knows of, and when it fires an expiry entry removes what has ended and arms it for
// the next. Nothing is ever scanned: the store answers the next TTL ending (NextTTL) and removes by age
// from its front (ExpireBefore). Under the stream's lock.
type expiry struct {
	timer *time.Timer
	at    int64 // unix ns the timer is armed for; 0 when it is not
}

// ageRetry bounds how soon the timer looks again when the oldest message has outlived max_age with a TTL
// of never (it stays at the front, so the front's age no longer says when the next message ends).
const ageRetry = time.Second

// expire removes the messages whose TTL or max_age has ended at now, leaves subject delete markers
// where that emptied a subject (marker.go), and arms the timer for the next ending. It returns how many
// messages went and how many markers were stored.
func (s *Stream) expire(now int64) (removed, marked uint64, err error) {
	var emptied *[]store.Msg
	if s.cfg.SubjectDeleteMarkerTTL > 0 {
		s.emptied = s.emptied[:0]
		emptied = &s.emptied
	}
	removed, err = s.store.ExpireTTL(now, emptied)
	if err == nil && s.cfg.MaxAge > 0 {
		var n uint64
		n, err = s.store.ExpireBefore(now-int64(s.cfg.MaxAge), emptied)
		removed += n
	}
	if err == nil && emptied != nil && len(*emptied) > 0 {
		marked, err = s.writeMarkers(*emptied, now)
		clear(*emptied) // let go of the headers until the next expiry
	}
	s.expiry.at = 0
	next := s.store.NextTTL()
	if s.cfg.MaxAge > 0 {
		if st := s.store.State(); st.Msgs > 0 {
			at := st.FirstTime + int64(s.cfg.MaxAge)
			if at <= now {
				at = now + int64(min(s.cfg.MaxAge, ageRetry))
			}
			if next == 0 || at < next {
				next = at
			}
		}
	}
	if next != 0 {
		s.armAt(next)
	}
	return removed, marked, err
}

// armFor arms the timer for a message just stored at ts with its own ttl (seconds, -1 never, 0 none),
// unless it is armed for an earlier ending already.
func (s *Stream) armFor(ts, ttl int64) {
	var at int64
	switch {
	case ttl > 0:
		at = ts + ttl*int64(time.Second)
	case ttl == 0 && s.cfg.MaxAge > 0:
		at = ts + int64(s.cfg.MaxAge)
	default:
		return
	}
	if s.expiry.at == 0 || at < s.expiry.at {
		s.armAt(at)
	}
}

func (s *Stream) armAt(at int64) {
	if s.stopped {
		return
	}
	s.expiry.at = at
	d := time.Duration(at - time.Now().UnixNano())
	if s.expiry.timer == nil {
		s.expiry.timer = time.AfterFunc(d, s.onExpiry)
	} else {
		s.expiry.timer.Reset(d)
	}
}

// onExpiry runs on the timer's goroutine.
func (s *Stream) onExpiry() {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	res, err := s.apply(&entry{kind: entryExpire, now: time.Now().UnixNano()})
	if err != nil {
		s.logger().Error().Err(err).Str("stream", s.name).Msg("expiry")
	}
	s.flushMarkers(res.marked)
	s.mu.Unlock()
	if res.marked > 0 {
		s.notifyConsumers()
	}
}

// flushMarkers hands the markers an entry stored to the OS, as the writer does with a batch. A store
// that takes them back (a full disk) also takes back the writer's unflushed publishes, and its next
// Flush tells the writer so. Under mu.
func (s *Stream) flushMarkers(marked uint64) {
	if marked == 0 {
		return
	}
	if err := s.store.Flush(); err != nil {
		s.logger().Error().Err(err).Str("stream", s.name).Msg("flush of subject delete markers")
		s.takenBack()
	}
}

func (e *expiry) stop() {
	if e.timer != nil {
		e.timer.Stop()
	}
	e.at = 0
}

func (s *Stream) logger() *zerolog.Logger { return &s.acct.mgr.opts.Logger }
