package singleflight

// The hidden suite's cases, with a backend held until every caller is in
// (the C++ suites use exact instants in virtual time instead).

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var errDown = errors.New("database unavailable")

func waitFor(t *testing.T, cond func() bool) {
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(time.Millisecond)
	}
}

func (g *Group) waiters(key string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if c, ok := g.m[key]; ok {
		return c.dups
	}
	return -1
}

func stampede(t *testing.T, n int, fail bool) {
	var g Group
	var calls int32
	release := make(chan struct{})
	fn := func() (string, error) {
		c := atomic.AddInt32(&calls, 1)
		<-release
		if fail {
			return "", errDown
		}
		return fmt.Sprintf("user:42#%d", c), nil
	}
	type res struct {
		v      string
		err    error
		shared bool
	}
	out := make([]res, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			v, err, shared := g.Do("user:42", fn)
			out[i] = res{v, err, shared}
		}(i)
	}
	waitFor(t, func() bool { return g.waiters("user:42") == n-1 })
	close(release)
	wg.Wait()
	if calls != 1 {
		t.Fatalf("%d backend calls", calls)
	}
	for i, r := range out {
		if !r.shared || (fail && (!errors.Is(r.err, errDown) || r.v != "")) || (!fail && (r.err != nil || r.v != "user:42#1")) {
			t.Errorf("caller %d: %+v", i, r)
		}
	}
}

func TestStampede(t *testing.T)    { stampede(t, 12, false) }
func TestSharedError(t *testing.T) { stampede(t, 4, true) }

func TestForgetAfterEachCall(t *testing.T) {
	var g Group
	n := 0
	fn := func() (string, error) {
		n++
		if n == 2 {
			return "", errDown
		}
		return fmt.Sprintf("k#%d", n), nil
	}
	if v, err, shared := g.Do("k", fn); v != "k#1" || err != nil || shared {
		t.Fatal(v, err, shared)
	}
	if _, err, shared := g.Do("k", fn); !errors.Is(err, errDown) || shared {
		t.Fatal(err, shared)
	}
	if v, _, _ := g.Do("k", fn); v != "k#3" {
		t.Fatal(v)
	}
}

func TestKeysSideBySide(t *testing.T) {
	var g Group
	inside := make(chan string, 3)
	release := make(chan struct{})
	var wg sync.WaitGroup
	for _, k := range []string{"a", "b", "c"} {
		wg.Add(1)
		go func(k string) {
			defer wg.Done()
			v, _, _ := g.Do(k, func() (string, error) { inside <- k; <-release; return k + "#1", nil })
			if v != k+"#1" {
				t.Errorf("%s: %s", k, v)
			}
		}(k)
	}
	for i := 0; i < 3; i++ { // all three calls in flight at once: fn runs outside the lock
		<-inside
	}
	close(release)
	wg.Wait()
}
