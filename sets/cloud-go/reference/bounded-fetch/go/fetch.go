// Package boundedfetch is the Go original of the bounded-fetch exercise:
// errgroup.WithContext with SetLimit, written out with the standard library
// (a WaitGroup, a semaphore channel and the first error under a mutex).
package boundedfetch

import (
	"context"
	"sync"
)

// FetchAll fetches every url, at most limit at a time; the first error
// cancels the rest. It returns once every fetch it started has ended.
func FetchAll(parent context.Context, urls []string, limit int,
	fetch func(context.Context, string) (string, error)) ([]string, error) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	slots := make(chan struct{}, limit)
	out := make([]string, len(urls))
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for i, u := range urls {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func(i int, u string) {
			defer wg.Done()
			defer func() { <-slots }()
			body, err := fetch(ctx, u)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && first == nil {
				first = err
				cancel()
			}
			out[i] = body
		}(i, u)
	}
	wg.Wait()
	if first != nil {
		return nil, first
	}
	if err := parent.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
