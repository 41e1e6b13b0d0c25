// Package safecounter is the Go original of the safe-counter exercise: the
// reference the C++ port (../counter.hpp) follows line for line.
package safecounter

import (
	"sync"
	"sync/atomic"
)

// Counter is safe for concurrent use.
type Counter struct {
	mu  sync.Mutex
	val int64
}

func (c *Counter) Inc() {
	c.mu.Lock()
	c.val++
	c.mu.Unlock()
}

func (c *Counter) Dec() {
	c.mu.Lock()
	c.val--
	c.mu.Unlock()
}

func (c *Counter) Value() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.val
}

// AtomicCounter is the follow-up: one word of state and sync/atomic.
type AtomicCounter struct{ val int64 }

func (c *AtomicCounter) Inc()         { atomic.AddInt64(&c.val, 1) }
func (c *AtomicCounter) Dec()         { atomic.AddInt64(&c.val, -1) }
func (c *AtomicCounter) Value() int64 { return atomic.LoadInt64(&c.val) }
