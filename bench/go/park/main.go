// Peak RSS with N goroutines parked on one channel: prints "rss_kb=<n>".
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"syscall"
)

func main() {
	n := 100000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	ch := make(chan int)
	var started sync.WaitGroup
	started.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			started.Done()
			<-ch
		}()
	}
	started.Wait()
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("rss_kb=%d\n", ru.Maxrss)
	close(ch)
}
