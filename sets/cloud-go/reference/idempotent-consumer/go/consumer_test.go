package idempotentconsumer

// A fake SQS queue like the C++ suites' (fake_queue.hpp), on a real clock
// scaled down (visibility and handling in milliseconds).

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

type entry struct {
	id        string
	visibleAt time.Time
	receives  int
	receipt   string
	gone      bool
}

type fakeQueue struct {
	mu         sync.Mutex
	visibility time.Duration
	entries    []*entry
	left       int
	emptied    chan struct{}
	removed    map[string]int
	dead       map[string]int
}

func newQueue(visibility time.Duration, ids ...string) *fakeQueue {
	q := &fakeQueue{visibility: visibility, emptied: make(chan struct{}), removed: map[string]int{}, dead: map[string]int{}}
	for _, id := range ids {
		q.entries = append(q.entries, &entry{id: id, visibleAt: time.Now()})
		q.left++
	}
	return q
}

func (q *fakeQueue) receive(ctx context.Context) (Message, bool) {
	for {
		q.mu.Lock()
		now := time.Now()
		for i, e := range q.entries {
			if !e.gone && !e.visibleAt.After(now) {
				e.receives++
				e.visibleAt = now.Add(q.visibility)
				e.receipt = fmt.Sprintf("%s/%d/%d", e.id, i, e.receives)
				q.mu.Unlock()
				return Message{e.id, "charge", e.receipt, e.receives}, true
			}
		}
		q.mu.Unlock()
		select {
		case <-ctx.Done():
			return Message{}, false
		case <-time.After(time.Millisecond):
		}
	}
}

func (q *fakeQueue) remove(receipt string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, e := range q.entries {
		if !e.gone && e.receipt == receipt {
			e.gone = true
			q.removed[e.id]++
			if q.left--; q.left == 0 {
				close(q.emptied)
			}
			return
		}
	}
}

type payments struct {
	mu              sync.Mutex
	failFirst       map[string]int
	calls, charges  map[string]int
	running         map[string]int
	mostAtOncePerID int
	handle          time.Duration
}

var errDeclined = errors.New("payment provider unavailable")

func (p *payments) charge(m Message) error {
	p.mu.Lock()
	p.calls[m.ID]++
	n := p.calls[m.ID]
	f, ok := p.failFirst[m.ID]
	fails := ok && (f < 0 || n <= f)
	p.running[m.ID]++
	if p.running[m.ID] > p.mostAtOncePerID {
		p.mostAtOncePerID = p.running[m.ID]
	}
	p.mu.Unlock()
	time.Sleep(p.handle)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running[m.ID]--
	if fails {
		return errDeclined
	}
	p.charges[m.ID]++
	return nil
}

func run(t *testing.T, q *fakeQueue, p *payments, workers, maxReceives int) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		Consume(ctx, Queue{q.receive, q.remove, func(m Message) { q.mu.Lock(); q.dead[m.ID]++; q.mu.Unlock() }},
			workers, maxReceives, p.charge)
		close(done)
	}()
	select {
	case <-q.emptied:
	case <-time.After(20 * time.Second):
		t.Fatal("the queue was never emptied")
	}
	cancel()
	<-done
	if p.mostAtOncePerID > 1 {
		t.Fatal("one id handled twice at once")
	}
}

func newPayments(handle time.Duration, failFirst map[string]int) *payments {
	return &payments{failFirst: failFirst, calls: map[string]int{}, charges: map[string]int{}, running: map[string]int{}, handle: handle}
}

func TestDuplicatesChargedOnce(t *testing.T) {
	q := newQueue(time.Second, "p1", "p2", "p1", "p3", "p2", "p1")
	p := newPayments(5*time.Millisecond, nil)
	run(t, q, p, 3, 5)
	if fmt.Sprint(p.charges) != "map[p1:1 p2:1 p3:1]" || fmt.Sprint(q.removed) != "map[p1:3 p2:2 p3:1]" {
		t.Fatal(p.charges, q.removed)
	}
}

func TestInFlightDuplicate(t *testing.T) {
	q := newQueue(300*time.Millisecond, "p1", "p1")
	p := newPayments(100*time.Millisecond, nil)
	run(t, q, p, 2, 5)
	if p.calls["p1"] != 1 || p.charges["p1"] != 1 {
		t.Fatal(p.calls, p.charges)
	}
}

func TestRetryAndDLQ(t *testing.T) {
	q := newQueue(50*time.Millisecond, "p1", "p2", "p3")
	p := newPayments(5*time.Millisecond, map[string]int{"p1": 2, "p3": -1})
	run(t, q, p, 2, 3)
	if p.charges["p1"] != 1 || p.calls["p1"] != 3 || p.calls["p3"] != 3 || q.dead["p3"] != 1 || p.charges["p3"] != 0 {
		t.Fatal(p.calls, p.charges, q.dead)
	}
}
