package stream_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// The rest of nats.go's KeyValue held to the reference: Create over a deleted or purged key, Update at a
// wrong revision, a value beyond MaxValueSize, a compressed bucket's Status, ListKeysFiltered, the watch
// options (IncludeHistory, IgnoreDeletes, MetaOnly, ResumeFromRevision, several keys), GetRevision and
// PurgeDeletes with and without DeleteMarkersOlderThan.
func TestKeyValueAPIMatchesReference(t *testing.T) {
	t.Parallel()
	sameSessionOnBoth(t, func(nc *nats.Conn, js jetstream.JetStream) string { return kvAPISession(t, js) })
}

func kvAPISession(t *testing.T, js jetstream.JetStream) string {
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	log := &sessionLog{t: t}
	say, fail := log.say, log.fail
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "A", Description: "api", History: 3,
		TTL: time.Hour, MaxValueSize: 100, MaxBytes: 1 << 20, Compression: true, Storage: jetstream.MemoryStorage})
	if err != nil {
		return fail(err)
	}
	status := func(what string) {
		st, err := kv.Status(ctx)
		if err != nil {
			say("status %s: %v", what, err)
			return
		}
		cfg := st.(*jetstream.KeyValueBucketStatus).StreamInfo().Config
		say("status %s: bucket %s values %d history %d ttl %v store %s bytes %d compressed %v marker ttl %v; "+
			"stream compression %v max_msg_size %d max_bytes %d max_age %v storage %v description %q",
			what, st.Bucket(), st.Values(), st.History(), st.TTL(), st.BackingStore(), st.Bytes(),
			st.IsCompressed(), st.LimitMarkerTTL(), cfg.Compression, cfg.MaxMsgSize, cfg.MaxBytes, cfg.MaxAge,
			cfg.Storage, cfg.Description)
	}
	status("new")
	rev := func(what string) func(uint64, error) {
		return func(r uint64, err error) { say("%s: %d %v", what, r, err) }
	}
	rev("put a")(kv.PutString(ctx, "a", "a1"))
	rev("put b")(kv.PutString(ctx, "b", "b1"))
	rev("put c.x")(kv.PutString(ctx, "c.x", "x1"))
	rev("put c.y")(kv.PutString(ctx, "c.y", "y1"))
	rev("put c.x")(kv.PutString(ctx, "c.x", "x2"))
	rev("put too large")(kv.PutString(ctx, "big", strings.Repeat("v", 101)))
	say("delete a: %v", kv.Delete(ctx, "a"))
	rev("create a over its delete")(kv.Create(ctx, "a", []byte("a2")))
	say("purge b: %v", kv.Purge(ctx, "b"))
	rev("create b over its purge")(kv.Create(ctx, "b", []byte("b2")))
	r, err := kv.Update(ctx, "c.x", []byte("x3"), 3)
	var apiErr *jetstream.APIError
	errors.As(err, &apiErr)
	say("update c.x at revision 3: %d %v (%+v)", r, err, apiErr)
	rev("update c.x at revision 5")(kv.Update(ctx, "c.x", []byte("x3"), 5))
	e, err := kv.GetRevision(ctx, "c.x", 3)
	if err == nil {
		say("c.x at revision 3: %q %s", e.Value(), e.Operation())
	}
	_, err = kv.GetRevision(ctx, "c.x", 4)
	say("c.x at revision 4 (c.y's): %v", err)
	status("after changes")

	lister, err := kv.ListKeysFiltered(ctx, "c.*")
	if err != nil {
		return fail(err)
	}
	var keys []string
	for k := range lister.Keys() {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	say("keys c.*: %v", keys)

	watch := func(what string, keys []string, opts ...jetstream.WatchOpt) {
		var w jetstream.KeyWatcher
		var err error
		if len(keys) == 1 {
			w, err = kv.Watch(ctx, keys[0], opts...)
		} else {
			w, err = kv.WatchFiltered(ctx, keys, opts...)
		}
		if err != nil {
			say("watch %s: %v", what, err)
			return
		}
		defer w.Stop()
		var seen []string
		for {
			select {
			case e := <-w.Updates():
				if e == nil {
					say("watch %s: %s", what, strings.Join(seen, ", "))
					return
				}
				seen = append(seen, fmt.Sprintf("%s@%d %s %q delta %d", e.Key(), e.Revision(), e.Operation(), e.Value(), e.Delta()))
			case <-ctx.Done():
				say("watch %s: stopped after %v", what, seen)
				return
			}
		}
	}
	watch("c.* with history", []string{"c.*"}, jetstream.IncludeHistory())
	watch("all ignoring deletes", []string{">"}, jetstream.IgnoreDeletes())
	watch("all meta only", []string{">"}, jetstream.MetaOnly())
	watch("all from revision 9", []string{">"}, jetstream.ResumeFromRevision(9))
	watch("a and c.y", []string{"a", "c.y"})

	say("delete c.y: %v", kv.Delete(ctx, "c.y"))
	say("purge deletes keeping recent markers: %v", kv.PurgeDeletes(ctx))
	history, err := kv.History(ctx, "c.y")
	say("history of c.y: %d entries %v", len(history), err)
	say("purge deletes older than -1: %v", kv.PurgeDeletes(ctx, jetstream.DeleteMarkersOlderThan(-1)))
	_, err = kv.History(ctx, "c.y")
	say("history of c.y: %v", err)
	status("after purging deletes")
	return log.String()
}

// What reactor's streams do not offer yet, a bucket cannot ask for: republish, mirrors and sources are
// refused (10052) rather than accepted and ignored.
func TestKeyValueRefusesWhatStreamsLack(t *testing.T) {
	_, js := runJetStream(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "SRC"}); err != nil {
		t.Fatal(err)
	}
	for what, cfg := range map[string]jetstream.KeyValueConfig{
		"stream republish is": {Bucket: "R", RePublish: &jetstream.RePublish{Source: ">", Destination: "re.>"}},
		"stream mirrors are":  {Bucket: "M", Mirror: &jetstream.StreamSource{Name: "SRC"}},
		"stream sources are":  {Bucket: "S", Sources: []*jetstream.StreamSource{{Name: "SRC"}}},
	} {
		_, err := js.CreateKeyValue(ctx, cfg)
		wantAPIError(t, cfg.Bucket, err, 10052, what+" not supported by this server yet")
	}
}
