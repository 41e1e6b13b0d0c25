// Go's twin of ../mutex_foreign_unlock.cpp: the same three goroutines, the same
// order, no timing. Go's memory model orders main's `x = 1` before the third
// goroutine's read (Unlock 1 is synchronized before Lock 3), yet `go test
// -race` reports a race here: its Unlock overwrites the Mutex's clock with the
// unlocking goroutine's, which never synchronised with main. gox's race build
// merges and reports nothing (see the C++ program).
//
// The other goroutine learns that main holds Lock 2 through a pipe read with a
// raw read(2). Go's detector sees no edge there, on any schedule: syscall.Read
// and os.File would add one (they model I/O as synchronisation), and a
// goroutine that polled a second Mutex would sometimes acquire main's clock
// through that Mutex's atomic state word (a failed CompareAndSwap, or an
// Unlock's atomic add after main started waiting), which hid the report on a
// busy machine.
package departure

import (
	"sync"
	"syscall"
	"testing"
	"unsafe"
)

func rawIO(t *testing.T, call uintptr, fd int) {
	var b [1]byte
	n, _, errno := syscall.Syscall(call, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), 1)
	if errno != 0 || n != 1 {
		t.Errorf("raw I/O on the pipe: n = %d, errno = %v", n, errno)
	}
}

func TestMutexForeignUnlock(t *testing.T) {
	var x int64
	var m sync.Mutex
	var pipe [2]int
	if err := syscall.Pipe(pipe[:]); err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(pipe[0])
	defer syscall.Close(pipe[1])
	otherDone := make(chan struct{})
	thirdDone := make(chan int64)
	go func() {
		rawIO(t, syscall.SYS_READ, pipe[0]) // main holds Lock 2: no edge from main
		m.Unlock()                          // Unlock 2 of main's Lock 2
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
	rawIO(t, syscall.SYS_WRITE, pipe[1])
	if seen := <-thirdDone; seen != 1 {
		t.Fatalf("the third goroutine read x = %d, want 1", seen)
	}
}
