package stream_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// nats.go's KeyValue reads through ordered push consumers (Keys, History, ListKeys, Watch): the same
// story on reactor and on the reference nats-server tells the same.
func TestKeyValueThroughNatsGoMatchesReference(t *testing.T) {
	sameSessionOnBoth(t, func(_ *nats.Conn, js jetstream.JetStream) string { return kvSession(t, js) })
}

// kvSession runs the key-value story on js and tells what it saw.
func kvSession(t *testing.T, js jetstream.JetStream) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "B", History: 5})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	must := func(what string) func(uint64, error) {
		return func(_ uint64, err error) {
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
	}
	_, err = kv.Keys(ctx)
	fmt.Fprintf(&out, "keys of an empty bucket: %v\n", err)
	must("put a")(kv.PutString(ctx, "a", "a1"))
	must("put b")(kv.PutString(ctx, "b", "b1"))
	must("put c.d")(kv.PutString(ctx, "c.d", "cd1"))
	must("put a")(kv.PutString(ctx, "a", "a2"))
	must("update a")(kv.Update(ctx, "a", []byte("a3"), 4))
	if err := kv.Delete(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	keys, err := kv.Keys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(keys)
	fmt.Fprintf(&out, "keys %v\n", keys)
	lister, err := kv.ListKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for k := range lister.Keys() {
		listed = append(listed, k)
	}
	slices.Sort(listed)
	fmt.Fprintf(&out, "listed %v\n", listed)
	for _, key := range []string{"a", "b", "zz"} {
		history, err := kv.History(ctx, key)
		fmt.Fprintf(&out, "history of %s (%v):", key, err)
		for _, e := range history {
			fmt.Fprintf(&out, " %d:%s:%q", e.Revision(), e.Operation(), e.Value())
		}
		out.WriteString("\n")
	}

	w, err := kv.WatchAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	next := func() string {
		select {
		case e := <-w.Updates():
			if e == nil {
				return "initial values done"
			}
			return fmt.Sprintf("%s %d %s %q delta %d", e.Key(), e.Revision(), e.Operation(), e.Value(), e.Delta())
		case <-time.After(10 * time.Second):
			t.Fatalf("watch: nothing within 10 s after:\n%s", out.String())
		}
		return ""
	}
	for range 4 { // a, b's delete marker, c.d, then the nil marker
		fmt.Fprintf(&out, "watch: %s\n", next())
	}
	must("put after watch")(kv.PutString(ctx, "c.d", "cd2"))
	fmt.Fprintf(&out, "watch: %s\n", next())

	fresh, err := kv.Watch(ctx, "c.*", jetstream.UpdatesOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Stop()
	must("put for updates only")(kv.PutString(ctx, "c.e", "ce1"))
	select {
	case e := <-fresh.Updates():
		if e == nil {
			t.Fatal("updates only: a nil marker")
		}
		fmt.Fprintf(&out, "updates only: %s %d %q\n", e.Key(), e.Revision(), e.Value())
	case <-time.After(10 * time.Second):
		t.Fatal("updates only: nothing")
	}
	return out.String()
}

// nats.go's ObjectStore puts an object as chunks and gets it back through an ordered push consumer.
func TestObjectStoreThroughNatsGo(t *testing.T) {
	sameSessionOnBoth(t, func(_ *nats.Conn, js jetstream.JetStream) string { return objectSession(t, js) })
}

// objectSession runs the object-store story on js and tells what it saw.
func objectSession(t *testing.T, js jetstream.JetStream) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	obs, err := js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: "O"})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	// 1 MB in 128 KB chunks (nats.go's default), and a small object.
	big := make([]byte, 1<<20+12345)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range big {
		big[i] = byte(rng.Uint32())
	}
	info, err := obs.Put(ctx, jetstream.ObjectMeta{Name: "big"}, bytes.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&out, "put %s size %d chunks %d digest %s\n", info.Name, info.Size, info.Chunks, info.Digest)
	if _, err := obs.PutString(ctx, "small", "hello"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"big", "small"} {
		r, err := obs.Get(ctx, name)
		if err != nil {
			t.Fatalf("get %s: %v", name, err)
		}
		got, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		want := big
		if name == "small" {
			want = []byte("hello")
		}
		fmt.Fprintf(&out, "get %s: %d bytes, identical %v\n", name, len(got), bytes.Equal(got, want))
	}
	list, err := obs.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range list {
		fmt.Fprintf(&out, "listed %s %d\n", o.Name, o.Size)
	}
	if info, err = obs.GetInfo(ctx, "small"); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&out, "info small: size %d chunks %d digest %s\n", info.Size, info.Chunks, info.Digest)
	if err := obs.Delete(ctx, "big"); err != nil {
		t.Fatal(err)
	}
	_, err = obs.Get(ctx, "big")
	fmt.Fprintf(&out, "get after delete: %v\n", errors.Is(err, jetstream.ErrObjectNotFound))
	if list, err = obs.List(ctx); err != nil {
		t.Fatal(err)
	}
	for _, o := range list {
		fmt.Fprintf(&out, "then listed %s\n", o.Name)
	}
	return out.String()
}

