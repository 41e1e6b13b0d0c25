// Hidden tests for json-manipulation, judge half: every expected byte is Go's.
#include <catch2/catch.hpp>

#include "cases.hpp"
#include "gograde/judge.hpp"

namespace {

using gograde::judge::json;
using gograde::judge::observed;

GOGRADE_INPUT("add_field") { return driver_inputs().at("add_field"); }
GOGRADE_INPUT("values") { return driver_inputs().at("values"); }

struct result {
  std::string data;
  bool error;
};
result result_of(const json& o) { return {unhex(o.at("data").get<std::string>()), o.at("error").get<bool>()}; }

// The add_field vectors `pick` selects, with what the driver observed.
template <class Pick, class Check>
int for_adds(Pick pick, Check check) {
  int n = 0;
  const auto all = add_cases();
  for (std::size_t k = 0; k < all.size(); ++k) {
    if (!pick(all[k])) continue;
    ++n;
    const auto& c = all[k];
    INFO("vector \"" << c.name << "\": AddField(" << bytes_text(c.in) << ", \"" << c.key << "\", " << c.value.dump()
                     << ")");
    check(c, result_of(observed(key_of(k, c.name))));
  }
  return n;
}

bool nested(const add_case& c) { return c.name.find("nested") != std::string::npos; }

}  // namespace

TEST_CASE("The seed's object and simple objects: Go's bytes", "[basic]") {
  REQUIRE(for_adds([](const add_case& c) { return !c.error && !nested(c); },
                   [](const add_case& c, const result& r) {
                     CHECK_FALSE(r.error);
                     CHECK(bytes_text(r.data) == bytes_text(c.out));
                   }) > 3);
}

TEST_CASE("Nested objects and arrays survive the round trip", "[nested]") {
  REQUIRE(for_adds([](const add_case& c) { return !c.error && nested(c); },
                   [](const add_case& c, const result& r) {
                     CHECK_FALSE(r.error);
                     CHECK(bytes_text(r.data) == bytes_text(c.out));
                   }) >= 1);
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "{\"a\":[";
  deep += "1";
  for (int i = 0; i < 100; ++i) deep += "]}";
  const result r = result_of(observed("200 levels deep"));
  INFO("AddField on 200 levels of objects and arrays");
  CHECK_FALSE(r.error);
  CHECK(r.data == deep.substr(0, deep.size() - 1) + ",\"z\":true}");
}

TEST_CASE("Malformed input and non-objects are errors, not ignored", "[errors]") {
  REQUIRE(for_adds([](const add_case& c) { return c.error; },
                   [](const add_case&, const result& r) {
                     INFO("AddField must return an error and no data");
                     CHECK(r.error);
                     CHECK(r.data.empty());
                   }) >= 6);
}

TEST_CASE("Go's encoding: escaping, invalid UTF-8, float64 numbers, sorted keys", "[encoding]") {
  int n = 0;
  const auto& rt = vectors().at("roundtrip");
  for (std::size_t k = 0; k < rt.size(); ++k) {
    const auto& c = rt[k];
    if (c.contains("error")) continue;
    const std::string obj = "{\"v\":" + unhex(c.at("in").get<std::string>()) + "}";
    INFO("vector \"" << c.at("name").get<std::string>() << "\" as a field: AddField(" << bytes_text(obj) << ", \"w\", 1)");
    const result r = result_of(observed(key_of(k, c.at("name"))));
    CHECK_FALSE(r.error);
    CHECK(bytes_text(r.data) == bytes_text("{\"v\":" + unhex(c.at("out").get<std::string>()) + ",\"w\":1}"));
    ++n;
  }
  REQUIRE(n > 25);
}

TEST_CASE("AddField from many fibers at once", "[concurrent]") {
  const auto cases = add_cases();
  for (int f = 0; f < 6; ++f) {
    const auto& got = observed("fiber " + std::to_string(f));
    REQUIRE(got.size() == cases.size());
    int wrong = 0;
    for (std::size_t k = 0; k < cases.size(); ++k) {
      const result r = result_of(got[k]);
      if (r.error != cases[k].error || r.data != cases[k].out) ++wrong;
    }
    INFO("fiber " << f << " of 6, each running AddField on every vector");
    CHECK(wrong == 0);
  }
}
