// Package gracefuldrain is the Go original of the graceful-drain exercise.
package gracefuldrain

import (
	"context"
	"sort"
	"sync"
	"time"
)

// Job is a unit of work taking Work.
type Job struct {
	ID   int
	Work time.Duration
}

// Drained says what became of each job.
type Drained struct{ Finished, Interrupted, NotStarted []int }

func sorted(d Drained) Drained {
	for _, v := range [][]int{d.Finished, d.Interrupted, d.NotStarted} {
		sort.Ints(v)
	}
	return d
}

// Serve runs jobs on workers until jobs is closed, or until the notice: then
// it takes no more, gives in-flight jobs grace, interrupts them, and reports
// the jobs left in the channel.
func Serve(notice context.Context, jobs <-chan Job, workers int, grace time.Duration,
	process func(context.Context, Job) error) Drained {
	jobCtx, cancelJobs := context.WithCancel(context.Background())
	defer cancelJobs()
	var (
		mu sync.Mutex
		d  Drained
		wg sync.WaitGroup
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-notice.Done():
					return
				case j, ok := <-jobs:
					if !ok {
						return
					}
					if notice.Err() != nil {
						mu.Lock()
						d.NotStarted = append(d.NotStarted, j.ID)
						mu.Unlock()
						return
					}
					err := process(jobCtx, j)
					mu.Lock()
					if err != nil {
						d.Interrupted = append(d.Interrupted, j.ID)
					} else {
						d.Finished = append(d.Finished, j.ID)
					}
					mu.Unlock()
				}
			}
		}()
	}
	all := make(chan struct{})
	go func() { wg.Wait(); close(all) }()
	select {
	case <-all:
	case <-notice.Done():
		deadline := time.NewTimer(grace)
		defer deadline.Stop()
		select {
		case <-all:
		case <-deadline.C:
			cancelJobs()
			<-all
		}
	}
	for {
		select {
		case j, ok := <-jobs:
			if !ok {
				return sorted(d)
			}
			d.NotStarted = append(d.NotStarted, j.ID)
		default:
			return sorted(d)
		}
	}
}
