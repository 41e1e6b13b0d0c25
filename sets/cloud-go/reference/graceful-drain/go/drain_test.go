package gracefuldrain

// The hidden suite's main cases in real time, scaled down (1 unit = 10 ms;
// the C++ suites check exact instants in virtual time).

import (
	"context"
	"fmt"
	"testing"
	"time"
)

const unit = 10 * time.Millisecond

func work(ctx context.Context, j Job) error {
	select {
	case <-time.After(j.Work):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func queue(units []int, closed bool) chan Job {
	jobs := make(chan Job, len(units)+1)
	for i, u := range units {
		jobs <- Job{i + 1, time.Duration(u) * unit}
	}
	if closed {
		close(jobs)
	}
	return jobs
}

func serve(units []int, closed bool, workers int, notice, grace int) (Drained, time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	if notice >= 0 {
		ctx, cancel = context.WithTimeout(context.Background(), time.Duration(notice)*unit)
	}
	defer cancel()
	start := time.Now()
	d := Serve(ctx, queue(units, closed), workers, time.Duration(grace)*unit, work)
	return d, time.Since(start)
}

func same(t *testing.T, what string, d Drained, want string) {
	t.Helper()
	if got := fmt.Sprint(d.Finished, d.Interrupted, d.NotStarted); got != want {
		t.Errorf("%s: got %s, want %s", what, got, want)
	}
}

func TestComplete(t *testing.T) {
	d, _ := serve([]int{10, 10, 10, 10, 10, 10}, true, 2, -1, 100)
	same(t, "complete", d, "[1 2 3 4 5 6] [] []")
}

func TestStopTaking(t *testing.T) {
	d, _ := serve([]int{10, 10, 10, 10, 10, 10, 10, 10, 10, 10}, false, 2, 25, 100)
	same(t, "stop-taking", d, "[1 2 3 4 5 6] [] [7 8 9 10]")
}

func TestDeadline(t *testing.T) {
	d, took := serve([]int{40, 250, 120, 30, 300, 10, 10}, true, 3, 50, 100)
	same(t, "deadline", d, "[1 3 4] [2] [5 6 7]")
	if took < 150*unit || took > 250*unit {
		t.Errorf("returned after %v, want about %v", took, 150*unit)
	}
}

func TestIdleWorkersStopAtTheNotice(t *testing.T) {
	d, took := serve([]int{10, 10}, false, 3, 45, 100)
	same(t, "idle", d, "[1 2] [] []")
	if took > 100*unit {
		t.Errorf("returned after %v", took)
	}
}
