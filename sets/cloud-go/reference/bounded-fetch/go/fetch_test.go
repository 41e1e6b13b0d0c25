package boundedfetch

// The hidden suite's cases on a fake service in real time (short sleeps;
// the C++ suites check exact instants in virtual time).

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var errService = errors.New("503 from the service")

type service struct {
	mu             sync.Mutex
	inFlight, most int
	started        []string
}

// "name:ms[:fail][:stubborn]", each ms a real millisecond.
func (s *service) fetch(ctx context.Context, url string) (string, error) {
	p := strings.Split(url, ":")
	ms, _ := strconv.Atoi(p[1])
	s.mu.Lock()
	s.inFlight++
	if s.inFlight > s.most {
		s.most = s.inFlight
	}
	s.started = append(s.started, p[0])
	s.mu.Unlock()
	defer func() { s.mu.Lock(); s.inFlight--; s.mu.Unlock() }()
	fails, stubborn := strings.Contains(url, ":fail"), strings.Contains(url, ":stubborn")
	if stubborn {
		time.Sleep(time.Duration(ms) * time.Millisecond)
	} else {
		select {
		case <-time.After(time.Duration(ms) * time.Millisecond):
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	if fails {
		return "", errService
	}
	return "body of " + p[0], nil
}

var mixed = []string{"u0:30", "u1:10", "u2:20", "u3:5", "u4:25", "u5:15", "u6:10", "u7:5", "u8:20", "u9:10"}

func TestOrderAndLimit(t *testing.T) {
	for _, limit := range []int{1, 3, 4, 20} {
		s := &service{}
		bodies, err := FetchAll(context.Background(), mixed, limit, s.fetch)
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range bodies {
			if b != fmt.Sprintf("body of u%d", i) {
				t.Fatalf("limit %d: bodies %v", limit, bodies)
			}
		}
		want := limit
		if want > len(mixed) {
			want = len(mixed)
		}
		if s.most > limit || (limit == 1 && s.most != 1) {
			t.Fatalf("limit %d: %d in flight", limit, s.most)
		}
	}
}

func TestFirstErrorCancels(t *testing.T) {
	s := &service{}
	start := time.Now()
	_, err := FetchAll(context.Background(), []string{"a:100", "b:5:fail", "c:300", "d:100", "e:100"}, 3, s.fetch)
	if !errors.Is(err, errService) {
		t.Fatal(err)
	}
	if time.Since(start) > 90*time.Millisecond || s.inFlight != 0 || len(s.started) != 3 {
		t.Fatalf("took %v, %d in flight, started %v", time.Since(start), s.inFlight, s.started)
	}
}

func TestWaitsForStubbornFetch(t *testing.T) {
	s := &service{}
	start := time.Now()
	_, err := FetchAll(context.Background(), []string{"a:5:fail", "s:60:stubborn", "c:10"}, 2, s.fetch)
	if !errors.Is(err, errService) || time.Since(start) < 60*time.Millisecond || s.inFlight != 0 {
		t.Fatalf("%v after %v, %d in flight", err, time.Since(start), s.inFlight)
	}
}

func TestParent(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Millisecond)
	defer cancel()
	s := &service{}
	_, err := FetchAll(ctx, []string{"u0:10", "u1:10", "u2:10", "u3:10", "u4:10", "u5:10"}, 2, s.fetch)
	if !errors.Is(err, context.DeadlineExceeded) || s.inFlight != 0 {
		t.Fatal(err)
	}
	done, cancel2 := context.WithCancel(context.Background())
	cancel2()
	s = &service{}
	if _, err := FetchAll(done, []string{"u0:10"}, 2, s.fetch); !errors.Is(err, context.Canceled) || len(s.started) != 0 {
		t.Fatal(err, s.started)
	}
}
