package stream_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// nats.go's per-key TTLs and limit markers (KeyValueConfig.LimitMarkerTTL, KeyTTL, PurgeTTL): a key that
// outlives its TTL leaves a marker a watcher sees as a purge, Get then says the key is not found, Create
// succeeds over the marker, and a purge's own TTL ends without a marker; held to the reference.
func TestKeyValueTTLAndLimitMarkersMatchReference(t *testing.T) {
	t.Parallel()
	sameSessionOnBoth(t, func(nc *nats.Conn, js jetstream.JetStream) string { return kvTTLSession(t, nc, js) })
}

func kvTTLSession(t *testing.T, nc *nats.Conn, js jetstream.JetStream) string {
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	log := &sessionLog{t: t}
	say, fail := log.say, log.fail
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "T", LimitMarkerTTL: 2 * time.Second})
	if err != nil {
		return fail(err)
	}
	st, err := kv.Status(ctx)
	if err != nil {
		return fail(err)
	}
	cfg := st.(*jetstream.KeyValueBucketStatus).StreamInfo().Config
	say("status: ttl %v marker ttl %v history %d compressed %v; stream allow_msg_ttl %v marker ttl %v "+
		"max_msgs_per_subject %d discard %v deny_delete %v allow_direct %v", st.TTL(), st.LimitMarkerTTL(),
		st.History(), st.IsCompressed(), cfg.AllowMsgTTL, cfg.SubjectDeleteMarkerTTL, cfg.MaxMsgsPerSubject,
		cfg.Discard, cfg.DenyDelete, cfg.AllowDirect)

	w, err := kv.WatchAll(ctx)
	if err != nil {
		return fail(err)
	}
	defer w.Stop()
	nextWatched := func() string {
		select {
		case e := <-w.Updates():
			if e == nil {
				return "initial values done"
			}
			return fmt.Sprintf("%s %d %s %q", e.Key(), e.Revision(), e.Operation(), e.Value())
		case <-ctx.Done():
			t.Error("watch: nothing more")
			return "nothing"
		}
	}
	say("watch: %s", nextWatched())

	// Each change is watched before the next, so that a rollup never overtakes a delivery.
	rev, err := kv.Create(ctx, "a", []byte("1"), jetstream.KeyTTL(time.Second))
	say("create a with a 1s TTL: %d %v; watch: %s", rev, err, nextWatched())
	_, err = kv.Create(ctx, "a", []byte("1"))
	say("create a again: key exists %v (%v)", errors.Is(err, jetstream.ErrKeyExists), err)
	rev, err = kv.Put(ctx, "b", []byte("2"))
	say("put b: %d %v; watch: %s", rev, err, nextWatched())
	err = kv.Purge(ctx, "b", jetstream.PurgeTTL(time.Second))
	say("purge b with a 1s TTL: %v; watch: %s", err, nextWatched())
	rev, err = kv.Put(ctx, "c", []byte("3"))
	say("put c: %d %v; watch: %s", rev, err, nextWatched())
	err = kv.Delete(ctx, "c")
	say("delete c: %v; watch: %s", err, nextWatched())
	// a's TTL ends: its marker reaches the watcher as a purge; b's purge ends with no marker.
	say("watch: %s", nextWatched())
	// Watch the stream rather than b's history: a History that starts while b's purge is ending may
	// count it pending and then never see it.
	waitUntil(t, ctx, "b's purge to end", func() bool {
		s, err := js.Stream(ctx, "KV_T")
		return err == nil && s.CachedInfo().State.Msgs == 2 && s.CachedInfo().State.LastSeq == 6
	})
	for _, key := range []string{"a", "b", "c"} {
		e, err := kv.Get(ctx, key)
		say("get %s: %v %v", key, e != nil, err)
		history, err := kv.History(ctx, key)
		var revs []string
		for _, e := range history {
			revs = append(revs, fmt.Sprintf("%d %s", e.Revision(), e.Operation()))
		}
		say("history of %s: %v %v", key, revs, err)
	}
	keys, err := kv.Keys(ctx)
	say("keys: %v %v", keys, err)
	rev, err = kv.Create(ctx, "a", []byte("again"))
	say("create a over its marker: %d %v", rev, err)
	say("watch: %s", nextWatched())
	_, err = kv.Update(ctx, "a", []byte("x"), 1)
	say("update a at an old revision: %v", err)
	st, err = kv.Status(ctx)
	if err != nil {
		return fail(err)
	}
	say("status: values %d bytes %d", st.Values(), st.Bytes())

	// Without LimitMarkerTTL a bucket refuses per-key TTLs; with a history above one a key's TTL below
	// the marker TTL is raised to it.
	plain, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "P"})
	if err != nil {
		return fail(err)
	}
	_, err = plain.Create(ctx, "k", []byte("v"), jetstream.KeyTTL(time.Second))
	say("per-key TTL without markers: %v", err)
	say("purge TTL without markers: %v", plain.Purge(ctx, "k", jetstream.PurgeTTL(time.Second)))
	deep, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "H", History: 5, LimitMarkerTTL: 5 * time.Second})
	if err != nil {
		return fail(err)
	}
	_, err = deep.Create(ctx, "k", []byte("v"), jetstream.KeyTTL(time.Second))
	say("create with a TTL below the marker TTL: %v\n%s", err, storedMsgs(t, nc, "KV_H"))
	return log.String()
}
