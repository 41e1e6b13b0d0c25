// Package singleflight is the Go original of the singleflight exercise
// (golang.org/x/sync/singleflight's Do, without panics and DoChan).
package singleflight

import "sync"

type call struct {
	wg   sync.WaitGroup
	val  string
	err  error
	dups int
}

// Group shares one call per key among concurrent callers.
type Group struct {
	mu sync.Mutex
	m  map[string]*call
}

// Do runs fn for key unless a call for key is in flight, then shares its result.
func (g *Group) Do(key string, fn func() (string, error)) (v string, err error, shared bool) {
	g.mu.Lock()
	if g.m == nil {
		g.m = map[string]*call{}
	}
	if c, ok := g.m[key]; ok {
		c.dups++
		g.mu.Unlock()
		c.wg.Wait()
		return c.val, c.err, true
	}
	c := &call{}
	c.wg.Add(1)
	g.m[key] = c
	g.mu.Unlock()

	c.val, c.err = fn()
	c.wg.Done()

	g.mu.Lock()
	delete(g.m, key)
	shared = c.dups > 0
	g.mu.Unlock()
	return c.val, c.err, shared
}
