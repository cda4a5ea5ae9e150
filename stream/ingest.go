package stream

import (
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/reactor-nats/reactor/stream/store"
)

// maxKeptArena is the arena capacity a batch keeps between bursts; a larger one is dropped once a batch
// uses less than a quarter of it, so one burst does not pin its memory for the stream's life.
const maxKeptArena = 4 << 20

// maxPendingBytes bounds what one stream holds for its writer. Publishers faster than the disk (a core
// publish without a reply is never held back by acks) would otherwise grow the batch without bound; past
// it a publish is refused, keeping only its reply subject, and its ack says insufficient resources.
const maxPendingBytes = 64 << 20

// pendingBatch is captured publishes waiting for the writer: their bytes back to back in one arena and
// their offsets. Two of them alternate: loops fill one while the writer stores the other, and both are
// reused, so capturing allocates nothing once they have grown to the traffic.
type pendingBatch struct {
	arena []byte
	msgs  []pendingMsg
}

// pendingMsg locates one publish in its batch's arena: subject, reply, headers and payload, in that
// order from off. hdrLen is -1 when the publish had no headers.
type pendingMsg struct {
	off                        int
	subjLen, replyLen, dataLen int32
	hdrLen                     int32
	origin                     int32
	refused                    bool // the batch was full: only subject and reply were kept
}

func (b *pendingBatch) add(subject, reply, hdr, data []byte, origin, maxPending int) {
	m := pendingMsg{off: len(b.arena), subjLen: int32(len(subject)), replyLen: int32(len(reply)),
		dataLen: int32(len(data)), hdrLen: -1, origin: int32(origin)}
	b.arena = append(b.arena, subject...)
	b.arena = append(b.arena, reply...)
	if len(b.arena)+len(hdr)+len(data) > maxPending {
		m.dataLen, m.refused = 0, true
		b.msgs = append(b.msgs, m)
		return
	}
	if hdr != nil {
		m.hdrLen = int32(len(hdr))
		b.arena = append(b.arena, hdr...)
	}
	b.arena = append(b.arena, data...)
	b.msgs = append(b.msgs, m)
}

// msg returns the parts of publish i; they alias the arena and die with the next reset.
func (b *pendingBatch) msg(i int) (subject, reply, hdr, data []byte, origin int) {
	m := &b.msgs[i]
	p := m.off
	subject = b.arena[p : p+int(m.subjLen)]
	p += int(m.subjLen)
	reply = b.arena[p : p+int(m.replyLen)]
	p += int(m.replyLen)
	if m.hdrLen >= 0 {
		hdr = b.arena[p : p+int(m.hdrLen) : p+int(m.hdrLen)]
		p += int(m.hdrLen)
	}
	data = b.arena[p : p+int(m.dataLen) : p+int(m.dataLen)]
	return subject, reply, hdr, data, int(m.origin)
}

func (b *pendingBatch) reset() {
	if cap(b.arena) > maxKeptArena && len(b.arena) < cap(b.arena)/4 {
		b.arena = nil
	} else {
		b.arena = b.arena[:0]
	}
	b.msgs = b.msgs[:0]
}

// ingest holds the pending batch and runs the stream's writer goroutine while there is work: Enqueue
// starts it when it finds none running, and it ends when it finds the pending batch empty. Both
// decisions are made under mu, so a publish is never left without a writer.
type ingest struct {
	mu         sync.Mutex
	pending    *pendingBatch // filled by Enqueue, under mu
	spare      *pendingBatch // the writer's: the batch being stored, or the one it stored last
	running    bool          // a writer goroutine exists
	maxPending int           // bytes the pending batch may hold: maxPendingBytes (tests set less)
	stopped    bool          // Stop was called: publishes are no longer accepted
	done       sync.WaitGroup

	results  []pubResult       // the writer's, reused: what became of each publish of the batch it stores
	acks     []Outbound        // the writer's, reused: the pub-acks of a batch (Host.Send copies them)
	ackBytes []byte            // the writer's, reused: the acks' JSON, back to back
	subjects map[string]string // the writer's: subjects seen lately, so a busy subject is one string
}

// maxKeptSubjects bounds the writer's subject strings; past it they are forgotten all at once.
const maxKeptSubjects = 1024

// subjectString returns subject as a string, the same one for the same subject while it is kept, so
// that storing a message on a busy subject allocates no string for it.
func (in *ingest) subjectString(subject []byte) string {
	if s, ok := in.subjects[string(subject)]; ok {
		return s
	}
	if in.subjects == nil || len(in.subjects) >= maxKeptSubjects {
		in.subjects = make(map[string]string, 64)
	}
	s := string(subject)
	in.subjects[s] = s
	return s
}

func (in *ingest) init() {
	in.pending, in.spare = new(pendingBatch), new(pendingBatch)
	in.maxPending = maxPendingBytes
}

