// gox side of the gox-vs-Go benchmarks (bench/run runs both). Each scenario
// matches a Go benchmark in bench/go/bench_test.go line for line.
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "gox/chan.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"

namespace {

gox::config bench_config() {
  gox::config c;
  c.sched = gox::sched_kind::parallel;
  c.threads = 1;
  if (const char* t = std::getenv("GOX_BENCH_THREADS")) c.threads = std::atoi(t);
  return c;
}

template <class F>
void in_run(F&& f) {
  auto r = gox::run(bench_config(), std::forward<F>(f));
  if (!r.ok()) std::abort();
}

void BM_PingPongUnbuffered(benchmark::State& state) {
  in_run([&] {
    auto ping = gox::make_chan<int>();
    auto pong = gox::make_chan<int>();
    gox::go([=] {
      for (;;) {
        auto [v, ok] = ping.recv2();
        if (!ok) return;
        pong.send(v);
      }
    });
    for (auto _ : state) {
      ping.send(1);
      benchmark::DoNotOptimize(pong.recv());
    }
    ping.close();
  });
}
BENCHMARK(BM_PingPongUnbuffered)->UseRealTime();

void BM_ProducerConsumer(benchmark::State& state) {
  const auto cap = static_cast<std::size_t>(state.range(0));
  in_run([&] {
    auto ch = gox::make_chan<int>(cap);
    const auto n = state.max_iterations;
    auto done = gox::make_chan<bool>();
    gox::go([=] {
      for (benchmark::IterationCount i = 0; i < n; ++i) ch.recv();
      done.send(true);
    });
    for (auto _ : state) ch.send(1);
    done.recv();
  });
}
BENCHMARK(BM_ProducerConsumer)->Arg(1)->Arg(1024)->UseRealTime();

void BM_Select2BothReady(benchmark::State& state) {
  in_run([&] {
    auto a = gox::make_chan<int>(1);
    auto b = gox::make_chan<int>(1);
    a.send(0);
    b.send(0);
    for (auto _ : state) {
      gox::select(gox::recv_case(a, [&](int) { a.send(0); }),
                  gox::recv_case(b, [&](int) { b.send(0); }));
    }
  });
}
BENCHMARK(BM_Select2BothReady)->UseRealTime();

void BM_SpawnJoin(benchmark::State& state) {
  in_run([&] {
    gox::WaitGroup wg;
    for (auto _ : state) {
      wg.Add(1);
      gox::go([&] { wg.Done(); });
      wg.Wait();
    }
  });
}
BENCHMARK(BM_SpawnJoin)->UseRealTime();

void BM_WaitGroupFanOut1000(benchmark::State& state) {
  in_run([&] {
    gox::WaitGroup wg;
    for (auto _ : state) {
      wg.Add(1000);
      for (int i = 0; i < 1000; ++i) gox::go([&] { wg.Done(); });
      wg.Wait();
    }
  });
}
BENCHMARK(BM_WaitGroupFanOut1000)->UseRealTime();

void skynet(gox::send_chan<long> c, long num, long size, long div) {
  if (size == 1) {
    c.send(num);
    return;
  }
  auto rc = gox::make_chan<long>();
  for (long i = 0; i < div; ++i) {
    const long sub = num + i * (size / div);
    gox::go([=] { skynet(rc, sub, size / div, div); });
  }
  long sum = 0;
  for (long i = 0; i < div; ++i) sum += rc.recv();
  c.send(sum);
}

void BM_Skynet1M(benchmark::State& state) {
  in_run([&] {
    for (auto _ : state) {
      auto c = gox::make_chan<long>();
      gox::go([=] { skynet(c, 0, 1000000, 10); });
      const long sum = c.recv();
      if (sum != 499999500000L) std::abort();
    }
  });
}
BENCHMARK(BM_Skynet1M)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