// A legacy ordered push subscription (flow control, heartbeats) receives a stream of several flow-control
// windows in order, answering the flow-control requests itself; a durable push consumer with a deliver
// group spreads its messages over the group's members, each acknowledged once.
func TestPushConsumersThroughNatsGo(t *testing.T) {
	nc, js := runJetStream(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "P", Subjects: []string{"p.>"}}); err != nil {
		t.Fatal(err)
	}
	const n = 3000
	payload := bytes.Repeat([]byte("x"), 2000) // 6 MB: several flow-control windows
	for i := range n {
		if _, err := js.PublishAsync(fmt.Sprintf("p.%d", i%7), payload); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-ctx.Done():
		t.Fatal("publishes not acknowledged")
	}
	legacy, err := nc.JetStream()
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan uint64, n)
	sub, err := legacy.Subscribe("p.>", func(m *nats.Msg) {
		md, err := m.Metadata()
		if err == nil {
			got <- md.Sequence.Stream
		}
	}, nats.OrderedConsumer(), nats.IdleHeartbeat(200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	for want := uint64(1); want <= n; want++ {
		select {
		case seq := <-got:
			if seq != want {
				t.Fatalf("ordered: stream sequence %d, want %d", seq, want)
			}
		case <-ctx.Done():
			t.Fatalf("ordered: stopped before %d of %d", want, n)
		}
	}

	acked := make(chan string, 200)
	for _, member := range []string{"m1", "m2"} {
		qs, err := legacy.QueueSubscribe("p.1", "workers", func(m *nats.Msg) {
			if err := m.AckSync(); err == nil {
				acked <- member
			}
		}, nats.Durable("G"), nats.DeliverAll(), nats.ManualAck(), nats.AckExplicit())
		if err != nil {
			t.Fatal(err)
		}
		defer qs.Unsubscribe()
	}
	want := n / 7 // p.1's share
	if n%7 > 1 {
		want++
	}
	for i := range want {
		select {
		case <-acked:
		case <-ctx.Done():
			t.Fatalf("deliver group: %d of %d acknowledged", i, want)
		}
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		info, err := legacy.ConsumerInfo("P", "G")
		if err != nil {
			t.Fatal(err)
		}
		if info.Config.DeliverGroup == "workers" && info.NumAckPending == 0 && info.Delivered.Consumer == uint64(want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("deliver group consumer: %+v", info)
		}
	}
}

// An ordered push subscription whose consumer disappears notices the missing heartbeats, recreates the
// consumer from the next stream sequence and goes on in order.
func TestOrderedPushConsumerRecreatedAfterLoss(t *testing.T) {
	nc, js := runJetStream(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "O", Subjects: []string{"o.>"}}); err != nil {
		t.Fatal(err)
	}
	legacy, err := nc.JetStream()
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 100)
	sub, err := legacy.Subscribe("o.>", func(m *nats.Msg) { got <- string(m.Data) },
		nats.OrderedConsumer(), nats.IdleHeartbeat(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	publish := func(from, to int) {
		for i := from; i <= to; i++ {
			if _, err := js.Publish(ctx, "o.x", []byte(fmt.Sprint(i))); err != nil {
				t.Fatal(err)
			}
		}
	}
	expect := func(from, to int) {
		for i := from; i <= to; i++ {
			select {
			case m := <-got:
				if m != fmt.Sprint(i) {
					t.Fatalf("got %s, want %d", m, i)
				}
			case <-ctx.Done():
				t.Fatalf("nothing after %d", i-1)
			}
		}
	}
	publish(1, 5)
	expect(1, 5)
	info, err := sub.ConsumerInfo()
	if err != nil {
		t.Fatal(err)
	}
	if err := js.DeleteConsumer(ctx, "O", info.Name); err != nil {
		t.Fatal(err)
	}
	publish(6, 10)
	expect(6, 10) // only a recreated consumer can deliver them: the first one is gone
}