// Enqueue copies a captured publish into the pending batch; it runs on the publisher's event loop and
// never blocks beyond the copy nor touches the disk.
func (s *Stream) Enqueue(subject, reply, hdr, data []byte, origin int) {
	in := &s.in
	in.mu.Lock()
	if in.stopped {
		in.mu.Unlock()
		return
	}
	in.pending.add(subject, reply, hdr, data, origin, in.maxPending)
	start := !in.running
	if start {
		in.running = true
		in.done.Add(1)
	}
	in.mu.Unlock()
	if start {
		go s.write()
	}
}

// take swaps the pending batch for the spare one and returns it; nil (and the writer must end) when
// nothing is pending.
func (in *ingest) take() *pendingBatch {
	in.mu.Lock()
	defer in.mu.Unlock()
	b := in.pending
	if len(b.msgs) == 0 {
		in.running = false
		in.done.Done()
		return nil
	}
	in.pending, in.spare = in.spare, b
	return b
}

// stop refuses further publishes and waits until the writer has stored everything already accepted.
func (in *ingest) stop() {
	in.mu.Lock()
	in.stopped = true
	in.mu.Unlock()
	in.done.Wait()
}

// write is the stream's writer goroutine: batch after batch until none is pending.
func (s *Stream) write() {
	for {
		b := s.in.take()
		if b == nil {
			return
		}
		s.storeBatch(b)
		b.reset()
	}
}

// storeBatch applies each publish of b in order, hands the store's writes to the OS (one Flush), and
// only then acknowledges the batch in one Host.Send: an ack never precedes its message reaching the OS.
func (s *Stream) storeBatch(b *pendingBatch) {
	results := s.in.results[:0]
	for i := range b.msgs {
		if b.msgs[i].refused {
			results = append(results, pubResult{err: ErrInsufficientResource})
			continue
		}
		subject, _, hdr, data, _ := b.msg(i)
		s.mu.Lock()
		res, _ := s.apply(&entry{kind: entryMsg, subject: s.in.subjectString(subject), hdr: hdr, data: data,
			ts: time.Now().UnixNano()})
		if res.pub.takenBack {
			failAbove(results, s.takenBack(), ErrStorageExceeded)
		}
		s.mu.Unlock()
		results = append(results, res.pub)
	}
	if err := s.store.Flush(); err != nil {
		s.mu.Lock()
		kept := s.takenBack()
		s.mu.Unlock()
		ackErr := ErrStorageExceeded
		if !errors.Is(err, store.ErrNoSpace) {
			// The store keeps what it could not flush, but nothing says it reached the OS: no ack claims it.
			s.logger().Error().Err(err).Str("stream", s.name).Msg("flush")
			kept, ackErr = 0, storeFailed(err)
		}
		failAbove(results, kept, ackErr)
	}
	s.sendAcks(b, results)
	s.in.results = results
	s.notifyConsumers()
}

// failAbove turns the acks of messages above kept into ackErr: the store no longer holds them.
func failAbove(results []pubResult, kept uint64, ackErr *APIError) {
	for i := range results {
		if r := &results[i]; r.err == nil && r.seq > kept {
			*r = pubResult{err: ackErr}
		}
	}
}

// sendAcks sends the pub-ack of every publish in b that has a reply, from the loop it came from; a
// no_ack stream sends none. The acks' JSON and the Outbound list are reused from batch to batch (Send
// copies what it keeps); the reply subjects are one string per batch, as an Outbound holds a string.
func (s *Stream) sendAcks(b *pendingBatch, results []pubResult) {
	s.mu.Lock()
	noAck := s.cfg.NoAck
	s.mu.Unlock()
	if noAck {
		return
	}
	n, replyBytes := 0, 0
	for i := range b.msgs {
		if l := int(b.msgs[i].replyLen); l > 0 {
			n++
			replyBytes += l
		}
	}
	if n == 0 {
		return
	}
	var replies strings.Builder // one string holds every reply subject: one allocation per batch
	replies.Grow(replyBytes)
	for i := range b.msgs {
		_, reply, _, _, _ := b.msg(i)
		replies.Write(reply)
	}
	subjects := replies.String()
	acks, buf := s.in.acks[:0], s.in.ackBytes[:0]
	account := s.acct.Name()
	for i, off := 0, 0; i < len(b.msgs); i++ {
		_, reply, _, _, origin := b.msg(i)
		if len(reply) == 0 {
			continue
		}
		start := len(buf)
		buf = s.appendAck(buf, results[i])
		acks = append(acks, Outbound{Account: account, Subject: subjects[off : off+len(reply)], Data: buf[start:],
			Origin: origin})
		off += len(reply)
	}
	// buf may have moved as it grew: point each ack at its bytes in the final buffer.
	for i, at := 0, 0; i < len(acks); i++ {
		n := len(acks[i].Data)
		acks[i].Data = buf[at : at+n : at+n]
		at += n
	}
	s.acct.mgr.host.Send(acks)
	clear(acks) // drop the strings and the buffer's aliases until the next batch
	s.in.acks, s.in.ackBytes = acks[:0], buf[:0]
}
