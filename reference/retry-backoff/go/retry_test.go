package retrybackoff

// Checks the schedules of ../../../graders/retry-backoff/data/vectors.json
// (the same file the C++ suites read) on a fake clock.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

type schedule struct {
	Name        string  `json:"name"`
	Attempts    int     `json:"attempts"`
	SucceedOn   int     `json:"succeed_on"`
	BaseMs      int64   `json:"base_ms"`
	CapMs       int64   `json:"cap_ms"`
	AttemptAtMs []int64 `json:"attempt_at_ms"`
	ReturnAtMs  int64   `json:"return_at_ms"`
	OK          bool    `json:"ok"`
}

func load(t *testing.T) []schedule {
	data, err := os.ReadFile("../../../graders/retry-backoff/data/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Schedules []schedule `json:"schedules"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v.Schedules
}

// fakeClock replaces sleep: time advances by exactly what is slept, and a
// cancel at `cancelAt` interrupts the sleep in progress at that instant.
type fakeClock struct {
	now      time.Duration
	cancelAt time.Duration // 0: none
	cancel   context.CancelFunc
}

func (c *fakeClock) install(t *testing.T) {
	old := sleep
	sleep = func(ctx context.Context, d time.Duration) error {
		if d < 0 {
			t.Errorf("negative delay %v", d)
		}
		if c.cancelAt > 0 && c.now+d >= c.cancelAt {
			c.now = c.cancelAt
			c.cancel()
			<-ctx.Done()
			return ctx.Err()
		}
		c.now += d
		return nil
	}
	t.Cleanup(func() { sleep = old })
}

func run(t *testing.T, s schedule, useRetry bool) (at []int64, err error, calls int, c *fakeClock) {
	c = &fakeClock{}
	c.install(t)
	var errs []error
	op := func(context.Context) error {
		calls++
		at = append(at, c.now.Milliseconds())
		if calls == s.SucceedOn {
			return nil
		}
		e := fmt.Errorf("failure %d", calls)
		errs = append(errs, e)
		return e
	}
	if useRetry {
		err = Retry(func() error { return op(nil) }, s.Attempts)
	} else {
		err = RetryContext(context.Background(), op, s.Attempts, Backoff{Base: time.Duration(s.BaseMs) * time.Millisecond, Max: time.Duration(s.CapMs) * time.Millisecond})
	}
	if err != nil && len(errs) > 0 && !errors.Is(err, errs[len(errs)-1]) {
		t.Errorf("%s: the error does not wrap the last failure: %v", s.Name, err)
	}
	if err != nil && s.Attempts > 0 && !strings.Contains(err.Error(), fmt.Sprint(s.Attempts)) {
		t.Errorf("%s: the error does not name the attempts: %v", s.Name, err)
	}
	return
}

func TestSchedules(t *testing.T) {
	for _, s := range load(t) {
		for _, useRetry := range []bool{true, false} {
			if useRetry && (s.BaseMs != 1000 || s.CapMs != 0) {
				continue
			}
			at, err, _, c := run(t, s, useRetry)
			if fmt.Sprint(at) != fmt.Sprint(nonNil(s.AttemptAtMs)) {
				t.Errorf("%s: attempts at %v ms, want %v", s.Name, at, s.AttemptAtMs)
			}
			if c.now.Milliseconds() != s.ReturnAtMs {
				t.Errorf("%s: returned at %d ms, want %d", s.Name, c.now.Milliseconds(), s.ReturnAtMs)
			}
			if (err == nil) != s.OK {
				t.Errorf("%s: err = %v, want ok=%v", s.Name, err, s.OK)
			}
		}
	}
}

func nonNil(v []int64) []int64 {
	if v == nil {
		return []int64{}
	}
	return v
}

func TestCancelDuringSleepReturnsAtOnce(t *testing.T) {
	c := &fakeClock{cancelAt: 2500 * time.Millisecond}
	c.install(t)
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	calls := 0
	err := RetryContext(ctx, func(context.Context) error { calls++; return errors.New("no") }, 10, Backoff{Base: time.Second})
	if !errors.Is(err, context.Canceled) || calls != 2 || c.now != 2500*time.Millisecond {
		t.Fatalf("err=%v calls=%d now=%v", err, calls, c.now)
	}
}

func TestJitterStaysInBoundsAndSpreads(t *testing.T) {
	c := &fakeClock{}
	c.install(t)
	b := Backoff{Base: time.Second, Max: 5 * time.Second, Jitter: true}
	var below, n int
	for k := 0; k < 300; k++ {
		var last time.Duration
		i := 0
		_ = RetryContext(context.Background(), func(context.Context) error {
			if i > 0 {
				gap := c.now - last
				bound := b.Delay(i - 1)
				if gap < 0 || gap > bound {
					t.Fatalf("delay %v outside [0, %v]", gap, bound)
				}
				if gap < bound/2 {
					below++
				}
				n++
			}
			last = c.now
			i++
			return errors.New("no")
		}, 5, b)
	}
	if frac := float64(below) / float64(n); frac < 0.4 || frac > 0.6 {
		t.Fatalf("%.2f of the delays below half their bound: not uniform", frac)
	}
}

func TestConcurrentRetriesAreRaceFree(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = RetryContext(context.Background(), func(context.Context) error { return errors.New("no") }, 3, Backoff{Base: time.Millisecond})
		}()
	}
	wg.Wait()
}
