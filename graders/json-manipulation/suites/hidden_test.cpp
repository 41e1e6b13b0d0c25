// Hidden tests for json-manipulation, drive half: AddField on the judge's
// inputs (and generated ones), observing the bytes and errors it gives.
// hidden_judge.cpp holds Go's bytes.
#include <catch2/catch.hpp>

#include "gograde/check.hpp"
#include "gox/json.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
#include "json_task.hpp"

namespace {

using gograde::check::observe;

struct add_input {
  std::string key, in, field;
  gox::json::Value value;
};

std::vector<add_input> add_inputs() {
  std::vector<add_input> out;
  for (const auto& c : gograde::check::input("add_field")) {
    add_input a{c.at("key"), gograde::unhex(c.at("in").get<std::string>()), c.at("field"), {}};
    (void)gox::json::Unmarshal(c.at("value").get<std::string>(), a.value);
    out.push_back(std::move(a));
  }
  return out;
}

nlohmann::json result(const std::string& data, const gox::error& err) {
  return {{"data", gograde::hex(data)}, {"error", static_cast<bool>(err)}};
}

// AddField on every vector.
void add_every_vector() {
  for (const auto& c : add_inputs()) {
    auto [data, err] = AddField(c.in, c.field, c.value);
    observe(c.key, result(data, err));
  }
}

}  // namespace

TEST_CASE("The seed's object and simple objects: Go's bytes", "[basic]") {
  gograde::check::run(add_every_vector);
}

TEST_CASE("Nested objects and arrays survive the round trip", "[nested]") {
  gograde::check::run([] {
    add_every_vector();
    // Deep nesting, built here: 200 levels of objects and arrays.
    std::string deep;
    for (int i = 0; i < 100; ++i) deep += "{\"a\":[";
    deep += "1";
    for (int i = 0; i < 100; ++i) deep += "]}";
    auto [data, err] = AddField(deep, "z", true);
    observe("200 levels deep", result(data, err));
  });
}

TEST_CASE("Malformed input and non-objects are errors, not ignored", "[errors]") {
  gograde::check::run(add_every_vector);
}

TEST_CASE("Go's encoding: escaping, invalid UTF-8, float64 numbers, sorted keys", "[encoding]") {
  gograde::check::run([] {
    // Every round-trip vector Go could decode, as a field value.
    for (const auto& c : gograde::check::input("values")) {
      const std::string obj = "{\"v\":" + gograde::unhex(c.at("in").get<std::string>()) + "}";
      auto [data, err] = AddField(obj, "w", 1);
      observe(c.at("key"), result(data, err));
    }
  });
}

TEST_CASE("AddField from many fibers at once", "[concurrent]") {
  gograde::check::run([] {
    const auto cases = add_inputs();
    gox::WaitGroup wg;
    std::vector<std::vector<nlohmann::json>> got(6, std::vector<nlohmann::json>(cases.size()));
    for (int f = 0; f < 6; ++f) {
      wg.Add(1);
      gox::go(
          [&, f] {
            for (std::size_t k = 0; k < cases.size(); ++k) {
              const std::size_t i = (k + static_cast<std::size_t>(f)) % cases.size();
              auto [data, err] = AddField(cases[i].in, cases[i].field, cases[i].value);
              got[static_cast<std::size_t>(f)][i] = result(data, err);
              if (k % 4 == 0) gox::yield();
            }
            wg.Done();
          },
          "encoder");
    }
    wg.Wait();
    for (int f = 0; f < 6; ++f) observe("fiber " + std::to_string(f), got[static_cast<std::size_t>(f)]);
  });
}
