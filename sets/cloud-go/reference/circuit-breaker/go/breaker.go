// Package circuitbreaker is the Go original of the circuit-breaker exercise.
package circuitbreaker

import (
	"errors"
	"sync"
	"time"
)

// ErrOpen is what Call returns, without running op, while the breaker is open.
var ErrOpen = errors.New("circuit breaker is open")

// State is the breaker's state.
type State int

// The states.
const (
	Closed State = iota
	Open
	HalfOpen
)

func (s State) String() string { return [...]string{"closed", "open", "half-open"}[s] }

// Breaker opens after threshold consecutive failures and lets one probe
// through after each cooldown.
type Breaker struct {
	mu        sync.Mutex
	state     State
	failures  int
	openedAt  time.Time
	threshold int
	cooldown  time.Duration
	now       func() time.Time
}

// New makes a breaker reading the time from now (time.Now in production).
func New(threshold int, cooldown time.Duration, now func() time.Time) *Breaker {
	return &Breaker{threshold: threshold, cooldown: cooldown, now: now}
}

// Call runs op unless the breaker is open, and returns its error.
func (b *Breaker) Call(op func() error) error {
	b.mu.Lock()
	if b.state == HalfOpen {
		b.mu.Unlock()
		return ErrOpen
	}
	if b.state == Open {
		if b.now().Sub(b.openedAt) < b.cooldown {
			b.mu.Unlock()
			return ErrOpen
		}
		b.state = HalfOpen
	}
	probe := b.state == HalfOpen
	b.mu.Unlock()

	err := op()

	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case probe && err == nil:
		b.state, b.failures = Closed, 0
	case probe:
		b.state, b.openedAt = Open, b.now()
	case err == nil:
		b.failures = 0
	default:
		b.failures++
		if b.failures >= b.threshold && b.state == Closed {
			b.state, b.openedAt = Open, b.now()
		}
	}
	return err
}

// State is the breaker's state now.
func (b *Breaker) State() State {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state
}
