// Hidden tests for the follow-up, judge half: the typed Person against Go's
// encoding/json with struct tags (the vectors' "person" cases).
#include <catch2/catch.hpp>

#include "cases.hpp"
#include "gograde/judge.hpp"

using gograde::judge::observed;

GOGRADE_INPUT("person") { return driver_inputs().at("person"); }

TEST_CASE("A typed struct decodes and encodes as Go's", "[person]") {
  const auto all = person_cases();
  for (std::size_t k = 0; k < all.size(); ++k) {
    const auto& c = all[k];
    INFO("vector \"" << c.name << "\": ParsePerson(" << bytes_text(c.in) << "), Role = \"" << c.role
                     << "\", MarshalPerson");
    const auto& o = observed(key_of(k, c.name));
    if (c.error) {
      CHECK(o.at("parse error").get<bool>());
      continue;
    }
    REQUIRE_FALSE(o.at("parse error").get<bool>());
    CHECK_FALSE(o.at("marshal error").get<bool>());
    CHECK(bytes_text(unhex(o.at("data").get<std::string>())) == bytes_text(c.out));
  }
}

TEST_CASE("Person round trip", "[person]") {
  const auto& o = observed("round trip");
  INFO("MarshalPerson then ParsePerson of {\"Zoë <z@x>\", -42, \"r\\u2028\"}");
  REQUIRE_FALSE(o.at("marshal error").get<bool>());
  REQUIRE_FALSE(o.at("parse error").get<bool>());
  CHECK(unhex(o.at("Name").get<std::string>()) == "Zoë <z@x>");
  CHECK(o.at("Age").get<long>() == -42);
  CHECK(unhex(o.at("Role").get<std::string>()) == "r\u2028");
}
