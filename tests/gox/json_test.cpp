// gox::json against Go: every expected byte comes from Go's encoding/json
// (graders/json-manipulation/data/vectors.json, written and re-checked by the
// exercise's Go twin), plus the cases a Go value cannot express.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "gox/json.hpp"

namespace {

const nlohmann::json& vectors() {
  static const nlohmann::json v = [] {
    std::ifstream in(GOGRADE_SOURCE_DIR "/graders/json-manipulation/data/vectors.json");
    std::stringstream s;
    s << in.rdbuf();
    return nlohmann::json::parse(s.str());
  }();
  return v;
}

std::string unhex(const std::string& h) {
  std::string out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) out += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
  return out;
}

}  // namespace

TEST_CASE("Unmarshal then Marshal gives Go's bytes or Go's error, for every vector", "[json]") {
  const auto& cases = vectors().at("roundtrip");
  REQUIRE(cases.size() > 60);
  int errors = 0;
  for (const auto& c : cases) {
    INFO(c.at("name").get<std::string>());
    gox::json::Value v = "unchanged";
    const gox::error err = gox::json::Unmarshal(unhex(c.at("in")), v);
    if (c.contains("error")) {
      ++errors;
      REQUIRE(err);
      CHECK(err.Error() == c.at("error").get<std::string>());
      CHECK_FALSE(gox::json::Valid(unhex(c.at("in"))) != c.at("error").get<std::string>().starts_with("json: "));
    } else {
      REQUIRE_FALSE(err);
      CHECK(gox::json::Valid(unhex(c.at("in"))));
      auto [data, merr] = gox::json::Marshal(v);
      REQUIRE_FALSE(merr);
      CHECK(data == unhex(c.at("out")));
    }
  }
  CHECK(errors > 30);
}

TEST_CASE("float64 values are formatted as Go formats them", "[json]") {
  const auto& cases = vectors().at("floats");
  REQUIRE(cases.size() > 1000);
  for (const auto& c : cases) {
    const std::uint64_t bits = std::stoull(c.at("bits").get<std::string>(), nullptr, 16);
    double f;
    std::memcpy(&f, &bits, sizeof f);
    INFO(c.at("bits").get<std::string>());
    auto [data, err] = gox::json::Marshal(gox::json::Value(f));
    REQUIRE_FALSE(err);
    CHECK(data == c.at("out").get<std::string>());
  }
}

TEST_CASE("strings are escaped as Go escapes them", "[json]") {
  for (const auto& c : vectors().at("strings")) {
    const std::string in = unhex(c.at("in"));
    auto [data, err] = gox::json::Marshal(gox::json::Value(in));
    REQUIRE_FALSE(err);
    CHECK(data == unhex(c.at("out")));
  }
}

TEST_CASE("NaN and infinities are Go's unsupported-value errors", "[json]") {
  const double inf = std::numeric_limits<double>::infinity();
  for (auto [f, msg] : {std::pair{std::nan(""), "json: unsupported value: NaN"},
                        std::pair{inf, "json: unsupported value: +Inf"}, std::pair{-inf, "json: unsupported value: -Inf"}}) {
    gox::json::Value v = {{"a", 1}, {"b", {1, f}}};
    auto [data, err] = gox::json::Marshal(v);
    REQUIRE(err);
    CHECK(err.Error() == msg);
    CHECK(data.empty());
  }
}

TEST_CASE("Integers set by the program are written as integers, Fields keep their order", "[json]") {
  gox::json::Value v = {{"n", 5}, {"u", std::uint64_t{18446744073709551615ULL}}, {"neg", -7}};
  CHECK(gox::json::Marshal(v).data == R"({"n":5,"neg":-7,"u":18446744073709551615})");
  gox::json::Fields f;
  f["name"] = "John";
  f["age"] = 30;
  f["role"] = "<b>";
  CHECK(gox::json::Marshal(f).data == R"({"name":"John","age":30,"role":"\u003cb\u003e"})");
}

TEST_CASE("Decoded numbers are float64 and nesting 10000 deep neither fails nor overflows a stack", "[json]") {
  gox::json::Value v;
  REQUIRE_FALSE(gox::json::Unmarshal("[12345678901234567890, 3]", v));
  CHECK(v[0].is_number_float());
  CHECK(v[1].is_number_float());
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  REQUIRE_FALSE(gox::json::Unmarshal(deep, v));
  CHECK(gox::json::Marshal(v).data == deep);
  const gox::error e = gox::json::Unmarshal("[" + deep + "]", v);
  REQUIRE(e);
  CHECK(e.Error() == "invalid character '[' exceeded max depth");
}

TEST_CASE("A syntax error leaves the value unchanged", "[json]") {
  gox::json::Value v = {{"keep", true}};
  CHECK(gox::json::Unmarshal(R"({"a":1,})", v));
  CHECK(v == gox::json::Value({{"keep", true}}));
}
