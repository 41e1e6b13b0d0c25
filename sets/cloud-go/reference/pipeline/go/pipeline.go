// Package pipeline is the Go original of the pipeline exercise: stages that
// close their outputs, fan out and in, and stop on cancellation.
package pipeline

import (
	"context"
	"sync"
)

// Generate sends nums in order on its output, then closes it.
func Generate(ctx context.Context, nums ...int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for _, n := range nums {
			select {
			case out <- n:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// Square sends the square of each value of in, in order.
func Square(ctx context.Context, in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for n := range in {
			select {
			case out <- n * n:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// Merge sends every value of every input, closing its output after them all.
func Merge(ctx context.Context, ins ...<-chan int) <-chan int {
	out := make(chan int)
	var wg sync.WaitGroup
	for _, in := range ins {
		wg.Add(1)
		go func(in <-chan int) {
			defer wg.Done()
			for n := range in {
				select {
				case out <- n:
				case <-ctx.Done():
					return
				}
			}
		}(in)
	}
	go func() { wg.Wait(); close(out) }()
	return out
}
