package stream_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// consumerConfigCase is one consumer API request: subject after $JS.API.CONSUMER., and the config with
// an optional "|action".
type consumerConfigCase struct {
	what, subject, body string
}

// consumerConfigAnswers creates stream F on f.> holding subjects (one message each, in order), makes
// the requests and returns each answer: its error, or the consumer's configuration (without the
// server's metadata), num_pending and where it stands.
func consumerConfigAnswers(t *testing.T, nc *nats.Conn, subjects []string, cases []consumerConfigCase) []string {
	t.Helper()
	js, _ := jetstream.New(nc)
	if _, err := js.CreateStream(t.Context(), jetstream.StreamConfig{Name: "F", Subjects: []string{"f.>"}}); err != nil {
		t.Fatal(err)
	}
	for _, subject := range subjects {
		if _, err := js.Publish(t.Context(), subject, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	var answers []string
	for _, tc := range cases {
		cfg, action, _ := cutLast(tc.body, "|")
		body := fmt.Sprintf(`{"stream_name":"F","config":%s,"action":%q}`, cfg, action)
		msg, err := nc.Request("$JS.API.CONSUMER."+tc.subject, []byte(body), 5*time.Second)
		if err != nil {
			t.Fatalf("%s: %v", tc.what, err)
		}
		var resp struct {
			Error      *jetstream.APIError `json:"error"`
			Config     map[string]any      `json:"config"`
			NumPending uint64              `json:"num_pending"`
			Delivered  struct {
				Stream uint64 `json:"stream_seq"`
			} `json:"delivered"`
		}
		if err := json.Unmarshal(msg.Data, &resp); err != nil {
			t.Fatalf("%s: %v in %s", tc.what, err, msg.Data)
		}
		if resp.Error != nil {
			answers = append(answers, fmt.Sprintf("error %d %d %q", resp.Error.Code, resp.Error.ErrorCode, resp.Error.Description))
			continue
		}
		delete(resp.Config, "metadata")
		answers = append(answers, fmt.Sprintf("ok %v pending %d delivered %d", resp.Config, resp.NumPending, resp.Delivered.Stream))
	}
	return answers
}

// compareConsumerAnswers runs cases on reactor and on the reference and reports every difference.
func compareConsumerAnswers(t *testing.T, subjects []string, cases []consumerConfigCase) {
	t.Helper()
	ncOurs, _ := runJetStream(t)
	ncTheirs, _ := referenceJetStream(t)
	ours, theirs := consumerConfigAnswers(t, ncOurs, subjects, cases), consumerConfigAnswers(t, ncTheirs, subjects, cases)
	for i := range ours {
		if ours[i] != theirs[i] {
			t.Errorf("%s\n  reactor:     %s\n  nats-server: %s", cases[i].what, ours[i], theirs[i])
		}
	}
}

var filterMessages = []string{"f.a", "f.b", "f.c", "f.a", "f.b.x"}

var filterCases = []consumerConfigCase{
	{"overlap, wildcard", "CREATE.F.O1", `{"name":"O1","filter_subjects":["f.a","f.>"]}`},
	{"overlap, star", "CREATE.F.O2", `{"name":"O2","filter_subjects":["f.*","f.a"]}`},
	{"overlap, same", "CREATE.F.O3", `{"name":"O3","filter_subjects":["f.a","f.a"]}`},
	{"overlap, partial", "CREATE.F.O4", `{"name":"O4","filter_subjects":["f.*.x","f.b.*"]}`},
	{"both", "CREATE.F.B", `{"name":"B","filter_subject":"f.a","filter_subjects":["f.b"]}`},
	{"empty", "CREATE.F.E", `{"name":"E","filter_subjects":["f.a",""]}`},
	{"invalid", "CREATE.F.I", `{"name":"I","filter_subjects":["f..a"]}`},
	{"invalid single", "CREATE.F.I", `{"name":"I","filter_subject":"f.>.a"}`},
	{"outside the stream", "CREATE.F.X", `{"name":"X","filter_subjects":["f.a","x.a"]}`},
	{"subject API", "CREATE.F.S.f.a", `{"name":"S","filter_subjects":["f.a","f.b.>"]}`},
	{"two filters", "CREATE.F.T", `{"name":"T","ack_policy":"explicit","filter_subjects":["f.a","f.b.>"]}`},
	{"one of filter_subjects", "CREATE.F.ONE", `{"name":"ONE","filter_subjects":["f.c"]}`},
	{"last per subject", "CREATE.F.L", `{"name":"L","filter_subjects":["f.a","f.b"],"deliver_policy":"last_per_subject"}`},
	{"last", "CREATE.F.LAST", `{"name":"LAST","filter_subjects":["f.c","f.b"],"deliver_policy":"last"}`},
	{"update to one filter", "CREATE.F.T", `{"name":"T","ack_policy":"explicit","filter_subject":"f.c"}|update`},
	{"update to three", "CREATE.F.T", `{"name":"T","ack_policy":"explicit","filter_subjects":["f.c","f.a","f.b"]}|update`},
	{"update overlapping", "CREATE.F.T", `{"name":"T","ack_policy":"explicit","filter_subjects":["f.c","f.*"]}|update`},
}

// Configurations with several filters, request by request on reactor and on the reference: the errors
// (overlap, both fields, empty, invalid, the subject-based API) and what is accepted, with num_pending
// summed over the filters and the start of last and last_per_subject.
func TestConsumerFilterSubjectsMatchReference(t *testing.T) {
	t.Parallel()
	compareConsumerAnswers(t, filterMessages, filterCases)
}

// filteredDeliveries creates a consumer with filters on stream F (holding filterMessages), fetches
// everything, changes the filters, publishes more and fetches again; it returns the subjects and
// stream sequences delivered and the consumer's num_pending along the way.
func filteredDeliveries(t *testing.T, nc *nats.Conn) string {
	t.Helper()
	js, _ := jetstream.New(nc)
	ctx := t.Context()
	s, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "F", Subjects: []string{"f.>"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, subject := range filterMessages {
		if _, err := js.Publish(ctx, subject, []byte(subject)); err != nil {
			t.Fatal(err)
		}
	}
	var out strings.Builder
	fetch := func(c jetstream.Consumer) {
		batch, err := c.Fetch(10, jetstream.FetchMaxWait(500*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		for m := range batch.Messages() {
			md, _ := m.Metadata()
			fmt.Fprintf(&out, "%s@%d ", m.Subject(), md.Sequence.Stream)
			if err := m.Ack(); err != nil {
				t.Fatal(err)
			}
		}
		info, err := c.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&out, "| pending %d ack floor %d\n", info.NumPending, info.AckFloor.Stream)
	}
	c, err := s.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "D", AckPolicy: jetstream.AckExplicitPolicy,
		FilterSubjects: []string{"f.b.>", "f.a"}})
	if err != nil {
		t.Fatal(err)
	}
	fetch(c)
	for _, subject := range []string{"f.c", "f.b", "f.a", "f.c"} {
		if _, err := js.Publish(ctx, subject, []byte(subject)); err != nil {
			t.Fatal(err)
		}
	}
	c, err = s.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "D", AckPolicy: jetstream.AckExplicitPolicy,
		FilterSubjects: []string{"f.c", "f.b"}})
	if err != nil {
		t.Fatal(err)
	}
	fetch(c)
	return out.String()
}

