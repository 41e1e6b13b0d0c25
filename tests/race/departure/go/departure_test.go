// Go's twin of ../mutex_foreign_unlock.cpp: the same three goroutines, the same
// order, no timing. Go's memory model orders main's `x = 1` before the third
// goroutine's read (Unlock 1 is synchronized before Lock 3), yet `go test
// -race` reports a race here: its Unlock overwrites the Mutex's clock with the
// unlocking goroutine's, which never synchronised with main. gox's race build
// merges and reports nothing (see the C++ program).
package departure

import (
	"runtime"
	"sync"
	"testing"
)

func TestMutexForeignUnlock(t *testing.T) {
	var x int64
	var m, held sync.Mutex
	otherDone := make(chan struct{})
	thirdDone := make(chan int64)
	go func() {
		for held.TryLock() { // only this goroutine unlocks `held`: no edge from main
			held.Unlock()
			runtime.Gosched()
		}
		m.Unlock() // Unlock 2 of main's Lock 2
		close(otherDone)
	}()
	go func() {
		<-otherDone
		m.Lock() // Lock 3
		seen := x
		m.Unlock()
		thirdDone <- seen
	}()
	x = 1
	m.Lock()   // Lock 1
	m.Unlock() // Unlock 1
	m.Lock()   // Lock 2: the other goroutine unlocks it
	held.Lock()
	if seen := <-thirdDone; seen != 1 {
		t.Fatalf("the third goroutine read x = %d, want 1", seen)
	}
}
