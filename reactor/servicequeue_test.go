package reactor

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// TestServiceQueueHandsOverRuns: messages queued back to back for one handler reach it as a run, each
// but the last marked more, in order; a message for another handler ends the run, and a run is at most
// maxServiceRun long.
func TestServiceQueueHandsOverRuns(t *testing.T) {
	type call struct {
		handler string
		subject string
		more    bool
		inRun   bool // given a stream.Run: only the messages of a run longer than one
	}
	var (
		mu    sync.Mutex
		calls []call
	)
	handler := func(name string) *internalSub {
		return &internalSub{handle: func(req internalMsg) {
			mu.Lock()
			calls = append(calls, call{name, req.subject, req.more, req.run != nil})
			mu.Unlock()
		}}
	}
	acks, api := handler("acks"), handler("api")
	var q serviceQueue
	submit := func(sub *internalSub, subject string) { q.submit(sub, nil, internalMsg{subject: subject}) }
	submit(acks, "a1")
	submit(acks, "a2")
	submit(acks, "a3")
	submit(api, "b1")
	submit(acks, "a4")
	for range maxServiceRun + 1 {
		submit(api, "long")
	}
	var want []call
	want = append(want, call{"acks", "a1", true, true}, call{"acks", "a2", true, true}, call{"acks", "a3", false, true},
		call{"api", "b1", false, false}, call{"acks", "a4", false, false})
	for i := range maxServiceRun {
		want = append(want, call{"api", "long", i < maxServiceRun-1, true})
	}
	want = append(want, call{"api", "long", false, false})

	q.start(1) // one worker, started after the burst, so the runs are as queued
	defer q.stop()
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		got := slices.Clone(calls)
		mu.Unlock()
		if len(got) == len(want) {
			if !slices.Equal(got, want) {
				t.Fatalf("calls:\n got %v\nwant %v", got, want)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d calls after 5s", len(got), len(want))
		}
		time.Sleep(time.Millisecond)
	}
}

// TestServiceQueueWakesEveryWorker: a handler that blocks holds up only its own run; the other worker
// takes another publisher's messages behind it.
func TestServiceQueueWakesEveryWorker(t *testing.T) {
	release := make(chan struct{})
	done := make(chan string, 2)
	slow := &internalSub{handle: func(internalMsg) { <-release; done <- "slow" }}
	fast := &internalSub{handle: func(internalMsg) { done <- "fast" }}
	var q serviceQueue
	q.start(2)
	defer q.stop()
	q.submit(slow, &client{cid: 1}, internalMsg{})
	q.submit(fast, &client{cid: 2}, internalMsg{})
	select {
	case got := <-done:
		if got != "fast" {
			t.Fatalf("first done: %s", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the fast message waited for the slow one")
	}
	close(release)
	if got := <-done; got != "slow" {
		t.Fatalf("second done: %s", got)
	}
}

// TestServiceQueueKeepsAPublishersOrder: a publisher's messages are handled one at a time in the order
// published, whichever handler they are for, while another publisher's go past a blocked one.
func TestServiceQueueKeepsAPublishersOrder(t *testing.T) {
	release := make(chan struct{})
	done := make(chan string, 8)
	slow := &internalSub{handle: func(req internalMsg) { <-release; done <- req.subject }}
	fast := &internalSub{handle: func(req internalMsg) { done <- req.subject }}
	var q serviceQueue
	q.start(2)
	defer q.stop()
	p, other := &client{cid: 1}, &client{cid: 2}
	q.submit(slow, p, internalMsg{subject: "p1"})
	q.submit(fast, p, internalMsg{subject: "p2"})
	q.submit(fast, other, internalMsg{subject: "o1"})
	q.submit(fast, p, internalMsg{subject: "p3"})
	select {
	case got := <-done:
		if got != "o1" {
			t.Fatalf("first done: %s, want o1 (p's messages wait for p1)", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("another publisher's message waited for p's slow one")
	}
	select {
	case got := <-done:
		t.Fatalf("%s handled while p1 was", got)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	for _, want := range []string{"p1", "p2", "p3"} {
		select {
		case got := <-done:
			if got != want {
				t.Fatalf("done %s, want %s", got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s not handled", want)
		}
	}
}

// TestServiceQueueClosesUpHoles: while one publisher's next message waits for its slow one, the messages
// of others taken past it leave no trail the workers step over again and again: the queue is closed up,
// and that publisher's order still holds.
func TestServiceQueueClosesUpHoles(t *testing.T) {
	release := make(chan struct{})
	var (
		mu   sync.Mutex
		seen []string
	)
	note := func(req internalMsg) {
		mu.Lock()
		seen = append(seen, req.subject)
		mu.Unlock()
	}
	slow := &internalSub{handle: func(req internalMsg) { <-release; note(req) }}
	fast := &internalSub{handle: note}
	var q serviceQueue
	q.start(2)
	defer q.stop()
	p := &client{cid: 1}
	q.submit(slow, p, internalMsg{subject: "p1"})
	q.submit(fast, p, internalMsg{subject: "p2"}) // waits at the head for p1
	const others = 2000
	for i := range others {
		q.submit(fast, &client{cid: uint64(2 + i)}, internalMsg{subject: "o"})
	}
	waitFor(t, "the others handled", 5*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(seen) == others
	})
	q.mu.Lock()
	waiting := len(q.queue) - q.head
	q.mu.Unlock()
	if waiting > 512 {
		t.Errorf("%d queue slots behind the head with one message waiting: holes not closed up", waiting)
	}
	close(release)
	waitFor(t, "p's messages handled", 5*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(seen) == others+2
	})
	if got := seen[others:]; got[0] != "p1" || got[1] != "p2" {
		t.Fatalf("p's messages handled as %v, want p1 then p2", got)
	}
}