// A pull consumer with several filters, through nats.go on reactor and on the reference: it delivers
// what any filter selects, in stream order, counts num_pending over them, and after its filters change
// goes on from where it was.
func TestConsumerFilterSubjectsDeliverAsReference(t *testing.T) {
	t.Parallel()
	ncOurs, _ := runJetStream(t)
	ncTheirs, _ := referenceJetStream(t)
	ours, theirs := filteredDeliveries(t, ncOurs), filteredDeliveries(t, ncTheirs)
	if ours != theirs {
		t.Fatalf("reactor:\n%s\nnats-server:\n%s", ours, theirs)
	}
	if !strings.HasPrefix(ours, "f.a@1 f.a@4 f.b.x@5 |") {
		t.Fatalf("deliveries:\n%s", ours)
	}
}

// nats.go's KeyValue WatchFiltered watches several keys with one consumer of filter_subjects: it sees
// the current value of each watched key, then their updates, and nothing of the others.
func TestKeyValueWatchFilteredUsesFilterSubjects(t *testing.T) {
	t.Parallel()
	_, js := runJetStream(t)
	ctx := t.Context()
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "W", History: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, kvs := range [][2]string{{"a", "1"}, {"b", "1"}, {"c", "1"}, {"a", "2"}} {
		if _, err := kv.Put(ctx, kvs[0], []byte(kvs[1])); err != nil {
			t.Fatal(err)
		}
	}
	w, err := kv.WatchFiltered(ctx, []string{"a", "c"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = w.Stop() }()
	var seen []string
	timeout := time.After(10 * time.Second)
	for len(seen) < 3 {
		select {
		case e := <-w.Updates():
			if e == nil { // the end of the initial values
				if _, err := kv.Put(ctx, "b", []byte("2")); err != nil {
					t.Fatal(err)
				}
				if _, err := kv.Put(ctx, "c", []byte("2")); err != nil {
					t.Fatal(err)
				}
				continue
			}
			seen = append(seen, e.Key()+"="+string(e.Value()))
		case <-timeout:
			t.Fatalf("watch saw %v", seen)
		}
	}
	if want := []string{"c=1", "a=2", "c=2"}; !slices.Equal(seen, want) {
		t.Fatalf("watch saw %v, want %v", seen, want)
	}
	select {
	case e := <-w.Updates():
		t.Fatalf("watch saw %v after %v", e, seen)
	case <-time.After(300 * time.Millisecond):
	}
}
