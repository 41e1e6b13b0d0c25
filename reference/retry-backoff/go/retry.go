// Package retrybackoff is the Go original of the retry-backoff exercise: the
// seed's Retry without its needless last sleep, and the follow-ups (context
// cancellation, a delay cap, full jitter).
package retrybackoff

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"time"
)

// sleep waits d or until ctx is done; tests replace it with a fake clock.
var sleep = func(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Retry calls operation up to attempts times, sleeping 1s, 2s, 4s, ...
// between failures and not after the last one.
func Retry(operation func() error, attempts int) error {
	return RetryContext(context.Background(), func(context.Context) error { return operation() }, attempts, Backoff{Base: time.Second})
}

// Backoff configures RetryContext.
type Backoff struct {
	Base   time.Duration // the first delay
	Max    time.Duration // no delay is longer; 0: no cap
	Jitter bool          // full jitter: each delay uniform in [0, min(Max, Base*2^i)]
}

// Delay is the i-th delay (i from 0) before jitter, without overflow.
func (b Backoff) Delay(i int) time.Duration {
	d := b.Base
	for k := 0; k < i; k++ {
		if d > math.MaxInt64/2 {
			d = math.MaxInt64
			break
		}
		d *= 2
		if b.Max > 0 && d >= b.Max {
			break
		}
	}
	if b.Max > 0 && d > b.Max {
		d = b.Max
	}
	return d
}

// RetryContext is Retry with a context, a cap and jitter.
func RetryContext(ctx context.Context, operation func(context.Context) error, attempts int, b Backoff) error {
	if attempts <= 0 {
		return fmt.Errorf("retry: attempts must be positive, got %d", attempts)
	}
	var err error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			d := b.Delay(i - 1)
			if b.Jitter && d > 0 {
				if d == math.MaxInt64 {
					d = time.Duration(rand.Int63n(int64(d)))
				} else {
					d = time.Duration(rand.Int63n(int64(d) + 1))
				}
			}
			if serr := sleep(ctx, d); serr != nil {
				return fmt.Errorf("retry stopped after %d attempts: %w", i, serr)
			}
		}
		if cerr := ctx.Err(); cerr != nil {
			return fmt.Errorf("retry stopped after %d attempts: %w", i, cerr)
		}
		if err = operation(ctx); err == nil {
			return nil
		}
	}
	return fmt.Errorf("failed after %d attempts: %w", attempts, err)
}
