package pipeline

// The hidden suite's cases; leaks are checked by counting goroutines.

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"testing"
	"time"
)

func seq(from, to int) []int {
	var v []int
	for i := from; i <= to; i++ {
		v = append(v, i)
	}
	return v
}

func drain(ch <-chan int) []int {
	var got []int
	for v := range ch {
		got = append(got, v)
	}
	return got
}

func TestStages(t *testing.T) {
	ctx := context.Background()
	if got := fmt.Sprint(drain(Square(ctx, Generate(ctx, seq(1, 8)...)))); got != "[1 4 9 16 25 36 49 64]" {
		t.Fatal(got)
	}
	if got := fmt.Sprint(drain(Square(ctx, Square(ctx, Generate(ctx, seq(-3, 3)...))))); got != "[81 16 1 0 1 16 81]" {
		t.Fatal(got)
	}
}

func TestMerge(t *testing.T) {
	ctx := context.Background()
	in := Generate(ctx, seq(1, 30)...)
	got := drain(Merge(ctx, Square(ctx, in), Square(ctx, in), Square(ctx, in)))
	sort.Ints(got)
	for i, v := range got {
		if v != (i+1)*(i+1) {
			t.Fatal(got)
		}
	}
	if len(got) != 30 || len(drain(Merge(ctx))) != 0 {
		t.Fatal(got)
	}
}

func TestCancelLeavesNothing(t *testing.T) {
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	in := Generate(ctx, seq(1, 10000)...)
	out := Merge(ctx, Square(ctx, in), Square(ctx, in))
	for i := 0; i < 3; i++ {
		<-out
	}
	cancel()
	if rest := drain(out); len(rest) > 4 {
		t.Fatalf("%d values after the cancel", len(rest))
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines left", runtime.NumGoroutine()-before)
		}
		time.Sleep(time.Millisecond)
	}
}
