package bench

import (
	"fmt"
	"strings"
	"time"
)

// The targets the JetStream section states beside each ratio (issue 9): reactor publishes at least as fast
// as nats-server, and recovers a stream no slower and in no more memory.
const (
	jsPublishTarget  = "≥ 1.0"
	jsRecoveryTarget = "≤ 1.0"
)

// JetStreamSection is the report's section on the JetStream rows and the recovery section; empty when
// neither ran.
func (r Report) JetStreamSection() string {
	rows := r.rows(jetStreamRows)
	if len(rows) == 0 && r.Recovery == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n## JetStream\n\n")
	if len(rows) > 0 {
		fmt.Fprintf(&b, "A pair of servers of their own, both started with `-js -sd DIR` on a fresh store directory made for the "+
			"run (removed at its end) and otherwise default limits, serves these rows. Each run creates a stream of its "+
			"own (one subject, limits retention, no limits set), publishes one untimed message, then the timed ones, "+
			"checks with STREAM.INFO that the stream holds every message, and deletes the stream. One nats.go "+
			"connection publishes through the `jetstream` package: *async* with PublishAsync and at most %s acks "+
			"outstanding, timed from the first publish until every ack has arrived; *sync* with Publish, one at a time, "+
			"each waiting for its ack, with percentiles over every publish. Ratio is %s / %s; the target is %s.\n\n",
			formatCount(AsyncWindow), r.Subject, r.Baseline, jsPublishTarget)
		b.WriteString(consumerNote(rows))
		b.WriteString(r.jetStreamTable(rows))
	}
	if r.Recovery != nil {
		fmt.Fprintf(&b, "\n### Recovery of a stream of %s messages of %d B\n\n",
			formatCount(float64(r.Recovery.Msgs)), r.Recovery.Payload)
		b.WriteString(r.Recovery.Describe(r.Subject, r.Baseline))
		b.WriteString("\n")
		b.WriteString(r.Recovery.Table(r.Subject, r.Baseline, r.Reps))
	}
	return b.String()
}

// consumerNote says how the consumer and KV rows among rows measure; empty when there are none.
func consumerNote(rows []RowResult) string {
	streamMsgs, kv := 0, false
	for _, rr := range rows {
		if rr.Row.Kind.Consumes() {
			streamMsgs = rr.Row.Stream
		}
		kv = kv || rr.Row.Kind == KVPut || rr.Row.Kind == KVGet
	}
	var b strings.Builder
	if streamMsgs > 0 {
		fmt.Fprintf(&b, "The consumer rows read a file stream of %s messages of 128 B that each server fills once per run of the "+
			"matrix (untimed, by async publish) and keeps; each run makes a durable consumer of its own (explicit acks, "+
			"the servers' other defaults, so at most 1,000 acks pending), reads from the stream's first message and "+
			"deletes the consumer, after checking that its ack floor reached every message read. *Pull consume* does what "+
			"`nats bench js consume --batch %d` does: nats.go's Consume with a callback, at most %d messages asked for "+
			"at a time, each message acknowledged with Ack (no reply awaited), timed from the Consume call to the last "+
			"message. *Push consume* subscribes to a deliver subject, then makes a push consumer delivering to it, and acks "+
			"each message the same way, timed from the consumer's creation to the last message. *Ack round trips* fetches "+
			"one message at a time (Next) and acknowledges each with DoubleAck, an ack the server answers: the rate is of "+
			"fetch-and-ack cycles, two round trips each, and the percentiles are of the cycles.\n\n",
			formatCount(float64(streamMsgs)), PullBatch, PullBatch)
	}
	if kv {
		b.WriteString("The KV rows do what `nats bench kv put` and `nats bench kv get` do: a bucket made for the run (file storage, " +
			"history 1), one key per message, each Put or Get waiting for its answer (Get is a direct get, as nats.go " +
			"asks for on a bucket it made); the get row's keys are put first, untimed, by async publish.\n\n")
	}
	return b.String()
}

