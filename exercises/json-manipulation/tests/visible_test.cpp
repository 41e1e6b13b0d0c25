// Visible tests: what `gograde test json-manipulation` runs.
#include <catch2/catch.hpp>

#include "gograde/check.hpp"
#include "json_task.hpp"

TEST_CASE("The seed's example gives Go's bytes", "[basic]") {
  gograde::check::run([] {
    auto [data, err] = AddField(R"({"name":"John","age":30})", "role", "Senior Engineer");
    CHECK_FALSE(err);
    CHECK(data == R"({"age":30,"name":"John","role":"Senior Engineer"})");
  });
}

TEST_CASE("Malformed input is an error, not ignored", "[errors]") {
  gograde::check::run([] {
    auto [data, err] = AddField(R"({"name":"John",)", "role", "x");
    CHECK(err);
    CHECK(data.empty());
  });
}
