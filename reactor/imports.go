package reactor

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reactor-nats/reactor/auth"
	"github.com/reactor-nats/reactor/subtrie"
)

// Imports join accounts without sharing a subject space. Each is an entry in the index of the account a
// message starts in, owned by a forwarder instead of a subscription: when a publish matches it, the message
// is published again, on the same loop and in the same callback, in the other account under the mapped
// subject. Nothing else crosses between accounts.
//
//   - A stream import (B imports stream S from A): a forwarder on S in A's index republishes into B, under
//     the import's local subject (its prefix or 'to' mapping).
//   - A service import (B imports service S from A, as local subject T): a forwarder on T in B's index
//     republishes requests into A under S. A request's reply subject lives in B, where A's responders cannot
//     publish, so it is replaced by a fresh "_R_." subject with a response forwarder in A's index that
//     carries the answer back to the original reply subject in B: removed after the first answer for a
//     singleton service, or when it expires for streamed and chunked ones.

// maxImportDepth bounds how many imports one message may cross.
const maxImportDepth = 8

// responseTTL is how long a response forwarder waits for its answer (nats-server's default response
// threshold).
const responseTTL = 2 * time.Minute

// streamImport forwards what A publishes on from into B (into) as to.
type streamImport struct {
	into     *account
	from, to string
	entry    subtrie.Subscription
}

func (si *streamImport) forward(c *client, m *message, depth int) int {
	fm := *m
	fm.subject = c.loop.mapSubject(m.subject, si.from, si.to, depth)
	return c.publishIn(si.into, &fm, depth)
}

// serviceImport forwards requests made in its importer on local subject to into as subject.
type serviceImport struct {
	into         *account
	local, to    string
	responseType string
	srv          *Server
	entry        subtrie.Subscription
}

func (si *serviceImport) forward(c *client, m *message, depth int) int {
	fm := *m
	fm.subject = c.loop.mapSubject(m.subject, si.local, si.to, depth)
	var ri *responseImport
	if len(m.reply) > 0 {
		ri = si.srv.responses.open(si.into, c.acct, m.reply, si.responseType != auth.ResponseSingleton)
		if ri == nil {
			return 0
		}
		fm.reply = ri.subject
	}
	n := c.publishIn(si.into, &fm, depth)
	if n == 0 && ri != nil {
		ri.close() // nobody will answer: the requester gets no-responders, and the forwarder goes now
	}
	return n
}

// responseImport carries answers published in the exporting account on a "_R_." subject back to the
// requester's reply subject in the importing account.
type responseImport struct {
	into     *account // the requester's account
	exporter *account // where the "_R_." entry is
	reply    []byte   // the requester's reply subject
	subject  []byte   // the "_R_." subject the exporter's responders answer on (entry.Subject as bytes)
	multi    bool     // streamed or chunked: many answers until it expires
	expires  int64
	done     atomic.Bool // answered (a singleton) or closed: its entry has left the index
	entry    subtrie.Subscription
}

func (ri *responseImport) forward(c *client, m *message, depth int) int {
	if !ri.multi && !ri.done.CompareAndSwap(false, true) {
		return 0 // a singleton service answers once
	}
	fm := *m
	fm.subject = ri.reply
	n := c.publishIn(ri.into, &fm, depth)
	if !ri.multi {
		_ = ri.exporter.subs.Remove(&ri.entry)
	}
	return n
}

// close removes the forwarder before any answer; the expiry sweep then forgets it.
func (ri *responseImport) close() {
	ri.done.Store(true)
	_ = ri.exporter.subs.Remove(&ri.entry)
}

// responseTable tracks open response forwarders so that those never answered are removed when they expire.
type responseTable struct {
	mu      sync.Mutex
	pending []*responseImport
	prefix  string // "_R_.<random>.", unique to this server
	seq     atomic.Uint64
}

func (t *responseTable) init() {
	var b [6]byte
	_, _ = rand.Read(b[:])
	t.prefix = "_R_." + base64.RawURLEncoding.EncodeToString(b[:]) + "."
}

