// Go side of the gox-vs-Go benchmarks: each scenario matches bench/gox_bench.cpp.
package bench

import (
	"sync"
	"testing"
)

func BenchmarkPingPongUnbuffered(b *testing.B) {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v
		}
	}()
	for i := 0; i < b.N; i++ {
		ping <- 1
		<-pong
	}
	close(ping)
}

func producerConsumer(b *testing.B, capacity int) {
	ch := make(chan int, capacity)
	done := make(chan bool)
	n := b.N
	go func() {
		for i := 0; i < n; i++ {
			<-ch
		}
		done <- true
	}()
	for i := 0; i < n; i++ {
		ch <- 1
	}
	<-done
}

func BenchmarkProducerConsumer1(b *testing.B)    { producerConsumer(b, 1) }
func BenchmarkProducerConsumer1024(b *testing.B) { producerConsumer(b, 1024) }

func BenchmarkSelect2BothReady(b *testing.B) {
	a, c := make(chan int, 1), make(chan int, 1)
	a <- 0
	c <- 0
	for i := 0; i < b.N; i++ {
		select {
		case <-a:
			a <- 0
		case <-c:
			c <- 0
		}
	}
}

func BenchmarkSpawnJoin(b *testing.B) {
	var wg sync.WaitGroup
	for i := 0; i < b.N; i++ {
		wg.Add(1)
		go func() { wg.Done() }()
		wg.Wait()
	}
}

func BenchmarkWaitGroupFanOut1000(b *testing.B) {
	var wg sync.WaitGroup
	for i := 0; i < b.N; i++ {
		wg.Add(1000)
		for j := 0; j < 1000; j++ {
			go func() { wg.Done() }()
		}
		wg.Wait()
	}
}

func skynet(c chan<- int, num, size, div int) {
	if size == 1 {
		c <- num
		return
	}
	rc := make(chan int)
	for i := 0; i < div; i++ {
		sub := num + i*(size/div)
		go skynet(rc, sub, size/div, div)
	}
	sum := 0
	for i := 0; i < div; i++ {
		sum += <-rc
	}
	c <- sum
}

func BenchmarkSkynet1M(b *testing.B) {
	for i := 0; i < b.N; i++ {
		c := make(chan int)
		go skynet(c, 0, 1000000, 10)
		if sum := <-c; sum != 499999500000 {
			b.Fatal("bad sum", sum)
		}
	}
}
