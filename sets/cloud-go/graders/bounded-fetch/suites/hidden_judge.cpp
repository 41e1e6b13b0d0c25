// Hidden tests for FetchAll, judge half: the URLs each test fetches (given
// to the driver) and, computed here, when each fetch must start: a slot is
// refilled the instant a fetch ends (the greedy schedule errgroup gives).
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "gograde/judge.hpp"

namespace {

using gograde::judge::json;
using gograde::judge::observed;

struct fetch_case {
  std::string test, key;
  std::vector<std::string> urls;
  int limit;
};

const std::vector<std::string> kMixed = {"u0:300", "u1:100", "u2:200", "u3:50",  "u4:250",
                                         "u5:150", "u6:100", "u7:50",  "u8:200", "u9:100"};

const std::vector<fetch_case>& all_cases() {
  static const std::vector<fetch_case> c = {
      {"order", "10 URLs, limit 3", kMixed, 3},
      {"order", "10 URLs, limit 1", kMixed, 1},
      {"limit", "10 URLs, limit 3", kMixed, 3},
      {"limit", "10 URLs, limit 4", kMixed, 4},
      {"limit", "10 URLs, limit 20", kMixed, 20},
      {"first-error", "b fails at 50 ms, limit 3", {"a:100", "b:50:fail", "c:300", "d:100", "e:100"}, 3},
      {"first-error", "two fail, at 80 and 120 ms, limit 2", {"a:80:fail", "b:120:fail", "c:100"}, 2},
      {"waits", "a fails at 50 ms, s ignores cancellation until 200 ms", {"a:50:fail", "s:200:stubborn", "c:100"}, 2},
      {"concurrent", "6 URLs of 10 ms, limit 2", {"u0:10", "u1:10", "u2:10", "u3:10", "u4:10", "u5:10"}, 2},
  };
  return c;
}

GOGRADE_INPUT("cases") {
  json out = json::array();
  for (const auto& c : all_cases()) out.push_back({{"test", c.test}, {"key", c.key}, {"urls", c.urls}, {"limit", c.limit}});
  return out;
}

long ms_of(const std::string& url) {
  const auto a = url.find(':'), b = url.find(':', a + 1);
  return std::stol(url.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1));
}

// When each URL starts, at most `limit` at a time, in order, the next one the
// instant one ends; and when the last ends.
std::pair<std::map<std::string, long>, long> greedy(const std::vector<std::string>& urls, int limit) {
  std::vector<long> free_at(static_cast<std::size_t>(limit), 0);
  std::map<std::string, long> start;
  long end = 0;
  for (const auto& u : urls) {
    auto slot = std::min_element(free_at.begin(), free_at.end());
    start[u.substr(0, u.find(':'))] = *slot;
    *slot += ms_of(u);
    end = std::max(end, *slot);
  }
  return {start, end};
}

std::vector<std::string> bodies(const std::vector<std::string>& urls) {
  std::vector<std::string> b;
  for (const auto& u : urls) b.push_back("body of " + u.substr(0, u.find(':')));
  return b;
}

template <class Check>
void each(const std::string& test, Check check) {
  int n = 0;
  for (const auto& c : all_cases()) {
    if (c.test != test) continue;
    ++n;
    std::string urls;
    for (const auto& u : c.urls) urls += " " + u;
    INFO("FetchAll(urls, limit " << c.limit << ") with urls (name:ms[:fail][:stubborn]):" << urls);
    const json& o = observed(c.key);
    INFO("it returned " << o.dump());
    check(c, o);
  }
  REQUIRE(n > 0);
}

}  // namespace

TEST_CASE("Every body, in the order of the URLs", "[order]") {
  each("order", [](const fetch_case& c, const json& o) {
    CHECK(o.at("err") == "");
    CHECK(o.at("bodies").get<std::vector<std::string>>() == bodies(c.urls));
  });
}

TEST_CASE("At most limit in flight, a slot refilled the instant it frees", "[limit]") {
  each("limit", [](const fetch_case& c, const json& o) {
    const auto [start, end] = greedy(c.urls, c.limit);
    CHECK(o.at("max in flight") == std::min<long>(c.limit, static_cast<long>(c.urls.size())));
    CHECK(o.at("started").get<std::map<std::string, long>>() == start);
    CHECK(o.at("returned at ms") == end);
  });
}

TEST_CASE("The first error cancels the rest at its instant", "[first-error]") {
  each("first-error", [](const fetch_case& c, const json& o) {
    // The first failure: the earliest end of a failing URL, on the greedy schedule.
    const auto start = greedy(c.urls, c.limit).first;
    long first_failure = -1;
    for (const auto& u : c.urls)
      if (u.find(":fail") != std::string::npos) {
        const auto s = start.find(u.substr(0, u.find(':')));
        if (s != start.end() && (first_failure < 0 || s->second + ms_of(u) < first_failure))
          first_failure = s->second + ms_of(u);
      }
    REQUIRE(first_failure > 0);
    CHECK(o.at("err") == "the service's 503");
    CHECK(o.at("returned at ms") == first_failure);
    CHECK(o.at("in flight at return") == 0);
    // Only the fetches started before the failure: none after it.
    for (const auto& [name, at] : o.at("started").get<std::map<std::string, long>>()) {
      INFO("fetch " << name << " started at " << at << " ms");
      CHECK(at < first_failure);
    }
  });
}

TEST_CASE("FetchAll waits for a fetch that ignores cancellation", "[waits]") {
  each("waits", [](const fetch_case&, const json& o) {
    CHECK(o.at("err") == "the service's 503");
    CHECK(o.at("returned at ms") == 200);
    CHECK(o.at("in flight at return") == 0);
    CHECK_FALSE(o.at("started").contains("c"));
  });
}

TEST_CASE("The parent's deadline or cancellation stops the fetches", "[parent]") {
  const json& d = observed("deadline at 250 ms");
  INFO("6 URLs of 100 ms, limit 2, the parent's deadline at 250 ms: FetchAll returned " << d.dump());
  CHECK(d.at("err") == "the parent's deadline");
  CHECK(d.at("returned at ms") == 250);
  CHECK(d.at("in flight at return") == 0);
  CHECK(d.at("started").size() == 6);
  const json& c = observed("parent cancelled before");
  INFO("a parent cancelled before the call: FetchAll returned " << c.dump());
  CHECK(c.at("err") == "cancelled");
  CHECK(c.at("started").empty());
  CHECK(c.at("returned at ms") == 0);
}

TEST_CASE("Concurrent fetches on explored schedules", "[concurrent]") {
  each("concurrent", [](const fetch_case& c, const json& o) {
    CHECK(o.at("err") == "");
    CHECK(o.at("bodies").get<std::vector<std::string>>() == bodies(c.urls));
    CHECK(o.at("max in flight") == 2);
    CHECK(o.at("returned at ms") == 30);
  });
}