// jetStreamTable has one line per JetStream publish row: rate and, for sync rows, round-trip percentiles.
func (r Report) jetStreamTable(rows []RowResult) string {
	a, z := r.Subject, r.Baseline
	t := table{header: []string{"row", a + " msgs/s", a + " MB/s", a + " p99", z + " msgs/s", z + " MB/s", z + " p99",
		"ratio (" + a + "/" + z + ")", "target", "p99 ratio (lower is better)"}}
	for _, rr := range rows {
		sa, sz := rr.Servers[a], rr.Servers[z]
		p99a, p99z, p99ratio := "—", "—", "—"
		if rr.Row.Kind.RoundTrips() {
			p99a, p99z = cell(sa, r.Reps, formatLatency(sa.P99)), cell(sz, r.Reps, formatLatency(sz.P99))
			p99ratio = ratio(sa, sz, float64(sa.P99), float64(sz.P99))
		}
		t.add(rr.Row.Name,
			cell(sa, r.Reps, formatCount(sa.Rate)), cell(sa, r.Reps, fmt.Sprintf("%.1f", sa.MBps)), p99a,
			cell(sz, r.Reps, formatCount(sz.Rate)), cell(sz, r.Reps, fmt.Sprintf("%.1f", sz.MBps)), p99z,
			ratio(sa, sz, sa.Rate, sz.Rate), jsPublishTarget, p99ratio)
	}
	return t.String()
}

// Describe says how the recovery section measures, and that ratios are a over z.
func (rr *RecoveryReport) Describe(a, z string) string {
	return fmt.Sprintf("Each server fills a store of its own once per run of the matrix: started with `-js -sd DIR` on a "+
		"fresh directory, it takes %s messages of %d B into a file stream by async publish (at most %s acks "+
		"outstanding), STREAM.INFO must count them all, and it is stopped with SIGTERM (a clean shutdown; a server "+
		"still running after %.0f s would be killed and the run failed). Each repetition then restarts it on that store "+
		"and measures from exec until STREAM.INFO, asked every %d ms, reports all %s messages, and the server's VmRSS "+
		"(/proc/PID/status) at that moment; it is stopped with SIGTERM again before the next. The store's files are "+
		"in the page cache for both servers. Ratios are %s / %s; the target is %s.\n",
		formatCount(float64(rr.Msgs)), rr.Payload, formatCount(AsyncWindow), shutdownGrace.Seconds(), recoveryPoll.Milliseconds(),
		formatCount(float64(rr.Msgs)), a, z, jsRecoveryTarget)
}

// Table compares a and z: recovery time and RSS with their ratios, and the rate of each one's fill.
func (rr *RecoveryReport) Table(a, z string, reps int) string {
	ra, rz := rr.result(a), rr.result(z)
	t := table{header: []string{"measure", a, z, "ratio (" + a + "/" + z + ")", "target"}}
	value := func(res RecoveryResult, v string) string {
		return cell(Summary{Runs: res.Runs}, reps, v)
	}
	both := ra.OK() && rz.OK()
	t.add("recovery time", value(ra, formatSeconds(ra.Time)), value(rz, formatSeconds(rz.Time)),
		ratioOf(both, float64(ra.Time), float64(rz.Time)), jsRecoveryTarget)
	t.add("RSS after recovery", value(ra, formatMiB(ra.RSS)), value(rz, formatMiB(rz.RSS)),
		ratioOf(both, float64(ra.RSS), float64(rz.RSS)), jsRecoveryTarget)
	fill := func(res RecoveryResult) string {
		if res.FillRate == 0 {
			return "failed"
		}
		return formatCount(res.FillRate) + " msgs/s"
	}
	t.add("fill, once (async publish)", fill(ra), fill(rz),
		ratioOf(ra.FillRate > 0 && rz.FillRate > 0, ra.FillRate, rz.FillRate), "")
	return t.String()
}

// result is the named server's result, or an empty one (no runs) when it has none.
func (rr *RecoveryReport) result(name string) RecoveryResult {
	for _, res := range rr.Servers {
		if res.Server == name {
			return res
		}
	}
	return RecoveryResult{Server: name}
}

// notes are the recovery section's failures and noisy results.
func (rr *RecoveryReport) notes() []string {
	var notes []string
	for _, res := range rr.Servers {
		notes = append(notes, summaryNotes("JetStream recovery, "+res.Server, Summary{Errors: res.Errors, Spread: res.Spread})...)
	}
	return notes
}

// formatSeconds is d in seconds, or milliseconds below one second.
func formatSeconds(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// formatMiB is n bytes in MiB.
func formatMiB(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }
