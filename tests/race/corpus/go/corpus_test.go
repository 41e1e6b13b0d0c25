// The race corpus's Go twins: one test per C++ program under tests/race/corpus,
// same name, same racy/clean difference (RACY=1 in the environment selects the
// racy variant). Run each test alone under `go test -race` (see ../compare).
package corpus

import (
	"context"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var racy = os.Getenv("RACY") == "1"

var sink int64

func observe(v int64) { atomic.AddInt64(&sink, v) }

func Test_unbuffered_send(t *testing.T) {
	var x int64
	ch := make(chan int)
	go func() {
		if !racy {
			x = 1
		}
		ch <- 1
		if racy {
			x = 1
		}
	}()
	<-ch
	observe(x)
	time.Sleep(10 * time.Millisecond) // let a late write happen before the test ends
}

func Test_unbuffered_recv_first(t *testing.T) {
	var x int64
	capacity := 0
	if racy {
		capacity = 1
	}
	ch := make(chan int, capacity)
	done := make(chan int)
	go func() {
		x = 1
		<-ch
		<-done
	}()
	ch <- 1
	observe(x)
	done <- 0
}

func Test_buffered_capacity(t *testing.T) {
	var x int64
	capacity := 1
	if racy {
		capacity = 2
	}
	sem := make(chan int, capacity)
	done := make(chan int)
	sem <- 0
	go func() {
		x = 1
		<-sem
		<-done
	}()
	sem <- 0
	observe(x)
	done <- 0
}

func Test_buffered_send(t *testing.T) {
	var x int64
	ch := make(chan int, 10)
	go func() {
		if !racy {
			x = 1
		}
		ch <- 1
		if racy {
			x = 1
		}
	}()
	<-ch
	observe(x)
	time.Sleep(10 * time.Millisecond)
}

func Test_close_recv(t *testing.T) {
	var x int64
	done := make(chan int)
	go func() {
		if !racy {
			x = 1
		}
		close(done)
		if racy {
			x = 1
		}
	}()
	<-done
	observe(x)
	time.Sleep(10 * time.Millisecond)
}

func Test_range_close(t *testing.T) {
	var total int64
	ch := make(chan int, 4)
	go func() {
		for i := 1; i <= 8; i++ {
			ch <- i
		}
		if !racy {
			total = 8
		}
		close(ch)
		if racy {
			total = 8
		}
	}()
	var sum int64
	for v := range ch {
		sum += int64(v)
	}
	observe(sum + total)
	time.Sleep(10 * time.Millisecond)
}

func Test_select_recv(t *testing.T) {
	var x, got int64
	a, b := make(chan int), make(chan int)
	go func() {
		if !racy {
			x = 1
		}
		a <- 1
		if racy {
			x = 1
		}
	}()
	select {
	case v := <-a:
		got = int64(v)
	case v := <-b:
		got = int64(v)
	}
	observe(got + x)
	time.Sleep(10 * time.Millisecond)
}

func Test_select_send(t *testing.T) {
	var x int64
	ch := make(chan int, 1)
	quit := make(chan int)
	go func() {
		if !racy {
			x = 1
		}
		select {
		case ch <- 1:
		case <-quit:
		}
		if racy {
			x = 1
		}
	}()
	<-ch
	observe(x)
	time.Sleep(10 * time.Millisecond)
}

func Test_mutex_counter(t *testing.T) {
	var mu sync.Mutex
	var counter int64
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			for i := 0; i < 50; i++ {
				if !racy {
					mu.Lock()
				}
				counter++
				if !racy {
					mu.Unlock()
				}
				runtime.Gosched()
			}
			wg.Done()
		}()
	}
	wg.Wait()
	observe(counter)
}

// Go has no threads outside its scheduler: the twin of the plain-thread
// program is two goroutines, one of them careless in the racy variant.
func Test_mutex_plain_threads(t *testing.T) {
	var mu sync.Mutex
	var counter int64
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		for i := 0; i < 2000; i++ {
			mu.Lock()
			counter++
			mu.Unlock()
		}
		wg.Done()
	}()
	go func() {
		for i := 0; i < 2000; i++ {
			if !racy {
				mu.Lock()
			}
			counter++
			if !racy {
				mu.Unlock()
			}
		}
		wg.Done()
	}()
	wg.Wait()
	observe(counter)
}

func Test_mutex_unlocked_read(t *testing.T) {
	var mu sync.Mutex
	var balance int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		mu.Lock()
		balance += 10
		mu.Unlock()
		wg.Done()
	}()
	if !racy {
		mu.Lock()
	}
	observe(balance)
	if !racy {
		mu.Unlock()
	}
	wg.Wait()
}

func Test_mutex_per_worker(t *testing.T) {
	var sharedMu sync.Mutex
	var hits int64
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			var ownMu sync.Mutex
			mu := &sharedMu
			if racy {
				mu = &ownMu
			}
			for i := 0; i < 20; i++ {
				mu.Lock()
				hits++
				mu.Unlock()
				runtime.Gosched()
			}
			wg.Done()
		}()
	}
	wg.Wait()
	observe(hits)
}

func Test_rwmutex_read_unlocked(t *testing.T) {
	var mu sync.RWMutex
	var version int64
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		for i := 0; i < 10; i++ {
			mu.Lock()
			version++
			mu.Unlock()
			runtime.Gosched()
		}
		wg.Done()
	}()
	go func() {
		for i := 0; i < 10; i++ {
			if !racy {
				mu.RLock()
			}
			observe(version)
			if !racy {
				mu.RUnlock()
			}
			runtime.Gosched()
		}
		wg.Done()
	}()
	wg.Wait()
}

func Test_rwmutex_write_under_rlock(t *testing.T) {
	var mu sync.RWMutex
	var size int64
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			for i := 0; i < 10; i++ {
				if racy {
					mu.RLock()
				} else {
					mu.Lock()
				}
				size++
				if racy {
					mu.RUnlock()
				} else {
					mu.Unlock()
				}
				runtime.Gosched()
			}
			wg.Done()
		}()
	}
	wg.Wait()
	observe(size)
}

func Test_waitgroup_done(t *testing.T) {
	var results [4]int64
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			if racy {
				wg.Done()
			}
			results[w] = int64(w * w)
			if !racy {
				wg.Done()
			}
		}(w)
	}
	wg.Wait()
	var sum int64
	for _, r := range results {
		sum += r
	}
	observe(sum)
	time.Sleep(10 * time.Millisecond)
}

func Test_waitgroup_add_inside(t *testing.T) {
	var results [4]int64
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		if !racy {
			wg.Add(1)
		}
		go func(w int) {
			if racy {
				wg.Add(1)
			}
			results[w] = int64(w + 1)
			wg.Done()
		}(w)
	}
	wg.Wait()
	var sum int64
	for _, r := range results {
		sum += r
	}
	observe(sum)
	time.Sleep(10 * time.Millisecond)
}

func Test_once_init(t *testing.T) {
	var once sync.Once
	var loaded bool
	var setting int64
	get := func() int64 {
		if racy {
			if !loaded {
				setting = 42
				loaded = true
			}
		} else {
			once.Do(func() { setting = 42 })
		}
		return setting
	}
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			observe(get())
			wg.Done()
		}()
	}
	wg.Wait()
}

func Test_loop_var_capture(t *testing.T) {
	var wg sync.WaitGroup
	var seen [3]int64
	for i := 0; i < 3; i++ { // Go 1.19: one i for the whole loop
		wg.Add(1)
		if racy {
			go func() {
				observe(int64(i))
				wg.Done()
			}()
		} else {
			go func(i int) {
				seen[i] = int64(i)
				wg.Done()
			}(i)
		}
	}
	wg.Wait()
	observe(seen[0] + seen[1] + seen[2])
}

func Test_publish_before_init(t *testing.T) {
	type config struct{ port int64 }
	var current atomic.Value
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		var c *config
		for {
			if v := current.Load(); v != nil {
				c = v.(*config)
				break
			}
			runtime.Gosched()
		}
		observe(c.port)
		wg.Done()
	}()
	c := &config{}
	if racy {
		current.Store(c)
	}
	c.port = 8080
	if !racy {
		current.Store(c)
	}
	wg.Wait()
}

func Test_map_check_then_act(t *testing.T) {
	var mu sync.Mutex
	sessions := map[string]int64{}
	ensure := func(user string) {
		mu.Lock()
		_, ok := sessions[user]
		missing := !ok
		if racy {
			mu.Unlock()
		}
		if missing {
			sessions[user] = 1
		}
		if !racy {
			mu.Unlock()
		}
	}
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func(w int) {
			if w == 0 {
				ensure("ann")
			} else {
				ensure("bob")
			}
			runtime.Gosched()
			ensure("cid")
			wg.Done()
		}(w)
	}
	wg.Wait()
	observe(int64(len(sessions)))
}

func Test_atomic_flag(t *testing.T) {
	var ready atomic.Bool
	var payload int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		for !ready.Load() {
			runtime.Gosched()
		}
		observe(payload)
		wg.Done()
	}()
	if !racy {
		payload = 7
	}
	ready.Store(true)
	if racy {
		payload = 7
	}
	wg.Wait()
}