// open makes a response forwarder in exporter for reply in importer; its entry's Subject is the reply
// subject the exporter's responders see. It runs on the requester's loop.
func (t *responseTable) open(exporter, importer *account, reply []byte, multi bool) *responseImport {
	subject := t.prefix + encodeSeq(t.seq.Add(1))
	ri := &responseImport{
		into:     importer,
		exporter: exporter,
		reply:    append([]byte(nil), reply...),
		subject:  []byte(subject),
		multi:    multi,
		expires:  time.Now().Add(responseTTL).UnixNano(),
	}
	ri.entry = subtrie.Subscription{Subject: subject, Owner: ri}
	if err := exporter.subs.Insert(&ri.entry); err != nil {
		return nil
	}
	t.mu.Lock()
	t.pending = append(t.pending, ri)
	t.mu.Unlock()
	return ri
}

// expire removes the forwarders that were answered or have expired. It runs on the ticker goroutine.
func (t *responseTable) expire(now int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	keep := t.pending[:0]
	for _, ri := range t.pending {
		switch {
		case ri.done.Load(): // answered (singleton) or closed
		case now >= ri.expires:
			_ = ri.exporter.subs.Remove(&ri.entry)
		default:
			keep = append(keep, ri)
			continue
		}
	}
	clear(t.pending[len(keep):])
	t.pending = keep
}

func encodeSeq(n uint64) string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	var b [12]byte
	i := len(b)
	for {
		i--
		b[i] = digits[n%62]
		n /= 62
		if n == 0 {
			break
		}
	}
	return string(b[i:])
}

// mapSubject maps a literal subject matched by pattern from onto pattern to: the tokens that from's
// wildcards matched fill to's wildcards, in order (a '>' takes the rest). When from and to are the same the
// subject is returned as it is. The result lives in the loop's scratch buffer for depth (the import depth of
// the message it names, so that a message crossing several imports does not overwrite its own subject)
// until the next call for that depth.
func (l *loop) mapSubject(subject []byte, from, to string, depth int) []byte {
	if from == to {
		return subject
	}
	var captured [16][]byte
	n := 0
	rest := subject
	for ft := range strings.SplitSeq(from, ".") {
		tok, tail, _ := cutSubjectToken(rest)
		switch ft {
		case "*":
			if n < len(captured) {
				captured[n] = tok
				n++
			}
		case ">":
			if n < len(captured) {
				captured[n] = rest
				n++
			}
			tail = nil
		}
		rest = tail
	}
	out := l.scratch[depth][:0]
	k := 0
	first := true
	for tt := range strings.SplitSeq(to, ".") { // SplitSeq, unlike Split, allocates nothing
		if !first {
			out = append(out, '.')
		}
		first = false
		if (tt == "*" || tt == ">") && k < n {
			out = append(out, captured[k]...)
			k++
			continue
		}
		out = append(out, tt...)
	}
	l.scratch[depth] = out
	return out
}

func cutSubjectToken(s []byte) (tok, rest []byte, more bool) {
	for i, b := range s {
		if b == '.' {
			return s[:i], s[i+1:], true
		}
	}
	return s, nil, false
}

// installImports wires spec's imports into the accounts they join. Exporters are looked up (and made, in
// operator mode) by name. An import its exporter does not permit (no such export, not open to the
// importer, or a missing or bad activation token) is left out and logged, as nats-server does.
func (s *Server) installImports(importer *account, spec *auth.AccountSpec) error {
	for _, im := range spec.Imports {
		exporter, err := s.accountNamed(im.Account)
		if err != nil {
			return fmt.Errorf("account %q imports from %q: %w", importer.name, im.Account, err)
		}
		if spec := exporter.cur().spec; spec == nil {
			err = fmt.Errorf("account %s exports nothing", exporter.name)
		} else {
			err = spec.Permits(importer.name, im, time.Now())
		}
		if err != nil {
			s.log.Warn().Str("account", importer.name).Str("subject", im.Subject).Err(err).Msg("import not made")
			continue
		}
		if im.Service {
			si := &serviceImport{into: exporter, local: im.To, to: im.Subject, srv: s,
				responseType: exporter.responseType(im.Subject)}
			si.entry = subtrie.Subscription{Subject: im.To, Owner: si}
			err = importer.subs.Insert(&si.entry)
		} else {
			si := &streamImport{into: importer, from: im.Subject, to: im.To}
			si.entry = subtrie.Subscription{Subject: im.Subject, Owner: si}
			err = exporter.subs.Insert(&si.entry)
		}
		if err != nil {
			return fmt.Errorf("account %q import of %q from %q: %w", importer.name, im.Subject, im.Account, err)
		}
	}
	return nil
}
