// Hidden tests for Consume, judge half: the cases (the driver gets them all)
// and what each must give. Every non-poison id charged exactly once, after
// fail_first failed calls; a poison id called max_receives times and
// dead-lettered once; every copy removed once, no stale receipt; no id
// handled twice at once; Consume returning the instant it is cancelled; and,
// where the case gives it, the instant the queue was emptied.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "gograde/judge.hpp"

namespace {

using gograde::judge::json;
using gograde::judge::observed;
using counts = std::map<std::string, int>;

struct msg {
  std::string id;
  long at_ms;
  int fail_first;  // < 0: poison
};

struct consumer_case {
  std::string test, key;
  std::vector<msg> messages;
  int workers, max_receives;
  long visibility_ms, handle_ms, emptied_at_ms;  // -1: not checked
  int most_at_once = -1;                          // -1: not checked
  long cancel_at_ms = -1;                         // -1: cancelled once every copy is removed
  long returned_at_ms = -1;                       // -1: at the cancel
};

std::vector<msg> many(int n) {
  std::vector<msg> v;
  for (int i = 1; i <= n; ++i) v.push_back({(i < 10 ? "p0" : "p") + std::to_string(i), 0, 0});
  return v;
}

const std::vector<consumer_case>& all_cases() {
  static const std::vector<consumer_case> c = {
      {"once", "20 messages, 4 workers, 100 ms each", many(20), 4, 5, 30000, 100, 500, 4},
      {"duplicates", "6 messages; copies of p2 and p4 at 500 ms, of p5 at 2 s",
       {{"p1", 0, 0}, {"p2", 0, 0}, {"p3", 0, 0}, {"p4", 0, 0}, {"p5", 0, 0}, {"p6", 0, 0},
        {"p2", 500, 0}, {"p4", 500, 0}, {"p5", 2000, 0}},
       2, 5, 30000, 100, 2000},
      {"in-flight", "a copy of p1 at 1 s while p1 takes 5 s (visibility 10 s, 3 workers)",
       {{"p1", 0, 0}, {"p2", 0, 0}, {"p1", 1000, 0}}, 3, 5, 10000, 5000, 11000},
      {"in-flight", "two copies of p1 at once, each failing once (visibility 1 s, 2 workers)",
       {{"p1", 0, 1}, {"p1", 0, 0}}, 2, 5, 1000, 300, -1},
      {"retry", "p1 fails twice, p3 once (visibility 1 s, 2 workers)",
       {{"p1", 0, 2}, {"p2", 0, 0}, {"p3", 0, 1}}, 2, 5, 1000, 100, 2100},
      {"dlq", "p1 always fails, max_receives 3 (visibility 1 s)", {{"p1", 0, -1}, {"p2", 0, 0}}, 2, 3, 1000, 100, 3000},
      {"dlq", "p1 fails 3 times with max_receives 3: a fourth delivery goes to the DLQ",
       {{"p1", 0, 3}, {"p2", 0, 0}}, 1, 3, 1000, 100, -1},
      {"shutdown", "4 messages of 1 s on 2 workers, cancelled at 1.5 s", many(4), 2, 5, 30000, 1000, 2000, 2, 1500, 2000},
      {"concurrent", "6 messages and copies of 3 of them at once, 3 workers",
       {{"a", 0, 0}, {"a", 0, 0}, {"b", 0, 0}, {"c", 0, 0}, {"c", 0, 0}, {"d", 0, 1}, {"e", 0, 0}, {"e", 0, 0}, {"f", 0, 0}},
       3, 5, 1000, 10, -1},
  };
  return c;
}

GOGRADE_INPUT("cases") {
  json out = json::array();
  for (const auto& c : all_cases()) {
    json ms = json::array();
    for (const auto& m : c.messages) ms.push_back({{"id", m.id}, {"at_ms", m.at_ms}, {"fail_first", m.fail_first}});
    out.push_back({{"test", c.test}, {"key", c.key}, {"messages", ms}, {"workers", c.workers},
                   {"max_receives", c.max_receives}, {"visibility_ms", c.visibility_ms}, {"handle_ms", c.handle_ms},
                   {"cancel_at_ms", c.cancel_at_ms}});
  }
  return out;
}

void judge(const std::string& test) {
  int n = 0;
  for (const auto& c : all_cases()) {
    if (c.test != test) continue;
    ++n;
    std::string listed;
    for (const auto& m : c.messages)
      listed += " " + m.id + "@" + std::to_string(m.at_ms) + "ms" +
                (m.fail_first < 0 ? "(poison)" : m.fail_first ? "(fails " + std::to_string(m.fail_first) + "x)" : "");
    INFO("case \"" << c.key << "\": Consume(" << c.workers << " workers, max_receives " << c.max_receives
                   << "), visibility " << c.visibility_ms << " ms, handle " << c.handle_ms << " ms; copies:" << listed);
    const json& o = observed(c.key);
    INFO("observed " << o.dump());
    counts charges, calls, removed, dead;
    for (const auto& m : c.messages) {
      ++removed[m.id];
      if (calls.count(m.id)) continue;  // a copy: the first one's script holds
      if (m.fail_first >= 0 && m.fail_first < c.max_receives) {
        charges[m.id] = 1;
        calls[m.id] = m.fail_first + 1;
      } else {
        dead[m.id] = 1;
        calls[m.id] = c.max_receives;
      }
    }
    CHECK(o.at("copies left") == 0);
    CHECK(o.at("charges").get<counts>() == charges);
    CHECK(o.at("calls").get<counts>() == calls);
    CHECK(o.at("dead-lettered").get<counts>() == dead);
    CHECK(o.at("removed").get<counts>() == removed);
    CHECK(o.at("stale removes") == 0);
    CHECK(o.at("most calls of one id at once") == 1);
    if (c.returned_at_ms < 0) {
      CHECK(o.at("returned at ms") == o.at("cancelled at ms"));
    } else {
      INFO("cancelled at " << c.cancel_at_ms << " ms: the handlers then running must finish, and Consume wait for them");
      CHECK(o.at("returned at ms") == c.returned_at_ms);
    }
    if (c.emptied_at_ms >= 0) CHECK(o.at("emptied at ms") == c.emptied_at_ms);
    if (c.most_at_once >= 0) CHECK(o.at("most calls at once") == c.most_at_once);
  }
  REQUIRE(n > 0);
}

}  // namespace

TEST_CASE("Every message charged exactly once, handlers side by side", "[once]") { judge("once"); }

TEST_CASE("Duplicates delivered later are removed, not charged", "[duplicates]") { judge("duplicates"); }

TEST_CASE("A duplicate delivered while the first copy is handled is not charged", "[in-flight]") { judge("in-flight"); }

TEST_CASE("A failed message is redelivered after its visibility timeout", "[retry]") { judge("retry"); }

TEST_CASE("A poison message goes to the DLQ after max_receives attempts", "[dlq]") { judge("dlq"); }

TEST_CASE("Cancelled while handlers run, Consume returns once they are done", "[shutdown]") { judge("shutdown"); }

TEST_CASE("Concurrent deliveries and duplicates on explored schedules", "[concurrent]") { judge("concurrent"); }