func Test_context_done(t *testing.T) {
	var code int64
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		if !racy {
			code = 3
		}
		cancel()
		if racy {
			code = 3
		}
	}()
	<-ctx.Done()
	observe(code)
	time.Sleep(10 * time.Millisecond)
}

func Test_context_err(t *testing.T) {
	var code int64
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		if !racy {
			code = 3
		}
		cancel()
		if racy {
			code = 3
		}
	}()
	for ctx.Err() == nil {
		runtime.Gosched()
	}
	observe(code)
	time.Sleep(10 * time.Millisecond)
}

func Test_afterfunc(t *testing.T) {
	var limit int64
	done := make(chan int)
	if !racy {
		limit = 5
	}
	time.AfterFunc(time.Millisecond, func() {
		observe(limit)
		close(done)
	})
	if racy {
		limit = 5
	}
	<-done
}

func Test_timer_reset(t *testing.T) {
	var reason int64
	timer := time.NewTimer(time.Hour)
	done := make(chan int)
	go func() {
		<-timer.C
		observe(reason)
		close(done)
	}()
	timer.Stop()
	if !racy {
		reason = 2
	}
	timer.Reset(time.Millisecond)
	if racy {
		reason = 2
	}
	<-done
}

func Test_sleep_is_not_sync(t *testing.T) {
	var answer int64
	done := make(chan int)
	go func() {
		answer = 42
		close(done)
	}()
	if racy {
		time.Sleep(20 * time.Millisecond)
	} else {
		<-done
	}
	observe(answer)
}

func Test_go_start(t *testing.T) {
	var jobID int64
	var wg sync.WaitGroup
	wg.Add(1)
	if !racy {
		jobID = 9
	}
	go func() {
		observe(jobID)
		wg.Done()
	}()
	if racy {
		jobID = 9
	}
	wg.Wait()
}

// gox::run joins every fiber; Go has no join, so the twin's clean variant
// waits with a WaitGroup, its racy one reads without waiting.
func Test_fiber_exit_join(t *testing.T) {
	var result int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { result = 1; wg.Done() }()
	if racy {
		for i := 0; i < 3; i++ {
			runtime.Gosched()
		}
		observe(result)
		wg.Wait()
	} else {
		wg.Wait()
		observe(result)
	}
}

func Test_append_shared(t *testing.T) {
	var mu sync.Mutex
	found := make([]int64, 0, 64)
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func(w int) {
			for i := 0; i < 5; i++ {
				if !racy {
					mu.Lock()
				}
				found = append(found, int64(w*10+i))
				if !racy {
					mu.Unlock()
				}
				runtime.Gosched()
			}
			wg.Done()
		}(w)
	}
	wg.Wait()
	observe(int64(len(found)))
}

func Test_close_vs_send(t *testing.T) {
	defer func() { recover() }() // the racy variant may also panic: send on closed channel
	results := make(chan int, 8)
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer func() { recover(); wg.Done() }()
			results <- w
		}(w)
	}
	if !racy {
		wg.Wait()
	}
	close(results)
	if racy {
		wg.Wait()
	}
}

func Test_unbuffered_parked_receiver(t *testing.T) {
	var x int64
	ch := make(chan int)
	go func() {
		x = 1
		<-ch
		if !racy {
			ch <- 2
		}
	}()
	time.Sleep(50 * time.Millisecond)
	go func() { ch <- 1 }()
	time.Sleep(50 * time.Millisecond)
	if racy {
		go func() { ch <- 2 }()
	}
	<-ch
	observe(x)
}

func Test_unbuffered_parked_sender(t *testing.T) {
	var x int64
	ch := make(chan int)
	back := make(chan int, 1)
	go func() {
		x = 1
		ch <- 1
	}()
	time.Sleep(50 * time.Millisecond)
	go func() {
		<-ch
		if !racy {
			back <- 0
		}
	}()
	time.Sleep(50 * time.Millisecond)
	if racy {
		go func() {
			<-ch
			back <- 0
		}()
		ch <- 2
	}
	<-back
	observe(x)
}

func Test_select_other_case(t *testing.T) {
	var x int64
	a := make(chan int)
	b := make(chan int)
	go func() {
		x = 1
		select {
		case <-a:
		case <-b:
		}
		if !racy {
			b <- 2
		}
	}()
	time.Sleep(50 * time.Millisecond)
	go func() { a <- 1 }()
	time.Sleep(50 * time.Millisecond)
	if racy {
		go func() { b <- 2 }()
	}
	<-b
	observe(x)
}
