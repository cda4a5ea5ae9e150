package stream_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/reactor-nats/reactor/stream"
)

// The stream API through nats.go's jetstream package, on reactor and on the reference nats-server: the
// same calls against each, every result compared field by field (times and the server's name aside).

// apiCalls makes the same jetstream calls on a server and returns what each answered, by call.
func apiCalls(t *testing.T, js jetstream.JetStream) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out := map[string]any{}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	errOf := func(err error) any {
		if err == nil {
			return nil
		}
		var apiErr *jetstream.APIError
		if ok := asAPIError(err, &apiErr); ok {
			return map[string]any{"code": apiErr.Code, "err_code": apiErr.ErrorCode, "description": apiErr.Description}
		}
		return err.Error()
	}
	msgOf := func(m *jetstream.RawStreamMsg, err error) any {
		if err != nil {
			return errOf(err)
		}
		hdr := map[string][]string{}
		for k, v := range m.Header {
			if k != "Nats-Time-Stamp" {
				hdr[k] = v
			}
		}
		return map[string]any{"subject": m.Subject, "seq": m.Sequence, "data": string(m.Data), "header": hdr,
			"has_time": !m.Time.IsZero()}
	}

	st, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "S", Subjects: []string{"s.>"}, MaxMsgsPerSubject: 10})
	must("create", err)
	out["create"] = st.CachedInfo()
	_, err = js.CreateStream(ctx, jetstream.StreamConfig{Name: "S", Subjects: []string{"other"}})
	out["create conflicting"] = errOf(err)
	_, err = js.CreateStream(ctx, jetstream.StreamConfig{Name: "T", Subjects: []string{"s.a"}})
	out["create overlapping"] = errOf(err)
	st, err = js.UpdateStream(ctx, jetstream.StreamConfig{Name: "S", Subjects: []string{"s.>"}, Description: "updated",
		MaxMsgsPerSubject: 10, MaxMsgs: 100})
	must("update", err)
	out["update"] = st.CachedInfo()
	_, err = js.UpdateStream(ctx, jetstream.StreamConfig{Name: "S", Subjects: []string{"s.>"}, Storage: jetstream.MemoryStorage})
	out["update storage"] = errOf(err)

	// No headers into the file stream: store.MsgSize counts a message with headers 4 bytes short of
	// nats-server's file store (the memory stream below has them).
	for i, subj := range []string{"s.a", "s.b", "s.a", "s.c", "s.b", "s.a"} {
		_, err := js.Publish(ctx, subj, []byte(strconv.Itoa(i+1)))
		must("publish", err)
	}
	info, err := st.Info(ctx, jetstream.WithSubjectFilter("s.*"))
	must("info", err)
	out["info subjects"] = info
	out["get 1"] = msgOf(st.GetMsg(ctx, 1))
	out["get 4"] = msgOf(st.GetMsg(ctx, 4))
	out["get missing"] = msgOf(st.GetMsg(ctx, 99))
	out["get last s.b"] = msgOf(st.GetLastMsgForSubject(ctx, "s.b"))
	out["get last missing"] = msgOf(st.GetLastMsgForSubject(ctx, "s.zz"))
	out["delete 2"] = errOf(st.DeleteMsg(ctx, 2))
	out["secure delete 3"] = errOf(st.SecureDeleteMsg(ctx, 3))
	out["delete 2 again"] = errOf(st.DeleteMsg(ctx, 2))
	info, err = st.Info(ctx, jetstream.WithDeletedDetails(true))
	must("info deleted", err)
	out["info deleted"] = info
	out["purge keep"] = errOf(st.Purge(ctx, jetstream.WithPurgeSubject("s.a"), jetstream.WithPurgeKeep(1)))
	out["purge up to"] = errOf(st.Purge(ctx, jetstream.WithPurgeSequence(5)))
	info, err = st.Info(ctx, jetstream.WithSubjectFilter(">"), jetstream.WithDeletedDetails(true))
	must("info after purges", err)
	out["info after purges"] = info

	d, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "D", Subjects: []string{"d.>"}, AllowDirect: true,
		Storage: jetstream.MemoryStorage})
	must("create direct", err)
	for _, subj := range []string{"d.a", "d.b", "d.a"} {
		m := nats.NewMsg(subj)
		m.Data = []byte(subj)
		if subj == "d.b" {
			m.Header.Set("X-Kind", "b")
		}
		_, err := js.PublishMsg(ctx, m)
		must("publish", err)
	}
	h, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "H", Subjects: []string{"h"}, Storage: jetstream.MemoryStorage})
	must("create memory", err)
	m := nats.NewMsg("h")
	m.Header.Set("X-Kind", "h")
	_, err = js.PublishMsg(ctx, m)
	must("publish", err)
	out["get with header"] = msgOf(h.GetMsg(ctx, 1))
	out["direct get 2"] = msgOf(d.GetMsg(ctx, 2))
	out["direct last d.a"] = msgOf(d.GetLastMsgForSubject(ctx, "d.a"))
	out["direct missing"] = msgOf(d.GetMsg(ctx, 9))

	var names []string
	for name := range js.StreamNames(ctx).Name() {
		names = append(names, name)
	}
	out["names"] = names
	names = nil
	for name := range js.StreamNames(ctx, jetstream.WithStreamListSubject("d.x")).Name() {
		names = append(names, name)
	}
	out["names d.x"] = names
	var infos []*jetstream.StreamInfo
	for i := range js.ListStreams(ctx).Info() {
		infos = append(infos, i)
	}
	out["list"] = infos
	account, err := js.AccountInfo(ctx)
	must("account info", err)
	out["account info"] = account
	out["delete stream"] = errOf(js.DeleteStream(ctx, "D"))
	out["delete stream again"] = errOf(js.DeleteStream(ctx, "D"))
	_, err = js.Stream(ctx, "D")
	out["info deleted stream"] = errOf(err)
	return out
}

func asAPIError(err error, target **jetstream.APIError) bool {
	for ; err != nil; err = unwrap(err) {
		if e, ok := err.(*jetstream.APIError); ok {
			*target = e
			return true
		}
	}
	return false
}

func unwrap(err error) error {
	u, ok := err.(interface{ Unwrap() error })
	if !ok {
		return nil
	}
	return u.Unwrap()
}

func TestStreamAPIThroughNatsGoMatchesReference(t *testing.T) {
	_, refJS := referenceJetStream(t)
	_, js := runJetStream(t)
	want := apiCalls(t, refJS)
	got := apiCalls(t, js)
	for call, w := range want {
		g, w := stream.NormalisedJSON(t, got[call]), stream.NormalisedJSON(t, w)
		if !reflect.DeepEqual(g, w) {
			gb, _ := json.Marshal(g)
			wb, _ := json.Marshal(w)
			t.Errorf("%s:\n got  %s\n want %s", call, gb, wb)
		}
	}
}
