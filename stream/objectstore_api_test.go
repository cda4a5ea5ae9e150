package stream_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// The rest of nats.go's ObjectStore held to the reference: a 10 MiB object in 128 KiB chunks got back
// byte-identical, links to an object and to a bucket (and Get through them), UpdateMeta renaming an
// object, Watch, GetInfo and List with deleted objects, Status, and Seal (a stream update to sealed)
// refusing further puts.
func TestObjectStoreAPIMatchesReference(t *testing.T) {
	t.Parallel()
	sameSessionOnBoth(t, func(nc *nats.Conn, js jetstream.JetStream) string { return objectAPISession(t, js) })
}

func objectAPISession(t *testing.T, js jetstream.JetStream) string {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	log := &sessionLog{t: t}
	say, fail := log.say, log.fail
	obs, err := js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: "O", Description: "objects",
		Metadata: map[string]string{"team": "a"}})
	if err != nil {
		return fail(err)
	}
	other, err := js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: "OTHER", Storage: jetstream.MemoryStorage})
	if err != nil {
		return fail(err)
	}
	status := func(what string) {
		st, err := obs.Status(ctx)
		if err != nil {
			say("status %s: %v", what, err)
			return
		}
		say("status %s: bucket %s description %q ttl %v storage %v replicas %d sealed %v size %d store %s "+
			"team %q compressed %v", what, st.Bucket(), st.Description(), st.TTL(), st.Storage(), st.Replicas(),
			st.Sealed(), st.Size(), st.BackingStore(), st.Metadata()["team"], st.IsCompressed())
	}
	status("new")
	describe := func(info *jetstream.ObjectInfo) string {
		link := ""
		if info.Opts != nil && info.Opts.Link != nil {
			link = fmt.Sprintf(" link to %s/%s", info.Opts.Link.Bucket, info.Opts.Link.Name)
		}
		chunkSize := uint32(0)
		if info.Opts != nil {
			chunkSize = info.Opts.ChunkSize
		}
		return fmt.Sprintf("%s in %s: %d bytes in %d chunks of %d, digest %s, deleted %v, description %q%s",
			info.Name, info.Bucket, info.Size, info.Chunks, chunkSize, info.Digest, info.Deleted, info.Description, link)
	}

	w, err := obs.Watch(ctx)
	if err != nil {
		return fail(err)
	}
	defer w.Stop()
	watched := func() string {
		select {
		case info := <-w.Updates():
			if info == nil {
				return "initial values done"
			}
			return fmt.Sprintf("%s deleted %v size %d", info.Name, info.Deleted, info.Size)
		case <-ctx.Done():
			t.Error("object watch: nothing more")
			return "nothing"
		}
	}
	say("watch: %s", watched())

	big := make([]byte, 10<<20)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range big {
		big[i] = byte(rng.Uint32())
	}
	info, err := obs.Put(ctx, jetstream.ObjectMeta{Name: "big", Description: "ten MiB",
		Opts: &jetstream.ObjectMetaOptions{ChunkSize: 128 << 10}}, bytes.NewReader(big))
	if err != nil {
		return fail(err)
	}
	say("put %s; watch: %s", describe(info), watched())
	r, err := obs.Get(ctx, "big")
	if err != nil {
		return fail(err)
	}
	back, err := io.ReadAll(r)
	r.Close()
	say("get big: %d bytes, sha256 same %v (%v)", len(back), sha256.Sum256(back) == sha256.Sum256(big), err)
	small, err := obs.PutString(ctx, "small", "hello")
	if err != nil {
		return fail(err)
	}
	say("put %s; watch: %s", describe(small), watched())
	if _, err := other.PutString(ctx, "elsewhere", "there"); err != nil {
		return fail(err)
	}

	link, err := obs.AddLink(ctx, "to-small", small)
	if err != nil {
		return fail(err)
	}
	say("link %s; watch: %s", describe(link), watched())
	s, err := obs.GetString(ctx, "to-small")
	say("get through the link: %q %v", s, err)
	_, err = obs.AddLink(ctx, "to-link", link)
	say("link to a link: %v", err)
	bucketLink, err := obs.AddBucketLink(ctx, "to-other", other)
	if err != nil {
		return fail(err)
	}
	say("bucket link %s; watch: %s", describe(bucketLink), watched())
	_, err = obs.Get(ctx, "to-other")
	say("get a bucket link: %v", err)

	err = obs.UpdateMeta(ctx, "small", jetstream.ObjectMeta{Name: "renamed", Description: "was small"})
	say("rename small: %v; watch: %s", err, watched())
	s, err = obs.GetString(ctx, "renamed")
	say("get renamed: %q %v", s, err)
	_, err = obs.Get(ctx, "small")
	say("get small: not found %v", errors.Is(err, jetstream.ErrObjectNotFound))
	err = obs.UpdateMeta(ctx, "renamed", jetstream.ObjectMeta{Name: "big"})
	say("rename onto an existing name: %v", err)

	say("delete big: %v; watch: %s", obs.Delete(ctx, "big"), watched())
	_, err = obs.GetInfo(ctx, "big")
	say("info big: not found %v", errors.Is(err, jetstream.ErrObjectNotFound))
	if info, err = obs.GetInfo(ctx, "big", jetstream.GetObjectInfoShowDeleted()); err == nil {
		say("info big showing deleted: %s", describe(info))
	}
	for _, opts := range [][]jetstream.ListObjectsOpt{nil, {jetstream.ListObjectsShowDeleted()}} {
		list, err := obs.List(ctx, opts...)
		var names []string
		for _, o := range list {
			names = append(names, fmt.Sprintf("%s(deleted %v)", o.Name, o.Deleted))
		}
		say("list (%d options): %v %v", len(opts), names, err)
	}
	status("before sealing")

	say("seal: %v", obs.Seal(ctx))
	status("sealed")
	_, err = obs.PutString(ctx, "late", "x")
	say("put into a sealed bucket: %v", err)
	say("delete from a sealed bucket: %v", obs.Delete(ctx, "renamed"))
	return log.String()
}
