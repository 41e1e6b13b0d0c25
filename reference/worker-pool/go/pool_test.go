package workerpool

// The cases of ../../../graders/worker-pool/data/vectors.json, the file the
// C++ suites read. Go has no virtual time here: concurrency is shown with a
// barrier (all workers in flight at once), not with a stopwatch.

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"
)

type poolCase struct {
	Name    string `json:"name"`
	Workers int    `json:"workers"`
	Jobs    []int  `json:"jobs"`
	Results []int  `json:"results"`
}

type runAllCase struct {
	Name    string `json:"name"`
	Workers int    `json:"workers"`
	Jobs    []int  `json:"jobs"`
	Fail    int    `json:"fail"`
	Results []int  `json:"results"`
}

func load(t *testing.T) (pools []poolCase, runs []runAllCase) {
	data, err := os.ReadFile("../../../graders/worker-pool/data/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Pool   []poolCase   `json:"pool"`
		RunAll []runAllCase `json:"runall"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v.Pool, v.RunAll
}

func closedJobs(jobs []int) chan int {
	ch := make(chan int, len(jobs))
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	return ch
}

func TestEveryJobOnceEveryResultDelivered(t *testing.T) {
	pools, _ := load(t)
	for _, c := range pools {
		var mu sync.Mutex
		calls := map[int]int{}
		var got []int
		for r := range Pool(c.Workers, closedJobs(c.Jobs), func(j int) int {
			mu.Lock()
			calls[j]++
			mu.Unlock()
			return j * 2
		}) {
			got = append(got, r)
		}
		sort.Ints(got)
		want := map[int]int{}
		for _, j := range c.Jobs {
			want[j]++
		}
		if len(got) != len(c.Results) {
			t.Fatalf("%s: got %v, want %v", c.Name, got, c.Results)
		}
		for i := range got {
			if got[i] != c.Results[i] {
				t.Fatalf("%s: got %v, want %v", c.Name, got, c.Results)
			}
		}
		for j, n := range want {
			if calls[j] != n {
				t.Fatalf("%s: job %d processed %d times, want %d", c.Name, j, calls[j], n)
			}
		}
	}
}

func TestWorkersRunConcurrently(t *testing.T) {
	const workers = 3
	var barrier sync.WaitGroup
	barrier.Add(workers)
	release := make(chan struct{})
	go func() { barrier.Wait(); close(release) }()
	n := 0
	for range Pool(workers, closedJobs([]int{1, 2, 3, 4, 5, 6}), func(j int) int {
		if j <= workers { // the first three jobs meet: only concurrent workers can
			barrier.Done()
			select {
			case <-release:
			case <-time.After(10 * time.Second):
				t.Error("the workers never ran at the same time")
			}
		}
		return j
	}) {
		n++
	}
	if n != 6 {
		t.Fatalf("%d results", n)
	}
}

func TestEarlyClosedJobsAndSlowReader(t *testing.T) {
	for range Pool(3, closedJobs(nil), func(j int) int { return j }) {
		t.Fatal("a result from no job")
	}
	jobs := make(chan int)
	go func() {
		for j := 0; j < 3; j++ {
			jobs <- j
		}
		close(jobs)
	}()
	n := 0
	for range Pool(4, jobs, func(j int) int { return j }) {
		time.Sleep(time.Millisecond)
		n++
	}
	if n != 3 {
		t.Fatalf("%d results, want 3", n)
	}
}

var errJob = errors.New("job failed")

func TestRunAllFirstErrorStopsTheRest(t *testing.T) {
	_, runs := load(t)
	before := runtime.NumGoroutine()
	for _, c := range runs {
		var mu sync.Mutex
		started := 0
		results, err := RunAll(context.Background(), c.Workers, c.Jobs, func(ctx context.Context, j int) (int, error) {
			mu.Lock()
			started++
			mu.Unlock()
			if j == c.Fail {
				return 0, errJob
			}
			select {
			case <-ctx.Done():
				return 0, ctx.Err()
			case <-time.After(time.Millisecond):
				return j * 2, nil
			}
		})
		if c.Fail >= 0 {
			if !errors.Is(err, errJob) {
				t.Fatalf("%s: err = %v", c.Name, err)
			}
			if started >= len(c.Jobs) && len(c.Jobs) > c.Workers+c.Fail+1 {
				t.Fatalf("%s: all %d jobs started despite the error", c.Name, started)
			}
		} else {
			sort.Ints(results)
			if err != nil || len(results) != len(c.Results) {
				t.Fatalf("%s: %v, %v", c.Name, results, err)
			}
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if runtime.NumGoroutine() > before {
		t.Fatalf("%d goroutines left behind", runtime.NumGoroutine()-before)
	}
}

func TestRunAllParentCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(5 * time.Millisecond); cancel() }()
	jobs := make([]int, 1000)
	_, err := RunAll(ctx, 3, jobs, func(ctx context.Context, j int) (int, error) {
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(time.Millisecond):
			return 0, nil
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}
