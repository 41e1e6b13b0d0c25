// Hidden tests for json-manipulation: every expected byte is Go's.
#include <catch2/catch.hpp>

#include "cases.hpp"
#include "gograde/check.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
#include "json_task.hpp"

namespace {
bool is_valid_object_case(const add_case& c) { return !c.error; }
}  // namespace

TEST_CASE("The seed's object and simple objects: Go's bytes", "[basic]") {
  gograde::check::run([] {
    for (const auto& c : add_cases()) {
      if (c.error || c.name.find("nested") != std::string::npos) continue;
      INFO("vector \"" << c.name << "\": AddField(" << bytes_text(c.in) << ", \"" << c.key << "\", " << c.value.dump() << ")");
      auto [data, err] = AddField(c.in, c.key, c.value);
      CHECK_FALSE(err);
      CHECK(bytes_text(data) == bytes_text(c.out));
    }
  });
}

TEST_CASE("Nested objects and arrays survive the round trip", "[nested]") {
  gograde::check::run([] {
    int n = 0;
    for (const auto& c : add_cases()) {
      if (!is_valid_object_case(c) || c.name.find("nested") == std::string::npos) continue;
      ++n;
      auto [data, err] = AddField(c.in, c.key, c.value);
      INFO("vector \"" << c.name << "\"");
      CHECK_FALSE(err);
      CHECK(bytes_text(data) == bytes_text(c.out));
    }
    // Deep nesting, built here: 200 levels of objects and arrays.
    std::string deep;
    for (int i = 0; i < 100; ++i) deep += "{\"a\":[";
    deep += "1";
    for (int i = 0; i < 100; ++i) deep += "]}";
    auto [data, err] = AddField(deep, "z", true);
    CHECK_FALSE(err);
    CHECK(data == deep.substr(0, deep.size() - 1) + ",\"z\":true}");
    REQUIRE(n >= 1);
  });
}

TEST_CASE("Malformed input and non-objects are errors, not ignored", "[errors]") {
  gograde::check::run([] {
    int n = 0;
    for (const auto& c : add_cases()) {
      if (!c.error) continue;
      ++n;
      INFO("vector \"" << c.name << "\": AddField(" << bytes_text(c.in) << ", ...) must return an error and no data");
      auto [data, err] = AddField(c.in, c.key, c.value);
      CHECK(err);
      CHECK(data.empty());
    }
    REQUIRE(n >= 6);
  });
}

TEST_CASE("Go's encoding: escaping, invalid UTF-8, float64 numbers, sorted keys", "[encoding]") {
  gograde::check::run([] {
    // Every round-trip vector Go could decode, as a field value.
    int n = 0;
    for (const auto& c : vectors().at("roundtrip")) {
      if (c.contains("error")) continue;
      gox::json::Value v;
      REQUIRE_FALSE(gox::json::Unmarshal(unhex(c.at("in").get<std::string>()), v));
      const std::string obj = "{\"v\":" + unhex(c.at("in").get<std::string>()) + "}";
      INFO("vector \"" << c.at("name").get<std::string>() << "\" as a field: AddField(" << bytes_text(obj) << ", \"w\", 1)");
      auto [data, err] = AddField(obj, "w", 1);
      CHECK_FALSE(err);
      CHECK(bytes_text(data) == bytes_text("{\"v\":" + unhex(c.at("out").get<std::string>()) + ",\"w\":1}"));
      ++n;
    }
    REQUIRE(n > 25);
  });
}

TEST_CASE("AddField from many fibers at once", "[concurrent]") {
  gograde::check::run([] {
    const auto cases = add_cases();
    gox::WaitGroup wg;
    std::vector<int> wrong(6, 0);
    for (int f = 0; f < 6; ++f) {
      wg.Add(1);
      gox::go(
          [&, f] {
            for (std::size_t k = 0; k < cases.size(); ++k) {
              const auto& c = cases[(k + static_cast<std::size_t>(f)) % cases.size()];
              auto [data, err] = AddField(c.in, c.key, c.value);
              if (static_cast<bool>(err) != c.error || data != c.out) ++wrong[static_cast<std::size_t>(f)];
              if (k % 4 == 0) gox::yield();
            }
            wg.Done();
          },
          "encoder");
    }
    wg.Wait();
    for (int w : wrong) CHECK(w == 0);
  });
}
