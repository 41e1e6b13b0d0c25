#include <catch2/catch.hpp>

#include <filesystem>

#include "engine/exercise.hpp"
#include "sets/url.hpp"

using gograde::sets::parse_url;
using gograde::sets::redact;

namespace {
const std::filesystem::path kCwd = std::filesystem::temp_directory_path();
}

TEST_CASE("Network URLs keep scheme, user, host and path, never the password", "[sets][url]") {
  const auto u = parse_url("https://alice:p%40ss@git.example.com:8443/team/set.git", kCwd);
  CHECK(u.scheme == "https");
  CHECK(u.user == "alice");
  CHECK(u.password == "p@ss");
  CHECK(u.host == "git.example.com:8443");
  CHECK(u.path == "/team/set.git");
  CHECK(u.url == "https://alice@git.example.com:8443/team/set.git");
  CHECK(parse_url("git://127.0.0.1:9418/up.git", kCwd).url == "git://127.0.0.1:9418/up.git");
  CHECK(parse_url("HTTP://host/x", kCwd).scheme == "http");
  CHECK(parse_url("ssh://git@[::1]:22/x.git", kCwd).host == "[::1]:22");
}

TEST_CASE("scp-like addresses are ssh, file:// needs a path", "[sets][url]") {
  const auto u = parse_url("git@github.com:team/set.git", kCwd);
  CHECK(u.scheme == "ssh");
  CHECK(u.user == "git");
  CHECK(u.host == "github.com");
  CHECK(u.path == "team/set.git");
  CHECK(parse_url("file:///srv/set.git", kCwd).url == "file:///srv/set.git");
}

TEST_CASE("A local path is made absolute and must be a directory", "[sets][url]") {
  const auto u = parse_url(".", kCwd);
  CHECK(u.scheme == "local");
  CHECK(std::filesystem::path(u.url).is_absolute());
  CHECK_THROWS_WITH(parse_url("no/such/dir", kCwd), Catch::Contains("no repository at") && Catch::Contains("not a directory"));
}

TEST_CASE("Malformed URLs are refused saying what is wrong", "[sets][url]") {
  using Catch::Contains;
  CHECK_THROWS_WITH(parse_url("", kCwd), Contains("malformed URL") && Contains("empty"));
  CHECK_THROWS_WITH(parse_url("ftp://h/x", kCwd), Contains("unsupported scheme \"ftp\""));
  CHECK_THROWS_WITH(parse_url("https://", kCwd), Contains("no host"));
  CHECK_THROWS_WITH(parse_url("https://host", kCwd), Contains("no repository path"));
  CHECK_THROWS_WITH(parse_url("https://host:0/x", kCwd), Contains("is not a host[:port]"));
  CHECK_THROWS_WITH(parse_url("https://host:65536/x", kCwd), Contains("is not a host[:port]"));
  CHECK_THROWS_WITH(parse_url("https://ho st/x", kCwd), Contains("spaces"));
  CHECK_THROWS_WITH(parse_url("https:/host/x", kCwd), Contains("\"https:\" without \"//\""));
  CHECK_THROWS_WITH(parse_url("://x", kCwd), Contains("no scheme"));
  CHECK_THROWS_WITH(parse_url("file://host/x", kCwd), Contains("file:// takes no host"));
  CHECK_THROWS_WITH(parse_url("https://:pw@host/x", kCwd), Contains("empty user name"));
}

TEST_CASE("A password is never in an error message", "[sets][url]") {
  try {
    parse_url("ftp://bob:hunter2@host/x", kCwd);
    FAIL("accepted");
  } catch (const gograde::config_error& e) {
    CHECK_THAT(e.what(), !Catch::Contains("hunter2"));
    CHECK_THAT(e.what(), Catch::Contains("bob:***@host"));
  }
  CHECK(redact("fetch https://u:secret@h/x and git://h/y failed") == "fetch https://u:***@h/x and git://h/y failed");
  CHECK(redact("https://u@h/x") == "https://u@h/x");
}
