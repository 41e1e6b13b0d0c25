// Hidden tests for the follow-up: the typed Person, against Go's
// encoding/json with struct tags (the vectors' "person" cases).
#include <catch2/catch.hpp>

#include "cases.hpp"
#include "gograde/check.hpp"
#include "person.hpp"

TEST_CASE("A typed struct decodes and encodes as Go's", "[person]") {
  gograde::check::run([] {
    for (const auto& c : person_cases()) {
      INFO("vector \"" << c.name << "\": ParsePerson(" << bytes_text(c.in) << "), Role = \"" << c.role
                       << "\", MarshalPerson");
      Person p;
      const gox::error err = ParsePerson(c.in, p);
      if (c.error) {
        CHECK(err);
        continue;
      }
      REQUIRE_FALSE(err);
      p.Role = c.role;
      auto [data, merr] = MarshalPerson(p);
      CHECK_FALSE(merr);
      CHECK(bytes_text(data) == bytes_text(c.out));
    }
  });
}

TEST_CASE("Person round trip", "[person]") {
  gograde::check::run([] {
    Person p{"Zoë <z@x>", -42, "r\u2028"};
    auto [data, err] = MarshalPerson(p);
    REQUIRE_FALSE(err);
    Person q;
    REQUIRE_FALSE(ParsePerson(data, q));
    CHECK(q.Name == p.Name);
    CHECK(q.Age == p.Age);
    CHECK(q.Role == p.Role);
  });
}
