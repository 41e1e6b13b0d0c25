// Hidden tests for the follow-up, drive half: the typed Person on the judge's
// inputs, and a round trip.
#include <catch2/catch.hpp>

#include "gograde/check.hpp"
#include "person.hpp"

using gograde::check::observe;

TEST_CASE("A typed struct decodes and encodes as Go's", "[person]") {
  gograde::check::run([] {
    for (const auto& c : gograde::check::input("person")) {
      Person p;
      const gox::error err = ParsePerson(gograde::unhex(c.at("in").get<std::string>()), p);
      if (err) {
        observe(c.at("key"), {{"parse error", true}});
        continue;
      }
      p.Role = c.at("role");
      auto [data, merr] = MarshalPerson(p);
      observe(c.at("key"), {{"parse error", false}, {"marshal error", static_cast<bool>(merr)}, {"data", gograde::hex(data)}});
    }
  });
}

TEST_CASE("Person round trip", "[person]") {
  gograde::check::run([] {
    Person p{"Zoë <z@x>", -42, "r\u2028"};
    auto [data, err] = MarshalPerson(p);
    Person q;
    const bool parse_error = err || static_cast<bool>(ParsePerson(data, q));
    observe("round trip", {{"marshal error", static_cast<bool>(err)},
                           {"parse error", parse_error},
                           {"Name", gograde::hex(q.Name)},
                           {"Age", q.Age},
                           {"Role", gograde::hex(q.Role)}});
  });
}
