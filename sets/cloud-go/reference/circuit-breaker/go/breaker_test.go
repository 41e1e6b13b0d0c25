package circuitbreaker

// Plays the scripts of ../../../graders/circuit-breaker/data/vectors.json
// (the file the C++ judge reads) on a fake clock, then the concurrent cases.

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

var errDown = errors.New("dependency unavailable")

type script struct {
	Name       string `json:"name"`
	Threshold  int    `json:"threshold"`
	CooldownMs int64  `json:"cooldown_ms"`
	Calls      []struct {
		AtMs int64  `json:"at_ms"`
		Op   string `json:"op"`
	} `json:"calls"`
	Returned []string `json:"returned"`
	State    []string `json:"state"`
}

func TestScripts(t *testing.T) {
	data, err := os.ReadFile("../../../graders/circuit-breaker/data/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct{ Scripts []script }
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Scripts) < 6 {
		t.Fatalf("%d scripts", len(v.Scripts))
	}
	for _, s := range v.Scripts {
		t0 := time.Unix(1_700_000_000, 0)
		now := t0
		b := New(s.Threshold, time.Duration(s.CooldownMs)*time.Millisecond, func() time.Time { return now })
		var returned, state []string
		for _, c := range s.Calls {
			now = t0.Add(time.Duration(c.AtMs) * time.Millisecond)
			ran := false
			err := b.Call(func() error {
				ran = true
				if c.Op == "fail" {
					return errDown
				}
				return nil
			})
			switch {
			case err == nil && ran:
				returned = append(returned, "ok")
			case errors.Is(err, ErrOpen) && !ran:
				returned = append(returned, "open")
			case errors.Is(err, errDown) && ran:
				returned = append(returned, "fail")
			default:
				returned = append(returned, "unexpected")
			}
			state = append(state, b.State().String())
		}
		if strings.Join(returned, ",") != strings.Join(s.Returned, ",") || strings.Join(state, ",") != strings.Join(s.State, ",") {
			t.Errorf("%s: got %v %v, want %v %v", s.Name, returned, state, s.Returned, s.State)
		}
	}
}

func TestOneProbeAtATime(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	var mu sync.Mutex
	now := t0
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	b := New(1, time.Second, clock)
	_ = b.Call(func() error { return errDown })
	mu.Lock()
	now = t0.Add(time.Second)
	mu.Unlock()
	inProbe, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() { done <- b.Call(func() error { close(inProbe); <-release; return nil }) }()
	<-inProbe
	if b.State() != HalfOpen {
		t.Fatalf("state during the probe: %v", b.State())
	}
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := b.Call(func() error { t.Error("ran during the probe"); return nil }); !errors.Is(err, ErrOpen) {
				t.Errorf("during the probe: %v", err)
			}
		}()
	}
	wg.Wait()
	close(release)
	if err := <-done; err != nil || b.State() != Closed {
		t.Fatalf("probe: %v, state %v", err, b.State())
	}
}

func TestConcurrentFailuresCounted(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	b := New(48, time.Second, func() time.Time { return t0 })
	var wg sync.WaitGroup
	for f := 0; f < 8; f++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 6; i++ {
				_ = b.Call(func() error { return errDown })
			}
		}()
	}
	wg.Wait()
	if b.State() != Open || !errors.Is(b.Call(func() error { return nil }), ErrOpen) {
		t.Fatalf("state %v after 48 concurrent failures", b.State())
	}
}
