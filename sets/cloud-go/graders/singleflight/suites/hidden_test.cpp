// Hidden tests for singleflight, drive half, in virtual time: a backend that
// counts its calls and takes 100 ms; callers arrive at exact instants.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gograde/check.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
#include "gox/time.hpp"
#include "singleflight.hpp"

namespace {

using namespace std::chrono_literals;
using gograde::check::ms_since;
using gograde::check::observe;
using reply = std::pair<std::string, gox::error>;

const gox::error kDbDown = gox::errors::New("database unavailable");

// A backend whose calls are numbered per key: the n-th call of key k returns
// "k#n" (or fails) after `latency`.
struct backend {
  gox::Mutex mu;
  std::map<std::string, int> calls;
  int count(const std::string& key) {
    std::lock_guard g(mu);
    return calls[key];
  }
};

// The function a caller hands to Do (owning the backend: a wrong answer may
// keep it past the test).
std::function<reply()> call_of(std::shared_ptr<backend> db, const std::string& key, gox::time::Duration latency,
                               bool fails) {
  return [db, key, latency, fails] {
    int n;
    {
      std::lock_guard g(db->mu);
      n = ++db->calls[key];
    }
    gox::time::Sleep(latency);
    return fails ? reply{"", kDbDown} : reply{key + "#" + std::to_string(n), {}};
  };
}

struct seen {
  std::string val, err;
  bool shared = false;
  long at_ms = -1;
};

nlohmann::json to_json(const std::vector<seen>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& s : v) a.push_back({{"val", s.val}, {"err", s.err}, {"shared", s.shared}, {"at ms", s.at_ms}});
  return a;
}

// Callers of `key` at the given instants (ms from t0), all on their own fiber.
std::shared_ptr<std::vector<seen>> callers(gox::WaitGroup& wg, const std::shared_ptr<Group>& g,
                                           const std::shared_ptr<backend>& db, const std::string& key,
                                           std::vector<long> at, gox::time::Time t0, bool fails = false) {
  auto out = std::make_shared<std::vector<seen>>(at.size());
  for (std::size_t i = 0; i < at.size(); ++i) {
    wg.Add(1);
    gox::go([&wg, g, db, key, out, i, t0, fails, when = at[i]] {
      const auto wait = gox::time::Millisecond * when - gox::time::Since(t0);
      if (wait > gox::time::Duration::zero()) gox::time::Sleep(wait);
      const Result r = g->Do(key, call_of(db, key, 100ms, fails));
      const std::string err = !r.err ? "" : gox::errors::Is(r.err, kDbDown) ? "the backend's error" : r.err.Error();
      (*out)[i] = {r.val, err, r.shared, ms_since(t0)};
      wg.Done();
    });
  }
  return out;
}

// `per_key` callers of each key at 0 ms; observed per key.
void several_keys(const std::vector<std::string>& keys, int per_key) {
  gograde::check::run(
      [&] {
        auto g = std::make_shared<Group>();
        auto db = std::make_shared<backend>();
        const gox::time::Time t0 = gox::time::Now();
        gox::WaitGroup wg;
        std::map<std::string, std::shared_ptr<std::vector<seen>>> by_key;
        for (const auto& k : keys) by_key[k] = callers(wg, g, db, k, std::vector<long>(per_key, 0), t0);
        wg.Wait();
        for (const auto& [k, v] : by_key) observe("key " + k, {{"callers", to_json(*v)}, {"backend calls", db->count(k)}});
      },
      gograde::check::virtual_time);
}

}  // namespace

// 10 callers at 0 ms, two late ones at 50 and 99 ms; one more at 150 ms.
TEST_CASE("A stampede on one key makes one backend call", "[shares]") {
  gograde::check::run(
      [] {
        auto g = std::make_shared<Group>();
        auto db = std::make_shared<backend>();
        const gox::time::Time t0 = gox::time::Now();
        gox::WaitGroup wg;
        auto herd = callers(wg, g, db, "user:42", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 50, 99}, t0);
        auto after = callers(wg, g, db, "user:42", {150}, t0);
        wg.Wait();
        observe("the herd", to_json(*herd));
        observe("the caller after", to_json(*after));
        observe("backend calls", db->count("user:42"));
      },
      gograde::check::virtual_time);
}

TEST_CASE("Every caller of a failed call gets its error", "[error]") {
  gograde::check::run(
      [] {
        auto g = std::make_shared<Group>();
        auto db = std::make_shared<backend>();
        const gox::time::Time t0 = gox::time::Now();
        gox::WaitGroup wg;
        auto herd = callers(wg, g, db, "order:7", {0, 0, 30, 60}, t0, true);
        wg.Wait();
        observe("the herd", to_json(*herd));
        observe("backend calls", db->count("order:7"));
      },
      gograde::check::virtual_time);
}

// Keys a, b and c, two callers each at 0 ms.
TEST_CASE("Different keys make their own calls, side by side", "[keys]") { several_keys({"a", "b", "c"}, 2); }

// One caller at a time: 0, 200, 400 ms (the middle one fails).
TEST_CASE("A call made alone is not shared; the key is forgotten after each call", "[forget]") {
  gograde::check::run(
      [] {
        auto g = std::make_shared<Group>();
        auto db = std::make_shared<backend>();
        const gox::time::Time t0 = gox::time::Now();
        gox::WaitGroup wg;
        auto first = callers(wg, g, db, "k", {0}, t0);
        auto second = callers(wg, g, db, "k", {200}, t0, true);
        auto third = callers(wg, g, db, "k", {400}, t0);
        wg.Wait();
        observe("calls", {{"first", to_json(*first)}, {"second", to_json(*second)}, {"third", to_json(*third)}});
        observe("backend calls", db->count("k"));
      },
      gograde::check::virtual_time);
}

// 3 keys x 3 callers at one instant, on explored schedules.
TEST_CASE("Concurrent callers of several keys: one call per key", "[concurrent]") { several_keys({"x", "y", "z"}, 3); }
