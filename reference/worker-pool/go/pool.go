// Package workerpool is the Go original of the worker-pool exercise: the
// seed's worker, the driver that closes results, and RunAll (the first error
// stops every worker).
package workerpool

import (
	"context"
	"sync"
)

// Work is the work of one job (the seed's is j * 2).
type Work func(int) int

func worker(id int, jobs <-chan int, results chan<- int, wg *sync.WaitGroup, work Work) {
	defer wg.Done()
	for j := range jobs {
		results <- work(j)
	}
}

// Pool starts workers on jobs and returns the results, closed once every
// worker is done.
func Pool(workers int, jobs <-chan int, work Work) <-chan int {
	results := make(chan int)
	var wg sync.WaitGroup
	for id := 1; id <= workers; id++ {
		wg.Add(1)
		go worker(id, jobs, results, &wg, work)
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	return results
}

// WorkE is a job's work that can fail.
type WorkE func(context.Context, int) (int, error)

// RunAll runs jobs on workers; the first error cancels the others' context,
// no job starts after it, and RunAll returns it once every goroutine ended.
func RunAll(parent context.Context, workers int, jobs []int, work WorkE) ([]int, error) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	jobch := make(chan int)
	var (
		mu      sync.Mutex
		results []int
		first   error
		wg      sync.WaitGroup
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobch {
				if ctx.Err() != nil {
					continue
				}
				v, err := work(ctx, j)
				mu.Lock()
				if err != nil && first == nil {
					first = err
					cancel()
				} else if err == nil && first == nil {
					results = append(results, v)
				}
				mu.Unlock()
			}
		}()
	}
	go func() {
		defer close(jobch)
		for _, j := range jobs {
			select {
			case jobch <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	wg.Wait()
	if first == nil && parent.Err() != nil {
		first = parent.Err()
	}
	return results, first
}
